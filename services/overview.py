"""The dashboard's figures and charts, from the mirror (never Google).

Everything here is a read of a few Redis keys and some arithmetic, so the
dashboard renders in milliseconds at 100,000 members (bench/dashboard.py).
"""
import re
from datetime import datetime, timedelta, timezone

from services import activity, charts, run_history, schema


def _now(now):
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def network(mirror, now=None):
    """Members by ladder stage and preferred contact, new and unsubscribed this month."""
    counts = mirror.counts()
    by_stage = counts.get("by_ladder_stage") or {}
    by_contact = counts.get("by_preferred_contact") or {}
    return {
        "members": counts.get("members", 0),
        "subscribed": counts.get("subscribed", 0),
        "unsubscribed": counts.get("unsubscribed", 0),
        "new_this_month": counts.get("new_this_month", 0),
        "unsubscribed_this_month": counts.get("unsubscribes_this_month", 0),
        "by_stage": _with_not_set(by_stage, schema.LADDER),
        "by_contact": _with_not_set(by_contact, schema.CONTACT),
    }


def _with_not_set(counts, choices):
    """The choices in the sheet's order, then the people whose cell is blank (the mirror counts
    them under "—") or holds something else."""
    rows = [(choice, counts.get(choice, 0)) for choice in choices]
    rest = sum(n for key, n in counts.items() if key not in choices)
    return rows + ([("Not set", rest)] if rest else [])


def stage_chart(figures):
    return charts.bar_chart("Members by ladder stage", figures["by_stage"], label="Ladder stage", value="Members")


def signatures_by_day(redis, slug, days=14, now=None):
    """New activists per day over the last `days` days (quiet days as 0), from the journal's times."""
    today = _now(now).date()
    first = today - timedelta(days=days - 1)
    counts = activity.read(redis, slug)
    return [(d, counts.get(d.isoformat(), 0)) for d in charts.day_range(first, today)]


def days_since(created, now=None, least=14, most=90):
    """How many days an action's own chart covers: its whole life, between two weeks and three months."""
    if not isinstance(created, datetime):
        return least
    return max(least, min(most, (_now(now).date() - created.astimezone(timezone.utc).date()).days + 1))


def signatures_chart(title, per_day):
    chart = charts.line_chart(f"Signatures per day: {title}", [d for d, _ in per_day],
                              {"Signatures": [n for _, n in per_day]})
    if chart.empty and per_day:
        chart.empty_text = f"No one signed in these {len(per_day)} days."
    return chart


def live_actions(actions_list, redis, now=None):
    """Each live action with its signatures in all, today and over the last 7 days."""
    out = []
    for action in actions_list:
        if action.get("status") != "Live":
            continue
        per_day = signatures_by_day(redis, action["slug"], days=7, now=now)
        out.append({**action, "today": per_day[-1][1], "this_week": sum(n for _, n in per_day)})
    return out


def sponsor_history(redis, slug, group, days=30, now=None):
    """A sponsor's Referrer, Owed and Shared at the end of each of the last `days` days (after its runs)."""
    return run_history.sponsor_series(redis, slug, group, days, _now(now).date())


def sponsor_history_chart(group, points):
    """A sponsor's Referrer, Owed and Shared after each run: points [(day, referrer, owed, shared)]."""
    days = [p[0] for p in points]
    return charts.line_chart(f"{group}: referred, owed and shared", days, {
        "Referred": [p[1] for p in points], "Owed": [p[2] for p in points], "Shared": [p[3] for p in points]})


PROBLEM = re.compile(r"^(?P<tab>.+?) row (?P<row>\d+): (?P<what>.*)$", re.S)


def problems(texts):
    """The sheet's problems ("Members row 14: 'bob@' is not an email address") with tab and row apart."""
    out = []
    for text in texts:
        m = PROBLEM.match(text)
        if m:
            out.append({"tab": m["tab"], "row": int(m["row"]), "text": text})
        else:
            tab = text.split(":", 1)[0] if ":" in text else None
            out.append({"tab": tab, "row": None, "text": text})
    return out

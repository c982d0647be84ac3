"""The dashboard's figures and charts, from the mirror (never Google).

Everything here is a read of a few Redis keys and some arithmetic, so the
dashboard renders in milliseconds at 100,000 members (bench/dashboard.py).
"""
import re
from datetime import datetime, timedelta, timezone

from services import charts, schema

DAILY = "actnet:manage:daily:{}"  # hash day (ISO) -> signatures that day, for the chart


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
        "by_stage": [(stage, by_stage.get(stage, 0)) for stage in schema.LADDER] +
                    ([("Not set", by_stage.get("", 0) + by_stage.get(None, 0) + by_stage.get("Not set", 0))]
                     if any(by_stage.get(k) for k in ("", None, "Not set")) else []),
        "by_contact": [(way, by_contact.get(way, 0)) for way in schema.CONTACT] +
                      ([("Not set", by_contact.get("", 0) + by_contact.get("Not set", 0))]
                       if any(by_contact.get(k) for k in ("", "Not set")) else []),
    }


def stage_chart(figures):
    return charts.bar_chart("Members by ladder stage", figures["by_stage"], label="Ladder stage", value="Members")


def signatures_by_day(redis, slug, days=14, now=None):
    """Signatures per day over the last `days` days (quiet days as 0)."""
    today = _now(now).date()
    first = today - timedelta(days=days - 1)
    raw = redis.hgetall(DAILY.format(slug))
    counts = {k.decode(): int(v) for k, v in raw.items()}
    return [(d, counts.get(d.isoformat(), 0)) for d in charts.day_range(first, today)]


def signatures_chart(title, per_day):
    return charts.line_chart(f"Signatures per day: {title}", [d for d, _ in per_day],
                             {"Signatures": [n for _, n in per_day]})


def live_actions(actions_list, redis, now=None):
    """Each live action with its signatures in all, today and over the last 7 days."""
    out = []
    for action in actions_list:
        if action.get("status") != "Live":
            continue
        per_day = signatures_by_day(redis, action["slug"], days=7, now=now)
        out.append({**action, "today": per_day[-1][1], "this_week": sum(n for _, n in per_day)})
    return out


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

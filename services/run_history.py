"""The Runs tab and each sponsor's figures after each run, kept in Redis for the manager's pages.

A run (hourly, from a page or `flask sharing run`) leaves its progress in Redis
(services/run_state.py). When that names a run not recorded here yet, one
values:batchGet reads the Runs tab and the Sponsors tab: the Runs page shows
the latest rows, and each sponsor's Referrer, Owed and Shared as that run left
them become the day's point of its chart (the last run of a day wins). With
no new run, nothing is read.
"""
import json
from datetime import datetime, timezone

from services import run_state

HISTORY = "actnet:manage:run-history"  # JSON list of the latest Runs rows, newest first
RECORDED = "actnet:manage:run-history:recorded"  # the run whose figures were recorded last
POINTS = "actnet:manage:sponsor-days:{}"  # per action: hash "GROUP\tDAY" -> JSON [referrer, owed, shared]
KEEP_RUNS = 50
TABS = ("Runs", "Sponsors")


def _iso(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="seconds")
    return value


def run_rows(runs_tab, limit=KEEP_RUNS):
    """The Runs tab's latest rows as pages show them, newest first."""
    rows = [{"run": r["Run"], "started": _iso(r["Started"]), "finished": _iso(r["Finished"]),
             "trigger": r["Trigger"], "seed": r["Seed"], "shares": r["Shares"] or 0,
             "deliveries": r["Deliveries"] or 0, "referrals": r["Referrals"] or 0, "outcome": r["Outcome"] or ""}
            for r in runs_tab.rows if r["Run"]]
    rows.sort(key=lambda r: r["started"] or "", reverse=True)
    return rows[:limit]


def points(sponsors_tab):
    """Each sponsor's figures as the sheet holds them now: {(action, group): [referrer, owed, shared]}."""
    return {(r["Action"], r["Group"]): [r["Referrer"] or 0, r["Owed"] or 0, r["Shared"] or 0]
            for r in sponsors_tab.rows if r["Action"] and r["Group"]}


def record(redis, runs_tab, sponsors_tab, run_id=None, now=None):
    """Keep the latest Runs rows, and today's point of every sponsor (after run `run_id`)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    figures, day = points(sponsors_tab), now.date().isoformat()
    with redis.pipeline(transaction=True) as pipe:
        pipe.delete(HISTORY)
        rows = run_rows(runs_tab)
        if rows:
            pipe.rpush(HISTORY, *[json.dumps(r) for r in rows])
        for (action, group), values in figures.items():
            pipe.hset(POINTS.format(action), f"{group}\t{day}", json.dumps(values))
        pipe.set(RECORDED, run_id or "")
        pipe.execute()


def _titles(redis):
    """The tab titles the sheet check and the mirror left in Redis (None: read them)."""
    from services.mirror_refresh import TITLES_KEY

    raw = redis.get(TITLES_KEY)
    return list(json.loads(raw)) if raw else None


def refresh(workbook, redis, now=None):
    """Record a run that finished since the last record (one read); nothing to do: no read.

    Returns the run id recorded, or None.
    """
    progress = run_state.progress(redis)
    run_id = progress.get("run") or None
    recorded = redis.get(RECORDED)
    if recorded is not None and (not run_id or progress.get("running") or run_id == recorded.decode()):
        return None  # read once after a Redis loss, then only after each run
    snap = workbook.snapshot(list(TABS), titles=_titles(redis))
    if not snap["Runs"].present:
        return None
    record(redis, snap["Runs"], snap["Sponsors"], run_id=run_id, now=now)
    return run_id


def history(redis, limit=KEEP_RUNS):
    return [json.loads(raw) for raw in redis.lrange(HISTORY, 0, limit - 1)]


def sponsor_days(redis, slug, group):
    """{day (ISO): (referrer, owed, shared)} recorded for one sponsor of one action."""
    prefix = f"{group}\t"
    out = {}
    for field, raw in redis.hgetall(POINTS.format(slug)).items():
        field = field.decode()
        if field.startswith(prefix):
            out[field[len(prefix):]] = tuple(json.loads(raw))
    return out


def sponsor_series(redis, slug, group, days, today):
    """[(day, referrer, owed, shared)] for each day from the first one recorded (at most `days`
    ago) to `today`: a day without a run keeps the figures of the last one before it."""
    from datetime import date, timedelta

    kept = sponsor_days(redis, slug, group)
    if not kept:
        return []
    first = max(today - timedelta(days=days - 1), date.fromisoformat(min(kept)))
    before = [d for d in kept if d < first.isoformat()]
    last = kept[max(before)] if before else (0, 0, 0)
    series = []
    for n in range((today - first).days + 1):
        day = first + timedelta(days=n)
        last = kept.get(day.isoformat(), last)
        series.append((day, *last))
    return series

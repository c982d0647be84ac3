"""Signatures over time, for the manager's charts, from the journal's own times.

Like every figure, the days are computed from the Submissions journal, never
counted up: an activist counts once per action, on the day (UTC) of their
first submission of it, so an action's days add up to its Signatures. The
flush recomputes the actions of each batch it plans (so a signature shows on
the chart within seconds of reaching the journal) and the sheet check all of
them (after a Redis loss, say). Pages read one hash per action.
"""
import collections
from datetime import datetime, timezone

DAILY = "actnet:manage:daily:{}"  # hash: day (ISO, UTC) -> new activists of the action that day


def _moment(at):
    if isinstance(at, str):
        at = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def first_signature_days(submissions, only=None):
    """action -> {day: activists whose first submission of it fell on that day}.

    `submissions`: dicts with action, email (normalised) and at (datetime or ISO);
    rows without a time or an email count for no day. `only`: the actions wanted (None: all).
    """
    first = {}
    for s in submissions:
        action, email, at = s.get("action"), s.get("email"), s.get("at")
        if not action or not email or not at or (only is not None and action not in only):
            continue
        at = _moment(at)
        key = (action, email)
        if key not in first or at < first[key]:
            first[key] = at
    days = collections.defaultdict(collections.Counter)
    for (action, _), at in first.items():
        days[action][at.astimezone(timezone.utc).date().isoformat()] += 1
    return days


def record(redis, days, actions):
    """Keep these actions' days (replacing what was kept); `redis` may be a pipeline."""
    for slug in actions:
        key = DAILY.format(slug)
        redis.delete(key)
        if days.get(slug):
            redis.hset(key, mapping=dict(days[slug]))


def read(redis, slug):
    """{day (date ISO): new activists} for one action."""
    return {k.decode(): int(v) for k, v in redis.hgetall(DAILY.format(slug)).items()}


def days_after_batch(journal, batch):
    """The days of the actions a flush batch touches, as the journal will be once the batch is in.

    `journal`: the Submissions TabData the flush read; `batch`: intake's accepted submissions.
    Returns (days, the actions touched) for `record`.
    """
    entries = [{"action": r["Action"], "email": r["Email"], "at": r["At"]} for r in journal.rows]
    entries += [{"action": s["action"], "email": s["email"], "at": s["at"]} for s in batch]
    touched = {s["action"] for s in batch}
    return first_signature_days(entries, only=touched), touched

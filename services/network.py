"""The people on the lists: what the app notices about them between runs."""
from datetime import datetime, timezone

from services.workbook import WritePlan

STATUS_KEY = "actnet:status:{tab}"


class StatusMemory:
    """The Status the app last saw or wrote for each person of one list, kept in Redis.

    Without it a hand-typed "unsubscribed" could not be told from one the app
    wrote itself.
    """

    def __init__(self, redis, tab):
        self.redis = redis
        self.key = STATUS_KEY.format(tab=tab)

    def load(self):
        return {k.decode(): v.decode() for k, v in self.redis.hgetall(self.key).items()}

    def save(self, statuses):
        if statuses:
            self.redis.hset(self.key, mapping=statuses)


def notice_status_changes(tab_data, remembered, now):
    """Status rule (workbook.md): a Status that differs from what the app last saw
    was set by a manager; stamp Status changed and remember it as the person's choice.

    Pure: returns (plan, what to remember). A person seen for the first time is
    only remembered.
    """
    plan = WritePlan()
    seen = {}
    for row in tab_data.rows:
        if "Status" in row.unreadable:
            continue
        email, status = row["Email"], row["Status"] or ""
        before = remembered.get(email)
        if before is not None and before != status:
            plan.update(tab_data.tab.name, (email,), **{"Status changed": now})
        if before != status:
            seen[email] = status
    return plan, seen


def refresh_statuses(workbook, redis, tab="Members", now=None):
    """Read one list, stamp hand-made Status changes, remember what was seen."""
    now = now or datetime.now(timezone.utc)
    memory = StatusMemory(redis, tab)
    snap = workbook.snapshot([tab], titles=[tab])
    plan, seen = notice_status_changes(snap[tab], memory.load(), now)
    result = workbook.apply(plan) if plan.updates else None
    memory.save(seen)  # only after the stamps landed: a failed write is noticed again next time
    return result

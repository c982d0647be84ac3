"""Write plans waiting for the spreadsheet, kept in Redis until they land.

What a person was told is saved (a signature, an unsubscribe) goes here
first. A flush takes what is waiting, merges it into one plan and applies it
(one read, one batchUpdate, one append per tab). The plans leave Redis only
after the sheet has them; a flush killed halfway leaves them in `processing`,
and the next flush applies them again, which the write plan makes harmless:
it re-reads the keys and adds no row twice.

A plan the sheet cannot take until a person fixes something (a tab's key
header deleted, say) is set aside in `held`, with the reason, so it does not
hold up the others; `retry_held` tries those again.
"""
import json
import threading
from datetime import date, datetime

import redis

from services.plan import CellUpdate, WritePlan
from services.sheets import SheetsError, SheetsUnavailable

# A flush keeps its lock alive while it works (a Google that hangs can make one
# batch slow); if the process dies the lock lapses after this long. A lock that
# lapsed mid-batch would let a twin append the same rows at the same moment.
# Short, since a worker killed mid-flush holds up every flush until it lapses.
LOCK_SECONDS = 15


def _encode(value):
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__} in the outbox")


def _decode(obj):
    if "$datetime" in obj:
        return datetime.fromisoformat(obj["$datetime"])
    if "$date" in obj:
        return date.fromisoformat(obj["$date"])
    return obj


def dumps(plan):
    return json.dumps({"appends": plan.appends, "replacements": plan.replacements,
                       "updates": [[u.tab, list(u.key), u.cells] + ([True] if u.by_manager else [])
                                   for u in plan.updates],
                       "fills": [[u.tab, list(u.key), u.cells] for u in plan.fills]}, default=_encode)


def loads(text):
    data = json.loads(text, object_hook=_decode)
    return WritePlan(appends=data["appends"], replacements=data["replacements"],
                     updates=[CellUpdate(u[0], tuple(u[1]), u[2], by_manager=len(u) > 3 and u[3])
                              for u in data["updates"]],
                     fills=[CellUpdate(tab, tuple(key), cells) for tab, key, cells in data.get("fills", [])])


def merge(plans):
    """One plan doing what all of them do, in order (a later replacement wins)."""
    merged = WritePlan()
    for plan in plans:
        for tab, rows in plan.appends.items():
            merged.appends.setdefault(tab, []).extend(rows)
        merged.updates.extend(plan.updates)
        merged.fills.extend(plan.fills)
        merged.replacements.update(plan.replacements)
    return merged


def _keep_alive(lock, done):
    """Renew the flush lock every third of its life until the flush is done."""
    while not done.wait(LOCK_SECONDS / 3):
        try:
            lock.reacquire()
        except redis.RedisError:
            return  # Redis is gone: the flush's own calls will fail and say so


class Outbox:
    def __init__(self, redis, name="sheets"):
        self.redis = redis
        self.pending = f"actnet:outbox:{name}"
        self.processing = f"actnet:outbox:{name}:processing"
        self.held = f"actnet:outbox:{name}:held"
        self.held_reason = f"actnet:outbox:{name}:held-reason"
        self.lock_name = f"actnet:outbox:{name}:lock"

    def put(self, plan):
        """Keep a plan until the sheet has it. Returns how many are waiting."""
        return self.redis.rpush(self.pending, dumps(plan))

    def depth(self):
        """Plans not yet in the sheet: how far behind the sheet is."""
        return sum(self.redis.llen(key) for key in (self.pending, self.processing, self.held))

    def held_back(self):
        """How many plans wait for a person to fix the sheet, and why."""
        reason = self.redis.get(self.held_reason)
        return self.redis.llen(self.held), reason.decode() if reason else None

    def flush(self, workbook, batch=500):
        """Apply what is waiting, `batch` plans at a time. Returns the plans written.

        Raises SheetsUnavailable when the sheet cannot be reached; the plans stay
        and the next flush tries them again.
        """
        lock = self.redis.lock(self.lock_name, timeout=LOCK_SECONDS, blocking_timeout=0, thread_local=False)
        if not lock.acquire():
            return 0  # a twin is flushing; it will take these too
        done = threading.Event()
        keeper = threading.Thread(target=_keep_alive, args=(lock, done), daemon=True)
        keeper.start()
        try:
            written = 0
            while True:
                if not self.redis.llen(self.processing):
                    with self.redis.pipeline() as pipe:
                        for _ in range(batch):
                            pipe.lmove(self.pending, self.processing, "LEFT", "RIGHT")
                        pipe.execute()
                items = self.redis.lrange(self.processing, 0, -1)
                if not items:
                    return written
                written += self._apply(workbook, items)
                self.redis.delete(self.processing)
        finally:
            done.set()
            keeper.join()
            lock.release()

    def _apply(self, workbook, items):
        try:
            workbook.apply(merge(loads(item) for item in items))
            return len(items)
        except SheetsUnavailable:
            raise
        except (SheetsError, ValueError):
            pass  # one of them needs a person: find which, let the others through
        written = 0
        for item in items:
            try:
                workbook.apply(loads(item))
                written += 1
            except SheetsUnavailable:
                raise
            except (SheetsError, ValueError) as exc:
                with self.redis.pipeline() as pipe:
                    pipe.rpush(self.held, item)
                    pipe.set(self.held_reason, str(exc))
                    pipe.lrem(self.processing, 1, item)
                    pipe.execute()
        return written

    def retry_held(self, workbook):
        """Put held plans back in line (after a fix, say) and flush. Returns the plans written."""
        while self.redis.lmove(self.held, self.pending, "RIGHT", "LEFT"):
            pass
        self.redis.delete(self.held_reason)
        return self.flush(workbook)

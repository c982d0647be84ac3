"""Write plans waiting for the spreadsheet, kept in Redis until they land.

What a person was told is saved (a signature, an unsubscribe) goes here
first. A flush takes what is waiting, merges it into one plan and applies it
(one read, one batchUpdate, one append per tab). The plans leave Redis only
after the sheet has them; a flush killed halfway leaves them in `processing`,
and the next flush applies them again, which the write plan makes harmless:
it re-reads the keys and adds no row twice.

A plan the sheet cannot take until a person fixes something (a tab's key
header deleted, say) is set aside in `held`, with its own reason, so it does
not hold up the others; `retry_held` tries those again, and the Problems tab
lists them. Nothing leaves silently: what a plan could not write for good (a
row deleted by hand) is kept under `dropped` for the Problems tab too.
"""
import hashlib
import json
import threading
from datetime import date, datetime, timedelta, timezone

import redis

from services.plan import CellUpdate, WritePlan
from services.rows import Problem
from services.sheets import SheetsError, SheetsUnavailable

# A flush keeps its lock alive while it works (a Google that hangs can make one
# batch slow); if the process dies the lock lapses after this long. A lock that
# lapsed mid-batch would let a twin append the same rows at the same moment.
# Short, since a worker killed mid-flush holds up every flush until it lapses.
LOCK_SECONDS = 15
DROPPED_KEPT = timedelta(days=7)  # how long the Problems tab shows what could not be written
DROPPED_MAX = 200


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
        self.held_reasons = f"actnet:outbox:{name}:held-reasons"  # plan digest -> reason
        self.dropped_key = f"actnet:outbox:{name}:dropped"
        self.put_right_key = f"actnet:outbox:{name}:put-right"
        self.lock_name = f"actnet:outbox:{name}:lock"

    def put(self, plan):
        """Keep a plan until the sheet has it. Returns how many are waiting."""
        return self.redis.rpush(self.pending, dumps(plan))

    def depth(self):
        """Plans not yet in the sheet: how far behind the sheet is."""
        return sum(self.redis.llen(key) for key in (self.pending, self.processing, self.held))

    def held_back(self):
        """How many plans wait for a person to fix the sheet, and why (each reason once)."""
        reasons = [reason for _, reason in self.held_plans()]
        distinct = list(dict.fromkeys(reasons))
        return len(reasons), "; ".join(distinct) if distinct else None

    def held_plans(self):
        """[(plan, reason)] of the plans held for a fix, each with its own reason."""
        items = self.redis.lrange(self.held, 0, -1)
        reasons = self.redis.hgetall(self.held_reasons)
        return [(loads(item), (reasons.get(_digest(item).encode()) or b"a fix in the sheet").decode())
                for item in items]

    def dropped(self, now=None):
        """Problems: what plans could not write for good (a row deleted by hand), recent first."""
        now = now or datetime.now(timezone.utc)
        out = []
        for raw in self.redis.lrange(self.dropped_key, 0, -1):
            entry = json.loads(raw)
            if now - datetime.fromisoformat(entry["at"]) <= DROPPED_KEPT:
                out.append(entry)
        return out

    def problems(self):
        """What the Problems tab says of writes: why plans are held (once per tab and
        reason, with how many wait), and what could not be written for good."""
        held = {}
        for plan, reason in self.held_plans():
            tabs = sorted(set(plan.appends) | {u.tab for u in plan.updates} | set(plan.replacements))
            key = (tabs[0] if tabs else "—", reason)
            held[key] = held.get(key, 0) + 1
        out = [Problem(tab, None, None, f"{n} change{'s' if n > 1 else ''} waiting to be written: {reason}")
               for (tab, reason), n in held.items()]
        out += [Problem(d["tab"], d["row"], d["column"], f"not written: {d['what']}") for d in self.dropped()]
        return out

    def put_right(self):
        """How many values and rows managers' edits sent astray mid-write were put right, all told."""
        return int(self.redis.get(self.put_right_key) or 0)

    def _keep_dropped(self, result):
        if result.put_right:
            self.redis.incrby(self.put_right_key, result.put_right)
        if not result.dropped:
            return
        at = datetime.now(timezone.utc).isoformat()
        with self.redis.pipeline() as pipe:
            for p in result.dropped:
                pipe.lpush(self.dropped_key, json.dumps({"tab": p.tab, "row": p.row, "column": p.column,
                                                         "what": p.what, "at": at}))
            pipe.ltrim(self.dropped_key, 0, DROPPED_MAX - 1)
            pipe.execute()

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
            self._keep_dropped(workbook.apply(merge(loads(item) for item in items)))
            return len(items)
        except SheetsUnavailable:
            raise
        except (SheetsError, ValueError):
            pass  # one of them needs a person: find which, let the others through
        written = 0
        for item in items:
            try:
                self._keep_dropped(workbook.apply(loads(item)))
                written += 1
            except SheetsUnavailable:
                raise
            except (SheetsError, ValueError) as exc:
                with self.redis.pipeline() as pipe:
                    pipe.rpush(self.held, item)
                    pipe.hset(self.held_reasons, _digest(item), str(exc))
                    pipe.lrem(self.processing, 1, item)
                    pipe.execute()
        return written

    def retry_held(self, workbook):
        """Put held plans back in line (after a fix, say) and flush. Returns the plans written."""
        while self.redis.lmove(self.held, self.pending, "RIGHT", "LEFT"):
            pass
        self.redis.delete(self.held_reasons)
        return self.flush(workbook)


def _digest(item):
    return hashlib.sha1(item if isinstance(item, bytes) else item.encode()).hexdigest()

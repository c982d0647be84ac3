"""The flush: accepted submissions become write plans in the outbox, and the outbox is written.

Crash safety, step by step (a worker may be SIGKILLed at any instant):
1. Plans already in the outboxes are written first (Outbox.flush: they leave
   Redis only once the sheet has them, and a plan applied twice adds no row
   twice). New submissions are planned only when the outbox has none waiting,
   so each plan is made from a sheet that already holds every earlier one
   (limits and "already delivered" are decided on the true record).
2. A batch is moved from `pending` to `processing`, the sheet is read once,
   and the plans are made (services/intake_plan.py, pure).
3. One Redis transaction puts the plans in the outboxes and empties
   `processing`. Killed before it: the batch is still in `processing` and is
   planned again from scratch (nothing was written). Killed after it: the
   plans are in the outbox, and step 1 writes them.
So a submission is in the sheet exactly once, whatever was killed.
"""
import contextlib
import json
import logging
import threading
import time
from datetime import datetime, timezone

import redis as redis_lib

from services import activity, intake, intake_plan, mirror_refresh, schema
from services.mirror import signers_key
from services.network import SEEDED, StatusMemory
from services.sheet_setup import init_workbook
from services.sheets import SheetsError, SheetsUnavailable

log = logging.getLogger("actnet.intake")
LOCK = "actnet:intake:flush-lock"
LOCK_SECONDS = 15
BATCH = 1000
PAGE_TABS = ["Actions", "Sponsors", "Groups", "Members", "Submissions", "Shares"]


def _keep_alive(lock, done):
    while not done.wait(LOCK_SECONDS / 3):
        try:
            lock.reacquire()
        except redis_lib.RedisError:
            return


@contextlib.contextmanager
def exclusive(redis, wait=0):
    """Hold the flush lock (kept alive while held): yields False if it was not free within `wait` seconds.

    The sheet check recomputes the derived figures under it, so no flush adds
    journal rows between the check's read and its write.
    """
    lock = redis.lock(LOCK, timeout=LOCK_SECONDS, blocking_timeout=wait, thread_local=False)
    if not lock.acquire():
        yield False
        return
    done = threading.Event()
    keeper = threading.Thread(target=_keep_alive, args=(lock, done), daemon=True)
    keeper.start()
    try:
        yield True
    finally:
        done.set()
        keeper.join()
        try:
            lock.release()
        except redis_lib.RedisError:
            pass  # it lapsed (Redis restarted): nothing else to undo


def flush(redis, workbook, open_other=None, *, batch=BATCH, now=None):
    """Write what is waiting: the outboxes' plans, then new submissions. Returns counts.

    Raises SheetsUnavailable when the sheet cannot be reached; everything stays
    in Redis for the next flush.
    """
    counts = {"plans_written": 0, "submissions_planned": 0, "deliveries": 0}
    with exclusive(redis) as held:
        if not held:
            return {"skipped": "another flush is running"}
        while True:
            started = time.time()
            counts["plans_written"] += _write_outboxes(redis, workbook, open_other)
            home = intake.outbox_for(redis)
            if redis.llen(home.pending) or redis.llen(home.processing):
                break  # a twin is writing them; plan the next batch once they are in the sheet
            planned = _plan_batch(redis, workbook, open_other, batch, now)
            if planned is None:
                if intake.depth(redis) == redis.llen(home.held):
                    # Everything accepted before `started` is in the sheet now.
                    redis.set(mirror_refresh.CAUGHT_UP_KEY, started)
                break
            counts["submissions_planned"] += planned[0]
            counts["deliveries"] += planned[1]
    return counts


def _write_outboxes(redis, workbook, open_other):
    written = intake.outbox_for(redis).flush(workbook)
    for name in sorted(n.decode() for n in redis.smembers(intake.OUTBOXES)):
        sheet_id = name.removeprefix("sheet:")
        outbox = intake.outbox_for(redis, sheet_id)
        if not (redis.llen(outbox.pending) or redis.llen(outbox.processing)):
            continue
        if open_other is None:
            continue
        try:
            written += outbox.flush(open_other(sheet_id))
        except SheetsUnavailable:
            raise
        except SheetsError:
            continue  # that spreadsheet is not shared with us: its plans wait, the others go on
    return written


def _take(redis, batch):
    if not redis.llen(intake.PROCESSING):
        with redis.pipeline() as pipe:
            for _ in range(batch):
                pipe.lmove(intake.PENDING, intake.PROCESSING, "LEFT", "RIGHT")
            pipe.execute()
    return redis.lrange(intake.PROCESSING, 0, -1)


def _plan_batch(redis, workbook, open_other, batch, now):
    """Turn one batch into plans in the outboxes. None when nothing waits; else (submissions, deliveries)."""
    items = _take(redis, batch)
    if not items:
        return None
    submissions = [json.loads(i) for i in items]
    snap = _snapshot(redis, workbook)
    where = intake_plan.list_tab_names(snap["Groups"])
    missing = [tab for sheet_id, tab in where.values() if sheet_id is None and tab not in snap.tabs]
    if missing:
        init_workbook(workbook, missing)  # a partner's list tab, made the first time it receives someone
        snap = _snapshot(redis, workbook, fresh_titles=True)
    lists = {}
    for group, (sheet_id, tab) in where.items():
        if sheet_id is None:
            lists[group] = (None, tab, snap.tabs.get(tab))
        elif open_other is not None:
            lists[group] = (sheet_id, tab, _other_list(open_other, sheet_id))
    home_group = snap["Groups"].rows[0]["Name"] if snap["Groups"].rows else None
    now = now or datetime.now(timezone.utc)
    result = intake_plan.prepare(snap, submissions, lists=lists, now=now, new_id=lambda: intake.new_id(8),
                                 home_group=home_group)
    for problem in result.problems:
        log.warning("intake: %s", problem)  # an action's slug and the engine's words; no one's data
    seeded = {s.decode() for s in redis.smembers(SEEDED)}
    days, touched = activity.days_after_batch(snap["Submissions"], submissions)  # the charts' days
    with redis.pipeline(transaction=True) as pipe:
        activity.record(pipe, days, touched)
        intake.outbox_for(pipe).put(result.home)
        for sheet_id, plan in result.others.items():
            intake.outbox_for(pipe, sheet_id).put(plan)
            pipe.sadd(intake.OUTBOXES, f"sheet:{sheet_id}")
        for slug, emails in result.signers.items():
            if slug not in seeded and emails:
                pipe.sadd(signers_key(slug), *emails)
                pipe.sadd(SEEDED, slug)
        for tab, statuses in result.statuses.items():
            StatusMemory(pipe, tab).save(statuses)
        pipe.delete(intake.PROCESSING)
        pipe.execute()
    return len(submissions), result.deliveries


def _snapshot(redis, workbook, fresh_titles=False):
    """One read of what a batch's plans depend on, by the tab titles the sheet check left in Redis."""
    titles = None if fresh_titles else json.loads(redis.get(mirror_refresh.TITLES_KEY) or "null")
    for attempt in (1, 2):
        if titles is None:
            titles = mirror_refresh.remember_titles(redis, workbook.metadata()["sheets"])
        names = PAGE_TABS + [t for t in titles if t.startswith(schema.LIST_PREFIX)]
        try:
            return workbook.snapshot(names, titles=list(titles))
        except SheetsUnavailable:
            raise
        except SheetsError:
            if attempt == 2:
                raise
            titles = None  # a tab was renamed or deleted since the titles were kept


def _other_list(open_other, sheet_id):
    try:
        return open_other(sheet_id).snapshot(["Members"], titles=["Members"])["Members"]
    except SheetsUnavailable:
        raise
    except SheetsError:
        return None  # not shared with us: its plan waits in its own outbox, the rest goes on

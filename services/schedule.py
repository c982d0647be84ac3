"""Jobs that `rq cron` enqueues (see cron.py), and what they leave for pages to read."""
import os
from datetime import datetime, timezone

import rq

from services import network, runs
from services.config import Settings
from services.outbox import Outbox
from services.run_state import RunInProgress
from services.sheets import RetryPolicy
from services.workbook import Workbook

HEARTBEAT_KEY = "actnet:cron:heartbeat"


def heartbeat():
    """Mark that the scheduler enqueued and a worker ran a job just now."""
    job = rq.get_current_job()
    job.connection.set(HEARTBEAT_KEY, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def last_heartbeat(connection):
    value = connection.get(HEARTBEAT_KEY)
    return value.decode() if value else None


# A flush gives up soon when Google is down (at most 5 tries of a request, 3 of
# a plan): the plans stay in the outbox and the next flush comes 15 s later.
FLUSH_REQUEST_RETRY = RetryPolicy(attempts=5, base=1.0, cap=8.0)
FLUSH_PLAN_RETRY = RetryPolicy(attempts=3, base=2.0, cap=8.0)


def flush_outbox():
    """Write what is waiting for the spreadsheet. If the sheet is unreachable the
    job fails and the plans stay queued for the next one."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ), retry=FLUSH_PLAN_RETRY,
                                      http_retry=FLUSH_REQUEST_RETRY)
    return Outbox(job.connection).flush(workbook)


def check_sheet():
    """List what cannot be read under Problems; stamp Status changes made by hand;
    try again the plans held back until a person fixed the sheet."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ))
    found = network.check_sheet(workbook, job.connection)
    outbox = Outbox(job.connection)
    if outbox.held_back()[0]:
        found["held_plans_written"] = outbox.retry_held(workbook)
    return found


# Nobody is waiting on the hourly run: it waits out a slow or throttling Google
# (R20 makes a retried plan harmless) before giving the hour up to the next run.
RUN_REQUEST_RETRY = RetryPolicy(attempts=8, base=1.0, cap=32.0)
RUN_PLAN_RETRY = RetryPolicy(attempts=4, base=2.0, cap=16.0)


def sharing_run(seed=None, action=None):
    """The hourly sharing run (trigger `hourly`). A run still going from the hour
    before keeps its lock, and this one ends at once, saying so."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ), retry=RUN_PLAN_RETRY,
                                      http_retry=RUN_REQUEST_RETRY)
    try:
        summary = runs.run(workbook, job.connection, seed=seed, action=action, trigger="hourly")
    except RunInProgress as exc:
        return {"outcome": str(exc)}
    return summary.as_dict()

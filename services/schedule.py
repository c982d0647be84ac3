"""Jobs that `rq cron` enqueues (see cron.py), and what they leave for pages to read."""
import os
from datetime import datetime, timezone

import rq

from services import intake_flush, links, mirror_refresh, network, runs, sheet_places
from services.config import Settings
from services.outbox import Outbox
from services.run_state import RunInProgress
from services.sheets import RetryPolicy, SheetsError, SheetsUnavailable
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
    """Write what is waiting for the spreadsheet (plans, then new submissions), then
    refresh the mirror if the read budget allows. If the sheet is unreachable the
    job fails and everything stays queued for the next one."""
    job = rq.get_current_job()
    settings = Settings.from_env(os.environ)
    retries = {"retry": FLUSH_PLAN_RETRY, "http_retry": FLUSH_REQUEST_RETRY}
    workbook = Workbook.from_settings(settings, **retries)
    opener = _workbook_opener(settings, **retries)
    try:
        counts = intake_flush.flush(job.connection, workbook, opener)
    except SheetsUnavailable as exc:
        mirror_refresh.note_unreachable(job.connection, exc)
        raise
    if counts.get("plans_written"):
        try:
            counts["mirror"] = mirror_refresh.refresh(job.connection, workbook, opener, settings=settings)
        except SheetsError as exc:
            counts["mirror"] = str(exc)  # the written plans stand; the next refresh reads them
    return counts


def _workbook_opener(settings, **retries):
    def open_(sheet_id):
        return Workbook.from_settings(settings.replace(sheet_id=sheet_id), **retries)
    return open_


def refresh_mirror(force=False):
    """Read the tabs pages need into the mirror (skipped when the read budget says wait)."""
    job = rq.get_current_job()
    settings = Settings.from_env(os.environ)
    retries = {"retry": FLUSH_PLAN_RETRY, "http_retry": FLUSH_REQUEST_RETRY}
    workbook = Workbook.from_settings(settings, **retries)
    return mirror_refresh.refresh(job.connection, workbook, _workbook_opener(settings, **retries),
                                  settings=settings, force=force)


def check_sheet():
    """List what cannot be read under Problems; stamp Status changes made by hand;
    try again the plans held back until a person fixed the sheet."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ))
    with intake_flush.exclusive(job.connection, wait=120) as held:
        if not held:
            return {"skipped": "a flush held the sheet for two minutes; the next check will run"}
        found = network.check_sheet(workbook, job.connection)
    outbox = Outbox(job.connection)
    if outbox.held_back()[0]:
        found["held_plans_written"] = outbox.retry_held(workbook)
    return found


def refresh_links():
    """Bring capability links in line with the Co-leaders tab: a `yes` typed in
    Revoked turns a link off within a minute."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ), retry=FLUSH_PLAN_RETRY,
                                      http_retry=FLUSH_REQUEST_RETRY)
    changed = links.refresh(workbook, job.connection)
    sheet_places.remember_tab_ids(workbook, job.connection)  # hourly, for links to a row
    return changed


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

"""Jobs that `rq cron` enqueues (see cron.py), and what they leave for pages to read."""
import os
from datetime import datetime, timezone

import rq

from services import intake_flush, mirror_refresh, network, run_history, runs, sheet_places
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
            counts["mirror"] = mirror_refresh.refresh(job.connection, workbook, opener, settings=settings,
                                                      every=refresh_every())
        except SheetsError as exc:
            counts["mirror"] = str(exc)  # the written plans stand; the next refresh reads them
    return counts


def _workbook_opener(settings, **retries):
    def open_(sheet_id):
        return Workbook.from_settings(settings.replace(sheet_id=sheet_id), **retries)
    return open_


def refresh_every():
    return int(os.environ.get("MIRROR_REFRESH_SECONDS") or 30)


def refresh_mirror(force=False):
    """Read the tabs pages need into the mirror when it is MIRROR_REFRESH_SECONDS old
    (and the read budget allows)."""
    job = rq.get_current_job()
    if not force and not mirror_refresh.is_due(job.connection, refresh_every()):
        return None  # read recently (by a flush, say): nothing to do, no connection made
    settings = Settings.from_env(os.environ)
    retries = {"retry": FLUSH_PLAN_RETRY, "http_retry": FLUSH_REQUEST_RETRY}
    workbook = Workbook.from_settings(settings, **retries)
    return mirror_refresh.refresh(job.connection, workbook, _workbook_opener(settings, **retries),
                                  settings=settings, force=force, every=None if force else refresh_every())


def check_sheet():
    """Try again the plans held back until a person fixed the sheet; list what
    cannot be read, and what still waits, under Problems; stamp Status changes
    made by hand; take off row tags a dead job left behind."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ))
    # Under the flush lock: the derived figures are recomputed from a journal no flush is adding to.
    with intake_flush.exclusive(job.connection, wait=120) as held:
        if not held:
            return {"skipped": "a flush held the sheet for two minutes; the next check will run"}
        outbox = Outbox(job.connection)
        found = {"held_plans_written": outbox.retry_held(workbook)} if outbox.held_back()[0] else {}
        found.update(network.check_sheet(workbook, job.connection))
    found["row_tags_swept"] = workbook.sweep_row_tags()
    return found


def refresh_manager_pages():
    """What the manager's pages keep besides the mirror: the tabs' ids (hourly, for links
    that open the sheet at a row), and after each run its Runs row and the sponsors'
    figures (services/run_history.py). Links follow the Co-leaders tab at each mirror refresh."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ), retry=FLUSH_PLAN_RETRY,
                                      http_retry=FLUSH_REQUEST_RETRY)
    sheet_places.remember_tab_ids(workbook, job.connection)
    return {"run_recorded": run_history.refresh(workbook, job.connection)}


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

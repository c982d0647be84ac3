"""Runs started from a page: enqueued for the worker, their progress read back from Redis.

A run reads Google, so no page runs one: "Run now" enqueues `run_manual`
(services/runs.run with trigger `manual`, as `flask sharing run` does) and
"Preview" enqueues `preview` (services/runs.preview, the dry run). Pages poll
`status`, which reads the run's own progress (services/run_state.py), so a
run started by the hourly job or from a terminal shows on the page too.
"""
import json
import os
import secrets
from datetime import datetime, timedelta, timezone

import rq
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from services import run_history, run_state, worker_queue

CURRENT = "actnet:manage:run-job"  # the id of the run job a page enqueued, while it may be going
PREVIEW = "actnet:manage:preview:{}"  # the dry run's result, kept an hour
GOING = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
# After a run the pages keep polling until the mirror has read its figures (at most this long).
SETTLE = timedelta(minutes=2)


def start(redis):
    """Enqueue a run unless one a page started is still waiting or going. Returns the job's id."""
    job = current(redis)
    if job is not None:
        return job.id
    job = worker_queue.queue(redis).enqueue(run_manual, job_timeout=3600, result_ttl=3600,
                                            description="the sharing run, started from the Runs page")
    redis.set(CURRENT, job.id, ex=3600)
    return job.id


def current(redis):
    """The run job a page enqueued, while it waits or works (it refreshes the mirror after the run)."""
    job_id = redis.get(CURRENT)
    if not job_id:
        return None
    try:
        job = Job.fetch(job_id.decode(), connection=redis)
    except NoSuchJobError:
        return None
    return job if job.get_status(refresh=True) in GOING else None


def _moment(text):
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def status(redis, now=None):
    """What the Runs page and the sponsors' figures show: is a run going, how far, how the last ended.

    `running` stays true after a run until the mirror has read the figures it
    wrote, so a page that stops polling shows them.
    """
    now = now or datetime.now(timezone.utc)
    progress = run_state.progress(redis)
    job = current(redis)
    finished = _moment(progress.get("finished"))
    settling = False
    if progress.get("phase") == run_state.DONE and finished and now - finished < SETTLE:
        from services.mirror import Mirror

        read_at = Mirror(redis).freshness(now)["read_at"]
        settling = read_at is None or read_at < finished
    running = bool(progress.get("running")) or job is not None or settling
    phase = progress.get("phase") if progress.get("running") else None
    if running and not phase:
        phase = "updating the figures" if settling or progress.get("phase") == run_state.DONE else "waiting to start"
    history = run_history.history(redis, limit=1)
    return {"running": running, "phase": phase, "done": progress.get("actions_done", 0),
            "total": progress.get("actions_total", 0), "last": history[0] if history else None,
            "progress": progress}


def next_hourly(now=None):
    """The hourly run comes at the top of each hour (cron.py)."""
    now = (now or datetime.now(timezone.utc)).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=1)


def start_preview(redis):
    preview_id = secrets.token_urlsafe(12)
    redis.set(PREVIEW.format(preview_id), json.dumps({"done": False}), ex=3600)
    worker_queue.queue(redis).enqueue(preview, preview_id, job_timeout=600, result_ttl=600,
                                      description="a dry run, asked for on the Runs page")
    return preview_id


def preview_state(redis, preview_id):
    raw = redis.get(PREVIEW.format(preview_id))
    return json.loads(raw) if raw else None


# --- in the worker ---------------------------------------------------------------

def _workbook(sheet_id=None):
    from services.config import Settings
    from services.schedule import RUN_PLAN_RETRY, RUN_REQUEST_RETRY
    from services.workbook import Workbook

    settings = Settings.from_env(os.environ)
    if sheet_id:
        settings = settings.replace(sheet_id=sheet_id)  # a partner's list in its own spreadsheet
    return settings, Workbook.from_settings(settings, retry=RUN_PLAN_RETRY, http_retry=RUN_REQUEST_RETRY)


def run_manual():
    """The share run (trigger `manual`); then the mirror and the run history are read at once,
    so the page that asked shows the new figures as soon as it stops polling."""
    from services import mirror_refresh, runs
    from services.sheets import SheetsError

    redis = rq.get_current_job().connection
    settings, workbook = _workbook()
    try:
        summary = runs.run(workbook, redis, trigger="manual").as_dict()
    except run_state.RunInProgress as exc:
        summary = {"outcome": str(exc)}
    try:
        mirror_refresh.refresh(redis, workbook, lambda sheet_id: _workbook(sheet_id)[1], settings=settings,
                               force=True)
        run_history.refresh(workbook, redis)
    except SheetsError as exc:
        summary["refresh"] = str(exc)  # the cron's next refresh reads them
    return summary


def preview_rows(result):
    """A runs.Preview as the page shows it: per action, who would go to which group and why."""
    actions = []
    for action in result.actions:
        rows, sponsors = [], []
        for s in action.sponsors:
            rows += [{"email": email, "group": s.group, "kind": "share", "why": why} for email, why in s.shares]
            rows += [{"email": email, "group": s.group, "kind": "joins by its own link", "why": "R11"}
                     for email in s.referrals]
            sponsors.append({"group": s.group, "referrer": s.referrer, "owed_before": s.owed_before,
                             "owed_after": s.owed_after, "shared_after": s.shared_after})
        actions.append({"slug": action.slug, "title": action.title, "mode": action.mode, "rows": rows,
                        "sponsors": sponsors})
    return {"seed": result.seed, "actions": actions, "notes": list(result.notes),
            "pending": dict(result.pending)}


def preview(preview_id):
    """The dry run, for the page that asked: nothing is written to the sheet."""
    from services import runs
    from services.sheets import SheetsError

    redis = rq.get_current_job().connection
    try:
        state = {"done": True, **preview_rows(runs.preview(_workbook()[1]))}
    except SheetsError as exc:  # in words, for the manager; the worker's log has the rest
        state = {"done": True, "error": f"The preview could not be made: {exc}"}
    redis.set(PREVIEW.format(preview_id), json.dumps(state, default=str), ex=3600)
    return state

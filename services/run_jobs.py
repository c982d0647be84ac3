"""Runs started from a page: enqueued for the worker, their state kept where a page polls it.

The run itself (services/runs.py) reads Google, so a page never calls it; it
enqueues `run_manual` or `preview` and reads back what they leave in Redis.
"""
import json
import secrets
from datetime import datetime, timedelta, timezone

import rq
from rq.job import Job, JobStatus

from services import worker_queue

CURRENT = "actnet:manage:run-job"  # the id of the run a page started, while it may be going
PREVIEW = "actnet:manage:preview:{}"  # the dry run's result, kept an hour
HISTORY = "actnet:manage:run-history"  # the Runs tab's latest rows as pages show them
GOING = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


def start(redis):
    job = worker_queue.queue(redis).enqueue(run_manual, job_timeout=1800, result_ttl=3600)
    redis.set(CURRENT, job.id, ex=3600)
    return job.id


def current(redis):
    """The run going now (started from a page), or None."""
    job_id = redis.get(CURRENT)
    if not job_id:
        return None
    try:
        job = Job.fetch(job_id.decode(), connection=redis)
    except Exception:  # the job expired or Redis lost it: nothing is going
        return None
    return job if job.get_status(refresh=True) in GOING else None


def status(redis):
    job = current(redis)
    progress = _progress(redis) if job else {}
    history = history_rows(redis, limit=1)
    return {"running": job is not None, "phase": progress.get("phase"), "done": progress.get("done", 0),
            "total": progress.get("total", 0), "last": history[0] if history else None}


def _progress(redis):
    try:
        from services import runs
    except ImportError:
        return {}
    return runs.progress(redis) or {}


def history_rows(redis, limit=50):
    return [json.loads(r) for r in redis.lrange(HISTORY, 0, limit - 1)]


def history(redis, limit=50):
    return history_rows(redis, limit)


def next_hourly(redis, now=None):
    """The hourly run comes at the top of each hour."""
    now = (now or datetime.now(timezone.utc)).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=1)


def start_preview(redis):
    preview_id = secrets.token_urlsafe(8)
    redis.set(PREVIEW.format(preview_id), json.dumps({"done": False}), ex=3600)
    worker_queue.queue(redis).enqueue(preview, preview_id, job_timeout=600, result_ttl=600)
    return preview_id


def preview_state(redis, preview_id):
    raw = redis.get(PREVIEW.format(preview_id))
    return json.loads(raw) if raw else None


def run_manual():
    """The share run, as `flask sharing run` makes it (trigger: manual), then a mirror refresh
    so the pages show its figures at once."""
    from services import runs

    job = rq.get_current_job()
    return runs.run_from_job(job.connection, trigger="manual") if hasattr(runs, "run_from_job") else None


def preview(preview_id):
    from services import runs

    job = rq.get_current_job()
    redis = job.connection
    try:
        result = runs.preview_from_job(redis)
        state = {"done": True, "actions": result}
    except Exception as exc:  # shown to the manager in words; the worker's log has the rest
        state = {"done": True, "error": f"The preview could not be made: {exc}"}
    redis.set(PREVIEW.format(preview_id), json.dumps(state, default=str), ex=3600)
    return state



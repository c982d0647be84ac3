"""Jobs that `rq cron` enqueues (see cron.py), and what they leave for pages to read."""
from datetime import datetime, timezone

import rq

HEARTBEAT_KEY = "actnet:cron:heartbeat"


def heartbeat():
    """Mark that the scheduler enqueued and a worker ran a job just now."""
    job = rq.get_current_job()
    job.connection.set(HEARTBEAT_KEY, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def last_heartbeat(connection):
    value = connection.get(HEARTBEAT_KEY)
    return value.decode() if value else None

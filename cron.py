"""`rq cron cron.py`: what runs on a schedule. Exactly one `rq cron` process runs."""
import os

from rq import cron

from services import schedule, signature_index
from services.worker_queue import QUEUE_NAME

cron.register(schedule.heartbeat, QUEUE_NAME, interval=60)
# What pages saved reaches the sheet within seconds; a failed flush is retried by the next.
cron.register(schedule.flush_outbox, QUEUE_NAME, interval=15, job_timeout=600)
# Problems and hand-typed Status changes show up in the sheet within minutes.
cron.register(schedule.check_sheet, QUEUE_NAME, interval=300, job_timeout=600)
# A link turned off in the sheet (Revoked: yes) stops working within a minute.
cron.register(schedule.refresh_links, QUEUE_NAME, interval=60, job_timeout=120)
# Pages read the mirror; the sheet is read into it this often (and at most twice a minute).
cron.register(schedule.refresh_mirror, QUEUE_NAME, interval=int(os.environ.get("MIRROR_REFRESH_SECONDS") or 30),
              job_timeout=300)
# The API lists signatures from Redis; the journal is read into it this often, only while a key exists.
cron.register(signature_index.refresh_job, QUEUE_NAME, interval=300, job_timeout=600)
# The sharing run, at the top of every hour (R13); a long one makes the next exit at once.
cron.register(schedule.sharing_run, QUEUE_NAME, cron="0 * * * *", job_timeout=3600)

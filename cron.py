"""`rq cron cron.py`: what runs on a schedule. Exactly one `rq cron` process runs."""
from rq import cron

from services import schedule
from services.worker_queue import QUEUE_NAME

cron.register(schedule.heartbeat, QUEUE_NAME, interval=60)
# What pages saved reaches the sheet within seconds; a failed flush is retried by the next.
cron.register(schedule.flush_outbox, QUEUE_NAME, interval=15, job_timeout=600)
# Problems and hand-typed Status changes show up in the sheet within minutes.
cron.register(schedule.check_sheet, QUEUE_NAME, interval=300, job_timeout=600)
# The sharing run, at the top of every hour (R13); a long one makes the next exit at once.
cron.register(schedule.sharing_run, QUEUE_NAME, cron="0 * * * *", job_timeout=3600)

"""`rq cron cron.py`: what runs on a schedule. Exactly one `rq cron` process runs."""
from rq import cron

from services import schedule
from services.jobs import QUEUE_NAME

cron.register(schedule.heartbeat, QUEUE_NAME, interval=60)

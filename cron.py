"""`rq cron cron.py`: what runs on a schedule. Exactly one `rq cron` process runs."""
from rq import cron

from services import schedule, signature_index
from services.worker_queue import QUEUE_NAME

cron.register(schedule.heartbeat, QUEUE_NAME, interval=60)
# What pages saved reaches the sheet within seconds; a failed flush is retried by the next.
cron.register(schedule.flush_outbox, QUEUE_NAME, interval=15, job_timeout=600)
# Problems and hand-typed Status changes show up in the sheet within minutes.
cron.register(schedule.check_sheet, QUEUE_NAME, interval=300, job_timeout=600)
# The Runs page's history and the sponsors' charts within a minute of a run (no read without one).
cron.register(schedule.refresh_manager_pages, QUEUE_NAME, interval=60, job_timeout=120)
# Pages read the mirror. Asked every 10 s, it reads the sheet when its copy is MIRROR_REFRESH_SECONDS
# old (30 by default), and never more than twice a minute.
cron.register(schedule.refresh_mirror, QUEUE_NAME, interval=min(10, schedule.refresh_every()), job_timeout=300)
# The sharing run, at the top of every hour (R13); a long one makes the next exit at once.
cron.register(schedule.sharing_run, QUEUE_NAME, cron="0 * * * *", job_timeout=3600)

# Alerts (services/alert_jobs.py, services/alert_sending.py): the pages' copy of
# people and contacts; a sending job that died is resumed; the derived contact columns.
from services import alert_jobs, alert_sending  # noqa: E402

cron.register(alert_jobs.refresh_roster, QUEUE_NAME, interval=120, job_timeout=600)
cron.register(alert_sending.resume_unfinished, QUEUE_NAME, interval=60, job_timeout=120)
cron.register(alert_jobs.write_contact_figures, QUEUE_NAME, interval=600, job_timeout=600)
# The API lists signatures from Redis; the journal is read into it this often, only while a key exists.
cron.register(signature_index.refresh_job, QUEUE_NAME, interval=300, job_timeout=600)

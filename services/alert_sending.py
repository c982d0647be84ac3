"""The job that sends an alert's emails: paced, retried, and never twice to one person.

Per alert and person, a Redis hash holds where their message stands (the
idempotency key). `SmtpTransport.send` marks it `sending` just before the
final dot of SMTP DATA, the point where a server commits a message; so a
job SIGKILLed at any moment leaves either no mark (the server dropped the
half-sent message with the connection: send it again) or a mark (the server
may have it: count it as sent, never send it again). The only loss left is
a kill between writing the mark and writing two bytes to the socket.

A job killed mid-send is picked up by `resume_unfinished`, which `rq cron`
runs every minute; a lock with a short life, kept alive while the job
works, keeps a twin from sending at the same time.
"""
import os
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import redis as redis_lib
import rq

from services import alerts
from services.audience import Contact
from services.config import Settings
from services.mail import (
    MailNotConfigured,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    Uncertain,
    compose,
    list_id,
    message_id,
    sender_address,
)
from services.roster import Roster
from services.worker_queue import queue

LOCK = "actnet:alert:{}:lock"
QUEUED = "actnet:alert:{}:queued"  # set while a job for the alert waits in the queue
MAX_TRIES = 5  # temporary failures per person, across jobs, before it counts as failed
JOURNAL_EVERY = 25  # contacts go to the outbox in batches while a long send runs


def start_sending(redis, alert_id):
    """Queue the job that sends an alert's emails (once: a queued job is not queued again)."""
    if redis.set(QUEUED.format(alert_id), "1", nx=True, ex=600):
        queue(redis).enqueue(send_alert_emails, alert_id, job_timeout=3600, result_ttl=3600)
        return True
    return False


def resume_unfinished():
    """`rq cron`: queue again the alerts whose sending job died or gave up for now."""
    job = rq.get_current_job()
    redis = job.connection
    resumed = 0
    for raw in redis.smembers(alerts.UNFINISHED):
        alert_id = raw.decode()
        if redis.exists(LOCK.format(alert_id)):
            continue  # a job is sending it
        resumed += start_sending(redis, alert_id)
    return resumed


def send_alert_emails(alert_id):
    """RQ job: send what is left of an alert's emails."""
    job = rq.get_current_job()
    return deliver(job.connection, alert_id, Settings.from_env(os.environ))


def _keep_alive(lock, done, every):
    while not done.wait(every):
        try:
            lock.reacquire()
        except (redis_lib.RedisError, redis_lib.exceptions.LockError):
            return


def deliver(redis, alert_id, settings, *, transport=None, sleep=time.sleep):
    """Send the alert's emails not yet sent; returns a summary. Safe to run again at any time."""
    redis.delete(QUEUED.format(alert_id))
    alert = alerts.load(redis, alert_id)
    if alert is None:
        redis.srem(alerts.UNFINISHED, alert_id)
        return {"alert": alert_id, "outcome": "no such alert"}
    lock = redis.lock(LOCK.format(alert_id), timeout=settings.alert_lock_seconds, blocking_timeout=0,
                      thread_local=False)
    if not lock.acquire():
        return {"alert": alert_id, "outcome": "another job is sending it"}
    done = threading.Event()
    keeper = threading.Thread(target=_keep_alive, args=(lock, done, settings.alert_lock_seconds / 3), daemon=True)
    keeper.start()
    try:
        return _deliver(redis, alert, settings, transport, sleep)
    finally:
        done.set()
        keeper.join()
        try:
            lock.release()
        except redis_lib.exceptions.LockError:
            pass  # it lapsed; nothing to give back


def _deliver(redis, alert, settings, transport, sleep):
    alert_id = alert["id"]
    mail_key, tries_key, state_key = (alerts.MAIL.format(alert_id), alerts.TRIES.format(alert_id),
                                      alerts.STATE.format(alert_id))
    statuses = alerts.mail_statuses(redis, alert_id)
    # A `sending` mark left by a killed job: the server may have the message.
    finished = {e for e, (s, _, _) in statuses.items() if s in ("sent", "sending", "failed")}
    todo = [r for r in alert["email"] if r["email"] not in finished]
    journal = [_contact(alert, e, s, at) for e, (s, at, _) in statuses.items()]
    if not todo:
        return _finish(redis, alert, journal, "done")
    try:
        transport = transport or SmtpTransport(settings.smtp_url)
    except MailNotConfigured as exc:
        return _finish(redis, alert, journal, f"waiting: {exc}")
    redis.set(state_key, "sending")
    host = urlsplit(settings.base_url).hostname or "localhost"
    meta = Roster(redis).meta()
    network = meta.get("home_group") or settings.instance_name
    sender = sender_address(settings.mail_from, network, host)
    gap = 60.0 / settings.mail_per_minute
    next_at = time.monotonic()
    pending = [c for c in journal if c is not None]  # what a killed job sent may not be journalled yet
    waiting_because = None
    try:
        for recipient in todo:
            email = recipient["email"]
            sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at + gap, time.monotonic())
            msg = compose(sender=sender, to_email=email, to_name=recipient["name"], subject=alert["subject"],
                          body=_body(alert, recipient), unsubscribe_url=recipient["unsubscribe"],
                          list_name=network, list_id=list_id(meta.get("home_slug") or "network", host),
                          msg_id=message_id(alert_id, email, host), when=datetime.now(timezone.utc))

            def mark_sending(email=email):
                redis.hset(mail_key, email, f"sending {_now()}")

            try:
                transport.send(msg, before_commit=mark_sending)
                outcome = "sent"
            except Uncertain:
                outcome = "sending"  # it stays counted as sent: never twice
            except MailNotConfigured as exc:
                waiting_because = str(exc)  # a wrong password, say: nothing can go until it is fixed
                break
            except PermanentFailure as exc:
                outcome = "failed"
                redis.hset(mail_key, email, f"failed {_now()} {exc}")
            except TemporaryFailure as exc:
                redis.hdel(mail_key, email)  # the server did not take it: it may be sent again
                if redis.hincrby(tries_key, email, 1) >= MAX_TRIES:
                    redis.hset(mail_key, email, f"failed {_now()} gave up after {MAX_TRIES} tries: {exc}")
                    outcome = "failed"
                else:
                    waiting_because = str(exc)
                    if transport.smtp is None:
                        break  # the server is unreachable: the next resume tries again
                    continue
            if outcome == "sent":
                redis.hset(mail_key, email, f"sent {_now()}")
            pending.append(_contact(alert, email, outcome, _now()))
            if len(pending) >= JOURNAL_EVERY:
                alerts.record_contacts(redis, alert, pending)
                pending = []
    finally:
        transport.close()
    left = [r for r in alert["email"] if r["email"] not in alerts.mail_statuses(redis, alert_id)]
    final = "done" if not left else f"waiting: {len(left)} not sent yet, trying again soon ({waiting_because})"
    return _finish(redis, alert, pending, final)


def _finish(redis, alert, contacts, final):
    contacts = [c for c in contacts if c is not None]
    if contacts or final == "done":
        alerts.record_contacts(redis, alert, contacts)
    redis.set(alerts.STATE.format(alert["id"]), final)
    if final == "done":
        redis.srem(alerts.UNFINISHED, alert["id"])
    summary = alerts.progress(redis, alert)
    return {"alert": alert["id"], "outcome": final, "sent": summary["sent"], "failed": summary["failed"]}


def _contact(alert, email, status, at):
    outcome = {"sent": "sent", "sending": "sent", "failed": "failed"}.get(status)
    if outcome is None:
        return None
    when = datetime.fromisoformat(at) if at else datetime.now(timezone.utc)
    return Contact(when, email, alert["label"], "email", outcome)


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _body(alert, recipient):
    greeting = f"Hi {recipient['first_name']},\n\n" if recipient.get("first_name") else ""
    link = f"\n\n{alert['action_title'] or 'Take action'}: {alert['link']}" if alert.get("link") else ""
    return f"{greeting}{alert['message']}{link}"


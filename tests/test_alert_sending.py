"""An alert's emails go out through a real SMTP server, once per person, even when the job is killed."""
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from urllib.parse import urlsplit

from services import alert_sending, alerts, mirror_refresh, unsubscribe
from services.audience import Audience, Contact, preview
from services.contacts import journal_plan
from services.outbox import Outbox
from services.plan import WritePlan
from services.roster import Roster
from services.schema import TABS
from services.worker_queue import queue

BIN = Path(sys.executable).parent
NOW = datetime.now(timezone.utc)
DAY = date(2026, 12, 7)
PREFERENCES = ("Email", None, "Phone call", "Text", "Email", "Facebook", None, "Email")


def demo_network(size=200):
    """A network of `size`: mixed preferences, some unsubscribed, some contacted too often."""
    plan, overused, contacts = WritePlan(), set(), []
    plan.append("Groups", {"Name": "Seattle RESULTS", "Slug": "seattle"})
    for i in range(size):
        email = f"person{i:03d}@example.org"
        plan.append("Members", {"Email": email, "First name": f"P{i}", "Last name": "Doe",
                                "Phone": f"206 555 {i:04d}", "Preferred contact": PREFERENCES[i % len(PREFERENCES)],
                                "Status": "unsubscribed" if i % 13 == 0 else "subscribed"})
        if i % 17 == 5:
            overused.add(email)
        times = 3 if i % 17 == 5 else 2 if i % 17 == 6 else 0  # 2 is still fine: the guard is "more than 2"
        contacts += [Contact(NOW - timedelta(days=2, hours=h), email, f"2026-11-2{h} Earlier", "email", "sent")
                     for h in range(times)]
    plan.appends.update(journal_plan(contacts).appends)
    expected = {f"person{i:03d}@example.org" for i in range(size)
                if PREFERENCES[i % len(PREFERENCES)] in ("Email", None) and i % 13 != 0} - overused
    return plan, expected


def caught(folder):
    return [message_from_bytes(p.read_bytes(), policy=default) for p in sorted(Path(folder).glob("*.eml"))]


def wait_until(check, seconds=60, what="it"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def worker_env(redis_url, localsheets, sheet_id, sink, tmp_path):
    env = dict(os.environ, REDIS_URL=redis_url, SHEETS_URL=localsheets.url, SHEET_ID=sheet_id,
               SMTP_URL=sink.url, MAIL_PER_MINUTE="1500", ALERT_LOCK_SECONDS="2", SECRET_KEY="test-secret",
               BASE_URL="http://127.0.0.1:5999", ACTNET_VAR=str(tmp_path))
    return env


def start_worker(env, *extra):
    return subprocess.Popen([str(BIN / "rq"), "worker", "--url", env["REDIS_URL"], *extra, "actnet"], env=env,
                            cwd=Path(__file__).parent.parent, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_an_alert_to_200_reaches_each_email_person_exactly_once_though_the_job_is_killed(
        open_workbook, localsheets, sheet_id, redis_conn, redis_url, mail_sink, tmp_path, app):
    wb = open_workbook(tabs=[t.name for t in TABS])
    plan, expected = demo_network()
    wb.apply(plan)
    roster = Roster(redis_conn)
    roster.refresh(wb)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    settings = app.config["SETTINGS"]
    found = preview(roster.people(), roster.contacts(), Audience(), now=NOW, max_contacts=2, window_days=14)
    assert {p.email for p in found.email} == expected
    alert = alerts.create(redis_conn, alerts.Draft("Fund nutrition now", "Congress votes this week."), found,
                          day=DAY, link="http://127.0.0.1:5999/a/fund?source=alert-2026-12-07",
                          unsubscribe_url=lambda email: unsubscribe.link(settings, "Seattle RESULTS", email))
    assert alert_sending.start_sending(redis_conn, alert["id"])

    env = worker_env(redis_url, localsheets, sheet_id, mail_sink, tmp_path)
    worker = start_worker(env)
    try:
        wait_until(lambda: len(list(mail_sink.folder.glob("*.eml"))) >= 25, what="25 messages sent")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and the job it forked, mid-send
        worker.wait(10)
    assert len(caught(mail_sink.folder)) < len(expected), "the job finished before it could be killed"
    assert alerts.state(redis_conn, alert["id"]) == "sending"

    # rq cron's minute job finds the alert unfinished once the dead job's lock lapses.
    wait_until(lambda: not redis_conn.exists(alert_sending.LOCK.format(alert["id"])), what="the lock to lapse")
    queue(redis_conn).enqueue(alert_sending.resume_unfinished)
    burst = start_worker(env, "--burst")
    assert burst.wait(120) == 0

    messages = caught(mail_sink.folder)
    to = [m["To"].addresses[0].addr_spec for m in messages]
    assert sorted(to) == sorted(expected)  # everyone once, nobody twice, nobody else
    assert alerts.state(redis_conn, alert["id"]) == "done"
    links = {}
    for m in messages:
        person = m["To"].addresses[0].addr_spec
        url = m["List-Unsubscribe"].strip("<>")
        assert url == unsubscribe.link(settings, "Seattle RESULTS", person) and person not in url
        assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert m["List-Id"] == "Seattle RESULTS <seattle.alerts.127.0.0.1>"
        assert f"Unsubscribe with one click: {url}" in m.get_body().get_content()
        links[person] = url
    assert len({m["Message-ID"] for m in messages}) == len(messages)

    # The Contacts journal and the Alerts row say the same, once the outbox is flushed.
    Outbox(redis_conn).flush(wb)
    snap = wb.snapshot(["Contacts", "Alerts"])
    sent = {r["Email"] for r in snap["Contacts"].rows if r["Alert"] == "2026-12-07 Fund nutrition now"}
    assert sent == expected
    [row] = [r for r in snap["Alerts"].rows if r["Subject"] == "Fund nutrition now"]
    assert (row["Date"], row["Sent to"], row["Channel"]) == (DAY, len(expected), "Email, Phone call, Text")

    # A mail client's one-click POST to one message's List-Unsubscribe takes exactly that person off the list.
    leaving = sorted(expected)[7]
    path = urlsplit(links[leaving]).path
    answer = app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    Outbox(redis_conn).flush(wb)
    status = {r["Email"]: r["Status"] for r in wb.snapshot(["Members"])["Members"].rows}
    assert status[leaving] == "unsubscribed"
    before = {f"person{i:03d}@example.org": "unsubscribed" if i % 13 == 0 else "subscribed" for i in range(200)}
    assert {e: s for e, s in status.items() if e != leaving} == {e: s for e, s in before.items() if e != leaving}

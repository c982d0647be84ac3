"""Flushes and a busy manager on one sheet, at Google's pace, for a while.

localsheets answers every request 250 ms late; two real `rq worker` processes
flush the outbox every two seconds while plans arrive that add members and
update their figures, and a manager edits the sheet every second or two:
sorts, inserted columns (with cells typed in them) and blank rows, headers
retyped and put back, notes. At the end: no value on a wrong row, no cell the
manager typed changed, no plan lost, no row doubled.

`make test` runs it for 20 s (about 330 plans); `make soak` (ACTNET_SOAK=1) for
the issue's two minutes and 2,000 plans, printing the four counts (SOAK_SECONDS
sets another length).
"""
import os
import random
import threading
import time
from datetime import date, timedelta

import redis
import requests

from services import schedule, worker_queue
from services.config import Settings
from services.outbox import Outbox
from services.plan import WritePlan
from services.sheet_setup import init_workbook
from services.sheets import RetryPolicy
from services.workbook import Workbook
from tests.handwork import Hands, Workers, member, tally, wait_for

SECONDS = float(os.environ.get("SOAK_SECONDS", "120" if os.environ.get("ACTNET_SOAK") else "20"))
PLANS = int(os.environ.get("SOAK_PLANS", str(round(2000 * SECONDS / 120))))
LATENCY_MS = int(os.environ.get("SOAK_LATENCY_MS", "250"))


def test_flushes_and_a_busy_manager_leave_every_value_in_its_place(redis_url, localsheets, tmp_path):
    url = redis_url.rsplit("/", 1)[0] + "/6"
    conn = redis.Redis.from_url(url)
    conn.flushdb()
    sheet_id = localsheets.create(title="soak")
    wb = Workbook.from_settings(Settings(sheets_url=localsheets.url, sheet_id=sheet_id),
                                retry=RetryPolicy(attempts=3, base=0.05), http_retry=RetryPolicy(attempts=3, base=0.05))
    init_workbook(wb, ["Members"])
    seed, members = WritePlan(), {}
    for n in range(30):
        values = {**member(10_000 + n), "Actions taken": n, "Last action": date(2026, 9, 1) + timedelta(days=n)}
        seed.append("Members", values)
        members[values["Email"]] = values
    wb.apply(seed)
    hands = Hands(localsheets.url, sheet_id, seed=int(os.environ.get("SOAK_SEED", "1")))
    for _ in range(5):
        hands.type_note()

    figures, rng, outbox = {}, random.Random(2), Outbox(conn)
    stop = threading.Event()
    failures = []

    def produce():
        """Plans as pages and jobs make them: a member joins, an earlier one's figures change."""
        seq = 0
        for i in range(PLANS):
            if stop.is_set():
                break
            plan = WritePlan()
            plan.append("Members", member(i))
            members[member(i)["Email"]] = member(i)
            email = rng.choice(list(members))
            seq += 1
            done = {"Actions taken": 1000 + seq, "Last action": date(2026, 11, 1) + timedelta(days=seq % 300)}
            plan.update("Members", [email], **done)
            for name, value in done.items():
                figures.setdefault(email, {}).setdefault(name, [members[email].get(name)]).append(value)
            outbox.put(plan)
            time.sleep(SECONDS / PLANS)

    def flush_often():
        queue = worker_queue.queue(conn)
        while not stop.is_set():
            queue.enqueue(schedule.flush_outbox, job_timeout=600)
            time.sleep(2)

    def edit():
        try:
            while not stop.is_set():
                hands.any_edit()
                time.sleep(rng.uniform(0.2, 1.0))  # with the service's answers, an edit every second or two
        except Exception as exc:  # the test fails with it below
            failures.append(exc)

    localsheets.configure(latency_ms=LATENCY_MS)
    workers = Workers(url, localsheets.url, sheet_id, count=2, log_dir=tmp_path)
    began = time.monotonic()
    threads = [threading.Thread(target=f) for f in (produce, flush_often, edit)]
    try:
        for t in threads:
            t.start()
        threads[0].join()  # every plan put
        stop.set()
        for t in threads[1:]:
            t.join()
        hands.fix_headers()
        queue = worker_queue.queue(conn)
        # Drain: flushes until nothing waits (a held plan would show as lost below).
        wait_for(lambda: (queue.enqueue(schedule.flush_outbox, job_timeout=600) and False) or _drained(conn, outbox),
                 seconds=600, every=3, what="the outbox to drain")
    finally:
        stop.set()
        workers.stop()
        localsheets.configure(latency_ms=0)
    took = time.monotonic() - began
    assert not failures, failures
    wrong, changed, lost, doubled = tally(hands.grid(), members, figures, hands.typed)
    lost += outbox.depth()
    kinds = {k: hands.edits.count(k) for k in sorted(set(hands.edits))}
    calls = {k: v for k, v in localsheets.log()["counts"].items()}
    print(f"\nsoak: {PLANS} plans, {len(hands.edits)} manager edits {kinds}, {LATENCY_MS} ms latency, "
          f"{took:.0f} s\n  API calls {calls}\n  values and rows sent astray by an edit and put right: "
          f"{outbox.put_right()}\n"
          f"  {wrong} values on a wrong row, {changed} manager cells changed, {lost} plans lost, "
          f"{doubled} rows doubled")
    assert (wrong, changed, lost, doubled) == (0, 0, 0, 0)
    requests.post(f"{localsheets.url}/admin/release", timeout=5)
    conn.close()


def _drained(conn, outbox):
    queue = worker_queue.queue(conn)
    return outbox.depth() == 0 and queue.count == 0 and not queue.started_job_registry.get_job_ids()

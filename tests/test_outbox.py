"""Nothing lost: plans wait in Redis until the sheet has them, and land once."""
from datetime import date, datetime, timezone

import pytest
import requests

from services.outbox import Outbox, dumps, loads
from services.plan import WritePlan
from services.sheet_setup import init_workbook
from services.sheets import SheetsUnavailable


@pytest.fixture
def workbook(open_workbook):
    return open_workbook(attempts=3)  # a down sheet is given up on quickly


def signature(n):
    plan = WritePlan()
    plan.append("Submissions", {"Id": f"sig-{n:04d}", "At": datetime(2026, 11, 24, 12, n % 60, tzinfo=timezone.utc),
                                "Action": "fund-nutrition", "Email": f"a{n}@example.org", "Subscribe": True,
                                "Via": "web"})
    return plan


def submission_ids(workbook):
    return sorted(r["Id"] for r in workbook.snapshot(["Submissions"])["Submissions"].rows)


def test_a_plan_survives_the_trip_through_redis():
    plan = WritePlan()
    plan.append("Members", {"Email": "ann@example.org", "Joined": date(2026, 11, 1)})
    plan.update("Members", ["ann@example.org"], **{"Status changed": datetime(2026, 11, 2, tzinfo=timezone.utc)})
    plan.replace("Problems", [{"Tab": "Members", "Row": "3", "Column": "Email", "What is wrong": "x"}])
    again = loads(dumps(plan))
    assert again == plan


def test_flush_writes_everything_waiting_in_one_plan(workbook, redis_conn, localsheets):
    outbox = Outbox(redis_conn)
    for n in range(30):
        outbox.put(signature(n))
    assert outbox.depth() == 30
    localsheets.reset()
    assert outbox.flush(workbook) == 30
    assert localsheets.log()["counts"] == {"values.batchGet": 1, "values.append": 1}  # one read, one append
    assert outbox.depth() == 0
    assert submission_ids(workbook) == [f"sig-{n:04d}" for n in range(30)]


def test_while_the_sheet_is_down_plans_wait_and_then_land_once(workbook, redis_conn, localsheets):
    outbox = Outbox(redis_conn)
    for n in range(5):
        outbox.put(signature(n))
    localsheets.configure(fail_rate=1.0)
    with pytest.raises(SheetsUnavailable):
        outbox.flush(workbook)
    assert outbox.depth() == 5  # nothing lost
    outbox.put(signature(5))
    localsheets.configure(fail_rate=0.0)
    assert outbox.flush(workbook) == 6
    assert submission_ids(workbook) == [f"sig-{n:04d}" for n in range(6)]


def test_a_flush_killed_after_writing_is_finished_without_doubles(workbook, redis_conn):
    outbox = Outbox(redis_conn)
    for n in range(4):
        outbox.put(signature(n))
    # A worker took the plans, wrote them, and died before it could say so.
    for _ in range(4):
        redis_conn.lmove(outbox.pending, outbox.processing, "LEFT", "RIGHT")
    workbook.apply(loads(redis_conn.lindex(outbox.processing, 0)))
    workbook.apply(loads(redis_conn.lindex(outbox.processing, 1)))
    outbox.put(signature(4))
    assert outbox.flush(workbook) == 5
    assert submission_ids(workbook) == [f"sig-{n:04d}" for n in range(5)]
    assert outbox.depth() == 0


def test_only_one_flush_runs_at_a_time(workbook, redis_conn):
    outbox = Outbox(redis_conn)
    outbox.put(signature(0))
    twin = redis_conn.lock(outbox.lock_name, timeout=30)
    assert twin.acquire()
    try:
        assert outbox.flush(workbook) == 0
        assert outbox.depth() == 1
    finally:
        twin.release()
    assert outbox.flush(workbook) == 1


def test_the_scheduled_job_flushes_the_outbox(workbook, redis_conn, localsheets, sheet_id, monkeypatch):
    from rq import SimpleWorker

    from services import schedule, worker_queue

    monkeypatch.setenv("SHEETS_URL", localsheets.url)
    monkeypatch.setenv("SHEET_ID", sheet_id)
    outbox = Outbox(redis_conn)
    outbox.put(signature(7))
    queue = worker_queue.queue(redis_conn)
    job = queue.enqueue(schedule.flush_outbox)
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    assert job.return_value()["plans_written"] == 1
    assert submission_ids(workbook) == ["sig-0007"]


def test_healthz_says_how_far_behind_the_sheet_is(client, redis_conn):
    Outbox(redis_conn).put(signature(1))
    assert client.get("/healthz").get_json()["queue"]["waiting_for_sheet"] == 1


def test_a_plan_the_sheet_cannot_take_is_held_without_holding_up_others(workbook, redis_conn, localsheets,
                                                                        sheet_id):
    # A manager clears the Submissions header row by mistake.
    requests.post(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Submissions!1:1:clear", timeout=5)
    outbox = Outbox(redis_conn)
    outbox.put(signature(1))
    member = WritePlan()
    member.append("Members", {"Email": "zoe@example.org", "Status": "subscribed"})
    outbox.put(member)
    assert outbox.flush(workbook) == 1  # the member went through
    assert ("zoe@example.org",) in workbook.snapshot(["Members"])["Members"].by_key()
    held, why = outbox.held_back()
    assert held == 1 and "'Id' header is missing" in why
    assert outbox.depth() == 1  # waiting, not lost

    init_workbook(workbook, ["Submissions"])  # puts the headers back
    assert outbox.retry_held(workbook) == 1
    assert submission_ids(workbook) == ["sig-0001"]
    assert outbox.held_back() == (0, None) and outbox.depth() == 0


def test_the_five_minute_check_retries_held_plans(workbook, redis_conn, localsheets, sheet_id, monkeypatch):
    from rq import SimpleWorker

    from services import schedule, worker_queue

    requests.post(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Submissions!1:1:clear", timeout=5)
    outbox = Outbox(redis_conn)
    outbox.put(signature(2))
    outbox.flush(workbook)
    assert outbox.held_back()[0] == 1
    init_workbook(workbook, ["Submissions"])
    monkeypatch.setenv("SHEETS_URL", localsheets.url)
    monkeypatch.setenv("SHEET_ID", sheet_id)
    queue = worker_queue.queue(redis_conn)
    job = queue.enqueue(schedule.check_sheet)
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    assert job.return_value()["held_plans_written"] == 1
    assert submission_ids(workbook) == ["sig-0002"]


def test_a_slow_flush_keeps_its_lock_so_no_twin_appends_the_same_rows(workbook, redis_conn, localsheets,
                                                                       monkeypatch):
    import threading

    from services import outbox as outbox_module

    monkeypatch.setattr(outbox_module, "LOCK_SECONDS", 0.6)
    outbox = Outbox(redis_conn)
    outbox.put(signature(3))
    localsheets.configure(latency_ms=700)  # each call outlives the lock's own lifetime
    slow = threading.Thread(target=outbox.flush, args=(workbook,))
    slow.start()
    twin_results = []
    while slow.is_alive():
        twin_results.append(Outbox(redis_conn).flush(workbook))  # a twin tries all along
    slow.join()
    localsheets.configure(latency_ms=0)
    assert set(twin_results) <= {0}  # never got in
    assert submission_ids(workbook) == ["sig-0003"]


def test_a_managers_edit_from_a_page_may_set_the_managers_columns(open_workbook, redis_conn):
    """Only an edit marked as the manager's own (plan.edit) writes a manager's column."""
    wb = open_workbook(("Actions",))
    first = WritePlan()
    first.append("Actions", {"Title": "Old", "Slug": "a1", "Status": "Draft"})
    wb.apply(first)
    plan = WritePlan()
    plan.edit("Actions", ("a1",), Title="New title", Status="Live")
    box = Outbox(redis_conn)
    box.put(plan)
    box.flush(wb)
    row = wb.snapshot(["Actions"])["Actions"].rows[0]
    assert (row["Title"], row["Status"]) == ("New title", "Live")
    sneaky = WritePlan()
    sneaky.update("Actions", ("a1",), Title="Not allowed")
    with pytest.raises(ValueError):
        wb.apply(sneaky)

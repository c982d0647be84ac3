"""Between runs: Problems listed in the sheet, and a manager's hand-typed Status stamped."""
from datetime import datetime, timezone

import requests

from services.network import check_sheet
from services.plan import WritePlan
from services.schema import TABS

ALL_TABS = [t.name for t in TABS]


def put(localsheets, sheet_id, rng, rows):
    r = requests.put(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/{rng}",
                     params={"valueInputOption": "USER_ENTERED"}, json={"values": rows}, timeout=5)
    assert r.status_code == 200, r.text


def test_a_status_typed_by_hand_is_stamped_once(open_workbook, localsheets, sheet_id, redis_conn):
    wb = open_workbook(tabs=ALL_TABS)
    plan = WritePlan()
    plan.append("Members", {"Email": "ann@example.org", "Status": "subscribed"})
    plan.append("Members", {"Email": "bob@example.org", "Status": "subscribed"})
    wb.apply(plan)
    first = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert check_sheet(wb, redis_conn, now=first)["status_changes"] == 0  # first sight: only remembered

    put(localsheets, sheet_id, "Members!J3", [["unsubscribed"]])  # Maria: Bob asked her to stop
    later = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
    assert check_sheet(wb, redis_conn, now=later)["status_changes"] == 1
    rows = {r["Email"]: r for r in wb.snapshot(["Members"])["Members"].rows}
    assert rows["bob@example.org"]["Status changed"] == later
    assert rows["ann@example.org"]["Status changed"] is None

    localsheets.reset()
    assert check_sheet(wb, redis_conn, now=datetime(2026, 11, 3, tzinfo=timezone.utc))["status_changes"] == 0
    assert localsheets.log()["writes"] == 0  # nothing new: nothing written


def test_problems_reach_the_sheet_with_their_row_numbers(open_workbook, localsheets, sheet_id, redis_conn):
    wb = open_workbook(tabs=ALL_TABS + ["List – Tacoma"])
    put(localsheets, sheet_id, "Members!A2", [["ann@example.org"], ["bob@"]])
    put(localsheets, sheet_id, "'List – Tacoma'!A2", [["cat@example"]])
    assert check_sheet(wb, redis_conn)["problems"] == 2
    problems = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Problems", timeout=5).json()
    assert problems["values"][1:] == [
        ["Members", "3", "Email", "'bob@' is not an email address"],
        ["List – Tacoma", "2", "Email", "'cat@example' is not an email address"]]


def test_the_scheduled_check_runs_on_the_worker(open_workbook, localsheets, sheet_id, redis_conn, monkeypatch):
    from rq import SimpleWorker

    from services import schedule, worker_queue

    open_workbook(tabs=ALL_TABS)
    put(localsheets, sheet_id, "Members!A2", [["bob@"]])
    monkeypatch.setenv("SHEETS_URL", localsheets.url)
    monkeypatch.setenv("SHEET_ID", sheet_id)
    queue = worker_queue.queue(redis_conn)
    job = queue.enqueue(schedule.check_sheet)
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    assert job.return_value() == {"problems": 1, "status_changes": 0, "figures_fixed": 0}

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
    assert job.return_value() == {"problems": 1, "status_changes": 0, "figures_fixed": 0, "row_tags_swept": 0}


def test_statuses_actnet_writes_are_its_own_and_a_hand_typed_one_is_stamped(localsheets, redis_conn):
    from services import intake, intake_flush, mirror_refresh, unsubscribe
    from services.network import StatusMemory
    from tests.intake_helpers import make_network, signature, workbook

    home, _ = make_network(localsheets.url)
    wb = workbook(localsheets.url, home)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    assert check_sheet(wb, redis_conn, now=datetime(2026, 11, 1, tzinfo=timezone.utc))["status_changes"] == 0

    def members():
        return {r["Email"]: r for r in wb.snapshot(["Members"])["Members"].rows}

    def type_status(email, status):  # Maria, by hand in the sheet
        column = chr(ord("A") + wb.snapshot(["Members"])["Members"].positions["Status"])
        put(localsheets, home, f"Members!{column}{members()[email].number}", [[status]])

    # Sam leaves through the link in an email; Una, who had left, signs with the box ticked (R8);
    # Nia and Ola are new.
    left = datetime(2026, 11, 2, 8, tzinfo=timezone.utc)
    assert unsubscribe.unsubscribe(redis_conn, unsubscribe.Leaving("Seattle RESULTS", "sam@example.org"), now=left)
    for email in ("una@example.org", "nia@example.org", "ola@example.org"):
        intake.accept(redis_conn, signature(email))
    signed = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
    intake_flush.flush(redis_conn, wb, lambda sheet_id: workbook(localsheets.url, sheet_id), now=signed)
    type_status("ola@example.org", "unsubscribed")  # before any check has seen Ola's row

    morning = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    assert check_sheet(wb, redis_conn, now=morning)["status_changes"] == 1  # Ola's, not actnet's own three
    assert {e: (members()[e]["Status"], members()[e]["Status changed"]) for e in
            ("sam@example.org", "una@example.org", "nia@example.org", "ola@example.org")} == {
        "sam@example.org": ("unsubscribed", left), "una@example.org": ("subscribed", signed),
        "nia@example.org": ("subscribed", signed), "ola@example.org": ("unsubscribed", morning)}

    # Maria puts Sam back ("he asked to stay"), takes Una off again and Nia off: each stamped, once.
    type_status("sam@example.org", "subscribed")
    type_status("una@example.org", "unsubscribed")
    type_status("nia@example.org", "unsubscribed")
    evening = datetime(2026, 11, 2, 18, tzinfo=timezone.utc)
    assert check_sheet(wb, redis_conn, now=evening)["status_changes"] == 3
    assert {e: members()[e]["Status changed"] for e in ("sam@example.org", "una@example.org", "nia@example.org")} \
        == dict.fromkeys(("sam@example.org", "una@example.org", "nia@example.org"), evening)

    # The memory already holds each stamp as the sheet shows it: the next check learns nothing new.
    remembered = StatusMemory(redis_conn, "Members").load()
    localsheets.reset()
    assert check_sheet(wb, redis_conn, now=datetime(2026, 11, 3, tzinfo=timezone.utc))["status_changes"] == 0
    assert StatusMemory(redis_conn, "Members").load() == remembered
    assert localsheets.log()["writes"] == 0


def test_a_status_remembered_without_its_stamp_is_still_read(redis_conn):
    from services.network import StatusMemory

    memory = StatusMemory(redis_conn, "Members")
    redis_conn.hset(memory.key, "ann@example.org", "subscribed")  # as kept before stamps were remembered
    memory.save({"bob@example.org": ("unsubscribed", "2026-11-02 09:30:00")})
    assert memory.load() == {"ann@example.org": ("subscribed", None),
                             "bob@example.org": ("unsubscribed", "2026-11-02 09:30:00")}

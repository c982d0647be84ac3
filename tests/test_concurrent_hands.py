"""A manager's edit placed exactly between a flush's read and its write.

A real `rq worker` process flushes the outbox against localsheets over HTTP.
localsheets holds the flush's write at its door (tests/handwork: the request
waits, nothing of actnet is mocked) while the manager edits the sheet by hand;
then the write goes on. Every app value must land on its own row and under its
own header, no cell the manager typed may change, and nothing may be lost: an
update to a row the manager deleted is said in the Problems tab.
"""
from datetime import date

import pytest
import redis
import requests
from rq.job import Job

from services import schedule, worker_queue
from services.config import Settings
from services.outbox import Outbox
from services.plan import WritePlan
from services.sheet_setup import init_workbook
from services.sheets import RetryPolicy
from services.workbook import Workbook
from tests.handwork import Hands, Workers, member, tally, wait_for

SEED = ["ann@example.org", "bob@example.org", "cat@example.org", "dan@example.org", "eve@example.org"]


@pytest.fixture(scope="module")
def stack(redis_url, localsheets_server, tmp_path_factory):
    """One spreadsheet and one real `rq worker` for the module, on a Redis database of its own."""
    url = redis_url.rsplit("/", 1)[0] + "/5"
    sheet_id = localsheets_server.create(title="placed edits")
    workers = Workers(url, localsheets_server.url, sheet_id, log_dir=tmp_path_factory.mktemp("workers"))
    yield url, sheet_id
    workers.stop()


@pytest.fixture
def scene(stack, localsheets):
    """Members (with figures the app wrote and notes and a column the manager typed),
    a plan waiting in the outbox that updates two figures and adds a member."""
    url, sheet_id = stack
    conn = redis.Redis.from_url(url)
    conn.flushdb()
    wb = Workbook.from_settings(Settings(sheets_url=localsheets.url, sheet_id=sheet_id),
                                retry=RetryPolicy(attempts=3, base=0.05), http_retry=RetryPolicy(attempts=3, base=0.05))
    meta = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}", timeout=10).json()
    old = [s["properties"]["sheetId"] for s in meta["sheets"] if s["properties"]["title"] in ("Members", "Problems")]
    if old:
        requests.post(f"{localsheets.url}/v4/spreadsheets/{sheet_id}:batchUpdate", timeout=10, json={
            "requests": [{"deleteSheet": {"sheetId": i}} for i in old]})
    init_workbook(wb, ["Members", "Problems"])
    seed = WritePlan()
    members = {}
    for n, email in enumerate(SEED):
        values = {**member(100 + n), "Email": email, "Actions taken": n + 1, "Last action": date(2026, 10, n + 1)}
        seed.append("Members", values)
        members[email] = values
    wb.apply(seed)
    hands = Hands(localsheets.url, sheet_id)
    hands.insert_column(at=2, cells=5)  # "Hand 1", the manager's own column, filled in
    for _ in range(4):
        hands.type_note()
    plan = WritePlan()
    plan.update("Members", ["ann@example.org"], **{"Actions taken": 11, "Last action": date(2026, 11, 20)})
    plan.update("Members", ["cat@example.org"], **{"Actions taken": 33, "Last action": date(2026, 11, 21)})
    plan.append("Members", member(1))
    Outbox(conn).put(plan)
    members["m1@example.org"] = member(1)
    figures = {"ann@example.org": {"Actions taken": [1, 11], "Last action": [date(2026, 10, 1), date(2026, 11, 20)]},
               "cat@example.org": {"Actions taken": [3, 33], "Last action": [date(2026, 10, 3), date(2026, 11, 21)]}}
    yield conn, hands, members, figures
    requests.post(f"{localsheets.url}/admin/release", timeout=5)
    conn.close()


def flush_with_edit_between(conn, localsheets, held, edit):
    """Run a flush on the worker; hold its `held` request; make the edit; let it go."""
    requests.post(f"{localsheets.url}/admin/hold", json={"method": held}, timeout=5).raise_for_status()
    job = worker_queue.queue(conn).enqueue(schedule.flush_outbox)
    wait_for(lambda: held in requests.get(f"{localsheets.url}/admin/held", timeout=5).json()["held"],
             what=f"the flush's {held} to be held")
    edit()
    requests.post(f"{localsheets.url}/admin/release", timeout=5).raise_for_status()
    wait_for(lambda: Job.fetch(job.id, connection=conn).get_status() in ("finished", "failed"), what="the flush")
    assert Job.fetch(job.id, connection=conn).get_status() == "finished", Job.fetch(job.id, connection=conn).exc_info
    return job


EDITS = {
    "sort": lambda h: h.sort("Email", descending=True),
    "column at A": lambda h: h.insert_column(at=0),
    "three blank rows under the header": lambda h: h.insert_rows(at=1, count=3),
    "a row deleted": lambda h: h.delete_row("cat@example.org"),
    "a header retyped": lambda h: h.retype_header("Actions taken", "Actions"),
}


@pytest.mark.parametrize("held", ["values.batchUpdateByDataFilter", "spreadsheets.batchUpdate"],
                         ids=["before the cells", "before the new rows"])
@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_between_read_and_write_changes_nothing_it_should_not(scene, localsheets, stack, name, held):
    conn, hands, members, figures = scene
    flush_with_edit_between(conn, localsheets, held, lambda: EDITS[name](hands))
    hands.fix_headers()  # the retyped header is put back
    if name == "a row deleted":
        del members["cat@example.org"]
        del figures["cat@example.org"]
    wrong, changed, lost, doubled = tally(hands.grid(), members, figures, hands.typed)
    assert (wrong, changed, lost, doubled) == (0, 0, 0, 0)
    assert Outbox(conn).depth() == 0
    if name == "a row deleted" and held == "values.batchUpdateByDataFilter":
        # Its update is a legitimate end, and the Problems tab says so.
        job = worker_queue.queue(conn).enqueue(schedule.check_sheet)
        wait_for(lambda: Job.fetch(job.id, connection=conn).get_status() in ("finished", "failed"), what="check")
        problems = requests.get(f"{localsheets.url}/v4/spreadsheets/{stack[1]}/values/Problems",
                                timeout=10).json()["values"]
        assert ["Members", "—", "Actions taken",
                "not written: no row for cat@example.org to set Actions taken (deleted by hand?)"] in problems

"""A manager sorts, inserts a column and retypes a header while flushes write:
after the next sheet check every derived figure is right, on its own row, and no
cell a manager typed has changed."""
import random
import threading
import time

import pytest
import requests

from services import figures, intake, mirror_refresh
from services.network import check_sheet
from services.outbox import Outbox
from services.plan import WritePlan
from tests.intake_helpers import make_network, signature, workbook
from tests.processes import Cron, Worker, worker_env

MANAGER = {"Authorization": "Bearer the-manager"}  # a person in the sheet: a quota of their own


class Manager(threading.Thread):
    """Edits Members every second or two, as a person in the sheet does, until told to stop."""

    def __init__(self, url, sheet_id, gid, seed=1, insert_columns=True):
        super().__init__(daemon=True)
        self.insert_columns = insert_columns
        self.base = f"{url}/v4/spreadsheets/{sheet_id}"
        self.gid = gid
        self.rng = random.Random(seed)
        self.halt = threading.Event()
        self.done = []

    def header(self):
        r = requests.get(f"{self.base}/values/Members!1:1", headers=MANAGER, timeout=30)
        return r.json()["values"][0]

    def batch(self, *requests_):
        requests.post(f"{self.base}:batchUpdate", json={"requests": list(requests_)}, headers=MANAGER,
                      timeout=30).raise_for_status()

    def set_cell(self, a1, value):
        requests.put(f"{self.base}/values/Members!{a1}", params={"valueInputOption": "USER_ENTERED"},
                     json={"values": [[value]]}, headers=MANAGER, timeout=30).raise_for_status()

    def sort(self):
        header = self.header()
        by = self.rng.choice(["First name", "ZIP", "Email", "Notes"])
        self.batch({"sortRange": {"range": {"sheetId": self.gid, "startRowIndex": 1},
                                  "sortSpecs": [{"dimensionIndex": header.index(by),
                                                 "sortOrder": self.rng.choice(["ASCENDING", "DESCENDING"])}]}})
        self.done.append(f"sort by {by}")

    def insert_column_at_a(self):
        self.batch({"insertDimension": {"range": {"sheetId": self.gid, "dimension": "COLUMNS", "startIndex": 0,
                                                  "endIndex": 1}}})
        self.set_cell("A1", f"Call list {len(self.done)}")
        self.done.append("column inserted at A")

    def retype_header(self):
        header = self.header()
        name = self.rng.choice(["Actions taken", "Last action", "Status"])
        column = header.index(name) if name in header else None
        if column is None:
            return
        letter = _letter(column)
        self.set_cell(f"{letter}1", name.upper())  # retyped: the same header in other letters
        time.sleep(0.5)
        self.set_cell(f"{letter}1", name + "x")  # a slip: for a moment the column is unknown
        time.sleep(1.0)
        self.set_cell(f"{letter}1", name)
        self.done.append(f"header {name} retyped")

    def run(self):
        edits = [self.sort, self.retype_header] + ([self.insert_column_at_a] if self.insert_columns else [])
        while not self.halt.wait(self.rng.uniform(0.8, 2.0)):
            self.rng.choice(edits)()

    def stop(self):
        self.halt.set()
        self.join(60)


def _letter(index):
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def members_by_email(url, sheet_id):
    r = requests.get(f"{url}/v4/spreadsheets/{sheet_id}/values/Members", headers=MANAGER, timeout=30)
    values = r.json()["values"]
    header = values[0]
    out = {}
    for row in values[1:]:
        cells = dict(zip(header, row + [""] * (len(header) - len(row))))
        if cells.get("Email"):
            assert cells["Email"] not in out, f"{cells['Email']} is on two rows"
            out[cells["Email"]] = cells
    return out


@pytest.mark.parametrize("insert_columns", [
    False,
    # An append whose columns were read before a column went in at A puts each value
    # one column off: the write path of "Writes that land where they mean to, while
    # managers edit the same sheet" (data filters, developer metadata) puts that right.
    pytest.param(True, marks=pytest.mark.xfail(reason="appends follow inserted columns only with the "
                                                      "developer-metadata write path", strict=False)),
], ids=["sort-and-retype", "and-a-column-inserted-at-A"])
def test_figures_heal_and_manager_cells_stand_while_a_manager_edits(localsheets, redis_url, redis_conn,
                                                                    insert_columns, seed=1):
    home, _ = make_network(localsheets.url)
    wb = workbook(localsheets.url, home)
    people = [f"m{i}@example.org" for i in range(40)]
    plan = WritePlan()
    for i, email in enumerate(people):
        plan.append("Members", {"Email": email, "First name": f"N{i:02d}", "ZIP": f"98{i:03d}",
                                "Phone": f"206-555-{i:04d}", "Notes": f"met at event {i}", "Status": "subscribed"})
    wb.apply(plan)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    typed = members_by_email(localsheets.url, home)  # what the manager typed, before anything runs
    gid = next(s["properties"]["sheetId"] for s in wb.metadata()["sheets"] if s["properties"]["title"] == "Members")
    localsheets.configure(latency_ms=500, reads_per_minute=0, writes_per_minute=0)
    worker, cron = Worker(worker_env(redis_url, localsheets.url, home)), Cron(redis_url, every=1.0)
    manager = Manager(localsheets.url, home, gid, seed=seed, insert_columns=insert_columns)
    rng = random.Random(seed)
    worker.start()
    cron.start()
    manager.start()
    try:
        for n in range(80):
            email = rng.choice(people) if rng.random() < 0.6 else f"new{n % 50}@example.org"
            intake.accept(redis_conn, signature(email, action=rng.choice(["snap", "nutrition"]),
                                                subscribe=rng.random() < 0.9))
            time.sleep(0.15)
        deadline = time.monotonic() + 240
        while (intake.depth(redis_conn) or len(manager.done) < 6) and time.monotonic() < deadline:
            time.sleep(0.5)  # the manager goes on editing while the flushes write
        manager.stop()
        while intake.depth(redis_conn) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert intake.depth(redis_conn) == 0, Outbox(redis_conn).held_back()
    finally:
        manager.stop()
        cron.stop()
        worker.stop()
    localsheets.configure(latency_ms=0)
    assert len(manager.done) >= 6, manager.done
    check_sheet(workbook(localsheets.url, home), redis_conn)  # the next sheet check

    journal = figures.journal_submissions(wb.snapshot(["Submissions"])["Submissions"])
    want = figures.member_figures(journal)
    after = members_by_email(localsheets.url, home)
    for email, cells in after.items():
        taken, last = want.get(email, (0, None))
        assert cells["Actions taken"] in (str(taken), "" if taken == 0 else str(taken)), email
        assert cells["Last action"] == (last.isoformat() if last else ""), email
    for email, before in typed.items():
        for name in ("First name", "ZIP", "Phone", "Notes"):
            assert after[email][name] == before[name], f"{email}: the manager's {name} changed"
    print(f"\nmanager edits: {len(manager.done)}; {len(after)} members; every figure right after the check")

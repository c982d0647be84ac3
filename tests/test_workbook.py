"""The workbook as managers leave it: hand edits, scale, quota and faults."""
from datetime import datetime, timezone

import pytest
import requests

from services.config import Settings
from services.plan import WritePlan
from services.schema import neutralise, restore
from services.sheet_setup import init_workbook
from services.workbook import Workbook


@pytest.fixture
def workbook(open_workbook):
    return open_workbook(attempts=30)  # deep enough to ride out injected failures


def put(localsheets, sheet_id, rng, rows):
    r = requests.put(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/{rng}",
                     params={"valueInputOption": "USER_ENTERED"}, json={"values": rows}, timeout=10)
    assert r.status_code == 200, r.text


def everything(localsheets, sheet_id, tab="Members"):
    return requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/{tab}",
                        params={"valueRenderOption": "FORMULA"}, timeout=10).json().get("values", [])


def hand_edited(localsheets, sheet_id):
    """A Members tab as a manager leaves it: columns moved and added, headers
    retyped, rows sorted, blank lines, duplicates, a formula, a long cell, emoji."""
    requests.post(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Members:clear", timeout=10)
    header = ["  first NAME ", "Met at", "EMAIL", "Actions Taken", "Notes", "last action", "Status"]
    rows = [
        header,
        ["Zoë 🌱", "Farmers market", "zoe@example.org", "2", "x" * 10_000, "2026-03-01", "subscribed"],
        ["", "", "", "", "", "", ""],
        ["Ann", "Church", " Ann@Example.org ", "1", "=1+2", "", "subscribed"],
        ["Bob", "", "bob@", "", "half-typed", "", ""],
        ["Ann again", "", "ann@example.org", "", "", "", ""],
        ["Cat", "=NOW()", "cat@example.org", "many", "", "", "unsubscribed"],
    ]
    put(localsheets, sheet_id, "Members!A1", rows)
    return rows


def test_snapshot_reads_hand_edits_and_reports_problems(workbook, localsheets, sheet_id):
    hand_edited(localsheets, sheet_id)
    snap = workbook.snapshot(["Members"])
    members = {r["Email"]: r for r in snap["Members"].rows}
    assert set(members) == {"zoe@example.org", "ann@example.org", "cat@example.org"}
    assert members["zoe@example.org"]["First name"] == "Zoë 🌱"
    assert len(members["zoe@example.org"]["Notes"]) == 10_000
    # A formula reads as the value Google shows for it.
    assert members["ann@example.org"].number == 4 and members["ann@example.org"]["Notes"] == "3"
    problems = {(p.row, p.column): p.what for p in snap.problems}
    assert problems[(5, "Email")] == "'bob@' is not an email address"
    assert "already on row 4" in problems[(6, "Email")]
    assert problems[(7, "Actions taken")] == "'many' is not a whole number"
    assert str(next(p for p in snap.problems if p.row == 5)) == "Members row 5: 'bob@' is not an email address"


HEADER = ["Email", "First name", "Last name", "Notes", "Status", "Actions taken", "Last action"]
PEOPLE = [["ann@example.org", "Ann", "Lee", "met at the fair", "subscribed", "1", "2026-10-01"],
          ["bob@example.org", "Bob", "Diaz", "", "subscribed", "", ""],
          ["cat@example.org", "Cat", "Ito", "prefers texts", "unsubscribed", "4", "2026-09-12"]]


def batch(localsheets, sheet_id, *requests_):
    r = requests.post(f"{localsheets.url}/v4/spreadsheets/{sheet_id}:batchUpdate",
                      json={"requests": list(requests_)}, timeout=10)
    assert r.status_code == 200, r.text


def members_sheet_id(localsheets, sheet_id):
    sheets = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}", timeout=10).json()["sheets"]
    return next(s["properties"]["sheetId"] for s in sheets if s["properties"]["title"] == "Members")


def columns_reordered(ls, sid):
    order = [6, 2, 0, 4, 1, 5, 3]
    put(ls, sid, "Members!A1", [[row[i] for i in order] for row in [HEADER] + PEOPLE])


def column_inserted(ls, sid):
    batch(ls, sid, {"insertDimension": {"range": {"sheetId": members_sheet_id(ls, sid), "dimension": "COLUMNS",
                                                  "startIndex": 2, "endIndex": 3}}})
    put(ls, sid, "Members!C1:C4", [["Met at"], ["fair"], ["church"], ["=NOW()"]])


def rows_sorted(ls, sid):
    put(ls, sid, "Members!A2", list(reversed(PEOPLE)))


def blank_rows(ls, sid):
    batch(ls, sid, {"insertDimension": {"range": {"sheetId": members_sheet_id(ls, sid), "dimension": "ROWS",
                                                  "startIndex": 2, "endIndex": 4}}})


def header_retyped(ls, sid):
    put(ls, sid, "Members!A1:G1", [["  EMAIL ", "first   name", "Last Name", "notes", "status ", " Actions Taken",
                                    "LAST ACTION"]])


def duplicate_emails(ls, sid):
    put(ls, sid, "Members!A5:B6", [[" ANN@example.org ", "Ann again"], ["Bob@Example.org", "Bob twice"]])


def manager_formula(ls, sid):
    put(ls, sid, "Members!D3:F3", [["=A3&\" rocks\"", "subscribed", "=1+1"]])


def formula_email(ls, sid):
    put(ls, sid, "Members!A3", [["=LOWER(B3)&\"@example.org\""]])


def today_as_last_action(ls, sid):
    put(ls, sid, "Members!G3", [["=TODAY()"]])


def long_cell_and_emoji(ls, sid):
    put(ls, sid, "Members!B2:D2", [["Ann 🌻", "Lee 🦋", "x" * 10_000]])


@pytest.mark.parametrize("edit, problems", [
    (columns_reordered, []),
    (column_inserted, []),
    (rows_sorted, []),
    (blank_rows, []),
    (header_retyped, []),
    (duplicate_emails, ["ann@example.org is already on row 2", "bob@example.org is already on row 3"]),
    (manager_formula, []),  # =1+1 reads as 2, a whole number
    (formula_email, []),
    (today_as_last_action, []),
    (long_cell_and_emoji, []),
], ids=lambda v: v.__name__ if callable(v) else "")
def test_hand_edits_read_right_and_plans_touch_only_app_cells(workbook, localsheets, sheet_id, edit, problems):
    put(localsheets, sheet_id, "Members!A1", [HEADER] + PEOPLE)
    edit(localsheets, sheet_id)
    before = everything(localsheets, sheet_id)

    snap = workbook.snapshot(["Members"])
    read = {r["Email"]: r for r in snap["Members"].rows}
    assert set(read) == {"ann@example.org", "bob@example.org", "cat@example.org"}
    assert read["cat@example.org"]["Last action"].isoformat() == "2026-09-12"
    assert read["cat@example.org"]["Status"] == "unsubscribed"
    assert [p.what for p in snap.problems] == problems

    plan = WritePlan()
    plan.update("Members", ["ann@example.org"], **{"Actions taken": 2, "Last action": "2026-11-20"})
    plan.append("Members", {"Email": "dan@example.org", "First name": "Dan", "Status": "subscribed"})
    workbook.apply(plan)

    after = everything(localsheets, sheet_id)
    header = [" ".join(h.split()).casefold() for h in after[0]]
    ann = next(i for i, row in enumerate(before) if row and "ann@example.org" in str(row).lower())
    app_cells = {(ann, header.index("actions taken")), (ann, header.index("last action"))}
    for r, row in enumerate(before):
        for c in range(max(len(row), len(after[r]))):
            old, new = (row[c:c + 1] or [""])[0], (after[r][c:c + 1] or [""])[0]
            if (r, c) in app_cells:
                assert new in (2, "2026-11-20")
            else:
                assert old == new, f"cell {r + 1}:{c + 1} changed from {old!r} to {new!r}"
    assert after[len(before)][header.index("email")] == "dan@example.org"
    assert len(after) == len(before) + 1


def test_a_managers_formulas_read_as_their_values(workbook, localsheets, sheet_id):
    put(localsheets, sheet_id, "Members!A1", [HEADER] + PEOPLE)
    formula_email(localsheets, sheet_id)
    before = datetime.now(timezone.utc).date()
    today_as_last_action(localsheets, sheet_id)
    manager_formula(localsheets, sheet_id)
    snap = workbook.snapshot(["Members"])
    bob = next(r for r in snap["Members"].rows if r.number == 3)
    assert bob["Email"] == "bob@example.org"  # =LOWER(B3)&"@example.org"
    assert bob["Last action"] in {before, datetime.now(timezone.utc).date()}  # =TODAY(), in the sheet's zone
    assert bob["Actions taken"] == 2 and bob["Notes"] == "bob@example.org rocks"
    assert snap.problems == []


def test_the_app_never_writes_a_managers_column(workbook, localsheets, sheet_id):
    hand_edited(localsheets, sheet_id)
    plan = WritePlan()
    plan.update("Members", ["ann@example.org"], **{"Notes": "overwritten"})
    with pytest.raises(ValueError, match="belongs to the manager"):
        workbook.apply(plan)


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1 555", "-5", "@here", "\tx", "\rx", "'quoted", "plain"])
def test_neutralised_text_reads_back_as_typed(text):
    stored = neutralise(text)
    assert stored[0] not in "=+-@\t\r"
    assert restore(stored) == text


def test_ten_thousand_rows_and_five_thousand_updates_in_three_calls(workbook, localsheets, sheet_id):
    seed = WritePlan()
    for i in range(5000):
        seed.append("Members", {"Email": f"old{i}@example.org", "Status": "subscribed"})
    workbook.apply(seed)
    localsheets.reset()
    plan = WritePlan()
    for i in range(10_000):
        plan.append("Members", {"Email": f"new{i}@example.org", "First name": f"N{i}", "Status": "subscribed"})
    for i in range(5000):
        plan.update("Members", [f"old{i}@example.org"], **{"Actions taken": i})
    result = workbook.apply(plan)
    assert result.appended == 10_000 and result.cells_updated == 5000
    log = localsheets.log()
    assert log["total"] <= 3, log["counts"]
    snap = workbook.snapshot(["Members"])
    assert len(snap["Members"].rows) == 15_000
    assert {r["Email"]: r for r in snap["Members"].rows}["old4321@example.org"]["Actions taken"] == 4321


def test_a_plan_lands_whole_and_once_under_quota_and_failures(workbook, localsheets, sheet_id):
    localsheets.configure(reads_per_minute=60, writes_per_minute=60, fail_rate=0.2, drop_rate=0.1, seed=3)
    rows = [{"Id": f"sub-{i:05d}", "Email": f"a{i}@example.org", "Action": "demo", "Subscribe": True, "Via": "web"}
            for i in range(2000)]
    # As the intake flushes: batches, each a plan; then the whole lot once more,
    # as a worker that crashed after writing would retry it.
    for start in range(0, 2000, 200):
        plan = WritePlan()
        for values in rows[start:start + 200]:
            plan.append("Submissions", values)
        workbook.apply(plan)
    again = WritePlan()
    for values in rows:
        again.append("Submissions", values)
    assert workbook.apply(again).appended == 0
    statuses = localsheets.log()["statuses"]
    localsheets.configure(fail_rate=0.0, drop_rate=0.0, reads_per_minute=0, writes_per_minute=0)
    ids = [r[0] for r in everything(localsheets, sheet_id, "Submissions")[1:]]
    assert len(ids) == 2000 and sorted(ids) == sorted(v["Id"] for v in rows)
    assert statuses.get("500", 0) + statuses.get("503", 0) > 0, statuses  # failures really happened


def test_missing_spreadsheet_gets_a_message_not_a_traceback(localsheets):
    from services.sheets import SheetNotFound

    wb = Workbook.from_settings(Settings(sheets_url=localsheets.url, sheet_id="nope"))
    with pytest.raises(SheetNotFound, match="not found or is not shared"):
        wb.snapshot(["Members"])


def test_problems_tab_is_rewritten_only_when_the_list_changes(workbook, localsheets, sheet_id):
    from services.workbook import problems_plan

    init_workbook(workbook, ["Problems"])
    hand_edited(localsheets, sheet_id)
    problems = workbook.snapshot(["Members"]).problems
    assert len(problems) == 3
    workbook.apply(problems_plan(problems))
    listed = everything(localsheets, sheet_id, "Problems")
    assert listed[1:] == [["Members", str(p.row), p.column, p.what] for p in problems]

    localsheets.reset()
    workbook.apply(problems_plan(problems))
    assert localsheets.log()["writes"] == 0  # unchanged: nothing written

    workbook.apply(problems_plan(problems[:1]))
    assert everything(localsheets, sheet_id, "Problems")[1:] == [["Members", str(problems[0].row),
                                                                  problems[0].column, problems[0].what]]


def test_an_unshared_spreadsheet_names_the_account_to_share_it_with(localsheets, tmp_path):
    import json

    from services.sheets import SheetNotFound

    key = tmp_path / "service-account.json"
    key.write_text(json.dumps({"type": "service_account", "client_email": "actnet@demo-project.iam.gserviceaccount.com"}))
    wb = Workbook.from_settings(Settings(sheets_url=localsheets.url, google_credentials=str(key), sheet_id="nope"))
    with pytest.raises(SheetNotFound) as caught:
        wb.snapshot(["Members"])
    assert str(caught.value) == ("The spreadsheet nope was not found or is not shared with actnet. "
                                 "Share it, as an editor, with actnet@demo-project.iam.gserviceaccount.com.")


def test_a_renamed_tab_gets_a_message_saying_what_to_do(workbook, localsheets, sheet_id):
    from services.sheets import SheetsError

    batch(localsheets, sheet_id, {"updateSheetProperties": {"properties": {
        "sheetId": members_sheet_id(localsheets, sheet_id), "title": "People"}, "fields": "title"}})
    plan = WritePlan()
    plan.append("Members", {"Email": "dan@example.org"})
    with pytest.raises(SheetsError, match="missing or was renamed.*flask sheets init"):
        workbook.apply(plan)
    snap = workbook.snapshot(["Members"])
    assert [str(p) for p in snap.problems] == ["Members: this tab is missing; run `flask sheets init`"]


def test_an_update_to_a_row_the_same_plan_adds_is_not_lost(workbook, localsheets, sheet_id):
    plan = WritePlan()
    plan.append("Members", {"Email": "eve@example.org", "Status": "subscribed"})
    plan.update("Members", ["EVE@example.org "], **{"Actions taken": 1})
    result = workbook.apply(plan)
    assert result.problems == []
    assert workbook.snapshot(["Members"])["Members"].by_key()[("eve@example.org",)]["Actions taken"] == 1


def test_a_row_without_its_key_is_a_problem_naming_what_is_missing(open_workbook, localsheets, sheet_id):
    wb = open_workbook(tabs=("Alerts",))
    put(localsheets, sheet_id, "Alerts!A2:B3", [["2026-12-07", ""], ["2026-12-21", "Fund nutrition"]])
    snap = wb.snapshot(["Alerts"])
    assert [r["Subject"] for r in snap["Alerts"].rows] == ["Fund nutrition"]
    assert [str(p) for p in snap.problems] == ["Alerts row 2: the Subject is blank"]


def test_a_missing_key_header_is_one_problem_not_one_per_row(workbook, localsheets, sheet_id):
    put(localsheets, sheet_id, "Members!A1:B3", [["E-mail address", "First name"], ["ann@example.org", "Ann"],
                                                 ["bob@example.org", "Bob"]])
    snap = workbook.snapshot(["Members"])
    assert snap["Members"].rows == []
    assert [str(p) for p in snap.problems] == ["Members row 1: the header 'Email' is missing, so rows can't be matched"]


def test_an_update_finds_its_row_whatever_the_case_and_spaces_of_its_key(workbook):
    plan = WritePlan()
    plan.append("Members", {"Email": "fay@example.org", "Status": "subscribed"})
    workbook.apply(plan)
    update = WritePlan()
    update.update("Members", [" Fay@Example.org"], **{"Actions taken": 2})
    assert workbook.apply(update).problems == []
    assert workbook.snapshot(["Members"])["Members"].by_key()[("fay@example.org",)]["Actions taken"] == 2

"""CSV exports: every cell opens as text, whatever a person typed (OWASP CSV injection)."""
import csv
import io
from datetime import datetime, timezone

import pytest
import requests

from services.exports import TRIGGERS, Exports, build_export, csv_text, safe_cell
from services.imports import open_list_from
from services.plan import WritePlan

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+2", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1",
           "  =1+1", "=cmd|' /C calc'!A0"]
AT = datetime(2026, 3, 2, 17, 0, tzinfo=timezone.utc)


@pytest.fixture
def workbook(open_workbook):
    wb = open_workbook(tabs=("Members", "Groups", "Submissions", "Shares", "List – Tacoma"))
    plan = WritePlan()
    plan.append("Groups", {"Name": "Seattle RESULTS"})
    plan.append("Groups", {"Name": "Tacoma"})
    for i, text in enumerate(HOSTILE):
        person = {"Email": f"p{i}@example.org", "First name": text, "Last name": text, "Notes": text, "Tags": text,
                  "Phone": "+1 206 555 0100", "Status": "subscribed"}
        plan.append("Members", person)
        plan.append("List – Tacoma", person)
        plan.append("Submissions", {"Id": f"s{i}", "At": AT, "Action": "fund-nutrition", "Email": f"p{i}@example.org",
                                    "First name": text, "Last name": text, "ZIP": text, "Subscribe": True,
                                    "Via": "web", "Answers": f"Why?: {text}"})
        plan.append("Shares", {"At": AT, "Run": "r1", "Action": "fund-nutrition", "Email": f"p{i}@example.org",
                               "Group": "Tacoma", "Kind": "share", "Subscribed": True, "New to list": True,
                               "Why": text})
    wb.apply(plan)
    return wb


def opened_in_a_spreadsheet(localsheets, text):
    """The CSV as a spreadsheet opens it: each field typed into a cell (USER_ENTERED), then
    what each cell holds: ('formula', text) or ('text', value)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    sheet = localsheets.create("opened export")
    requests.put(f"{localsheets.url}/v4/spreadsheets/{sheet}/values/Sheet1!A1",
                 params={"valueInputOption": "USER_ENTERED"}, json={"values": rows}, timeout=10).raise_for_status()
    grid = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet}", params={"includeGridData": "true"},
                        timeout=10).json()["sheets"][0]["data"][0]["rowData"]
    cells = []
    for row in grid:
        for cell in row.get("values", []):
            entered = cell.get("userEnteredValue", {})
            if "formulaValue" in entered:
                cells.append(("formula", entered["formulaValue"]))
            elif entered:
                cells.append(("text", next(iter(entered.values()))))
    return rows, cells


@pytest.mark.parametrize("kind, subject", [("members", None), ("list", "Tacoma"),
                                           ("signatures", "fund-nutrition"), ("shares", None)])
def test_every_export_opens_as_text_in_a_spreadsheet(workbook, localsheets, kind, subject):
    name, text, count = build_export(open_list_from(None, workbook), kind, subject)
    assert count == len(HOSTILE) and name.endswith(".csv")
    rows, cells = opened_in_a_spreadsheet(localsheets, text)
    for row in rows:
        for field in row:
            assert not field.lstrip(" ").startswith(TRIGGERS), field
    assert not [c for c in cells if c[0] == "formula"]
    shown = {value for _, value in cells}
    for hostile in HOSTILE:  # what was typed reads back as typed (the apostrophe is not shown)
        assert any(hostile in str(v) for v in shown), hostile


def test_the_check_can_fail_a_naive_csv(localsheets):
    naive = io.StringIO()
    csv.writer(naive).writerows([["Name"], ["=1+2"]])
    _, cells = opened_in_a_spreadsheet(localsheets, naive.getvalue())
    assert ("formula", "=1+2") in cells


def test_a_cell_starting_with_a_trigger_gets_an_apostrophe_and_others_are_left_alone():
    assert [safe_cell(t) for t in ("=1", "+1", "-1", "@x", "\tx", "\rx", " =1", "a=1", "", None, True)] == [
        "'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "' =1", "a=1", "", "", "yes"]
    assert csv_text(["A"], [{"A": 'say "hi"'}]) == '"A"\r\n"say ""hi"""\r\n'


def test_a_prepared_download_waits_in_redis_with_its_file_name(workbook, redis_conn):
    exports = Exports(redis_conn)
    export_id = exports.create("shares")
    exports.prepare(export_id, open_list_from(None, workbook))
    name, body = exports.content(export_id)
    assert exports.get(export_id)["state"] == "ready" and name.startswith("shares-")
    assert body.startswith("\ufeff".encode()) and b"R16" not in body

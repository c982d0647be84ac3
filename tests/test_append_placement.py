"""actnet's appends land where Google would put them, even beside a manager's unheaded column.

Google's rule (https://developers.google.com/sheets/api/guides/values#append_values,
modelled in localsheets/tables.py): rows go after the last table found in the
range, at its first column; a range with nothing in it has no table, so rows
go at its first cell. actnet appends to `Tab!A<first empty row>`, an empty
cell: its rows start in column A, whatever tables a manager's blank or
unheaded columns split the sheet into.
"""
import requests

from services.plan import WritePlan


def put(localsheets, sheet_id, rng, rows):
    r = requests.put(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/{rng}",
                     params={"valueInputOption": "USER_ENTERED"}, json={"values": rows}, timeout=10)
    assert r.status_code == 200, r.text


def members(localsheets, sheet_id):
    return requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Members", timeout=10).json()["values"]


def insert_column(localsheets, sheet_id, index):
    meta = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}", timeout=10).json()
    tab = next(s["properties"]["sheetId"] for s in meta["sheets"] if s["properties"]["title"] == "Members")
    r = requests.post(f"{localsheets.url}/v4/spreadsheets/{sheet_id}:batchUpdate", timeout=10, json={"requests": [
        {"insertDimension": {"range": {"sheetId": tab, "dimension": "COLUMNS", "startIndex": index,
                                       "endIndex": index + 1}}}]})
    assert r.status_code == 200, r.text


def test_a_row_lands_in_column_a_beside_an_unheaded_managers_column(open_workbook, localsheets, sheet_id):
    workbook = open_workbook(tabs=("Members",))
    plan = WritePlan()
    for name in ("ann", "bob"):
        plan.append("Members", {"Email": f"{name}@example.org", "First name": name.title(), "Status": "subscribed"})
    workbook.apply(plan)
    insert_column(localsheets, sheet_id, 2)  # between First name and Last name, no header
    put(localsheets, sheet_id, "Members!C3", [["called twice"]])  # notes in it, on Bob's row only

    plan = WritePlan()
    plan.append("Members", {"Email": "cat@example.org", "First name": "Cat", "Last name": "Ito",
                            "Status": "subscribed"})
    workbook.apply(plan)

    rows = members(localsheets, sheet_id)
    header = rows[0]
    assert header[2] == ""  # the manager's column, still without a header
    cat = rows[3]
    assert cat[0] == "cat@example.org" and cat[1] == "Cat"
    assert cat[2] == "" and cat[header.index("Last name")] == "Ito"
    assert rows[2][2] == "called twice"


def test_a_blank_column_splitting_the_header_does_not_move_actnets_rows(open_workbook, localsheets, sheet_id):
    workbook = open_workbook(tabs=("Members",))
    insert_column(localsheets, sheet_id, 3)  # an empty column D: the header is now two tables
    # Appending to the whole tab would find the last table (E1 onwards) and start there:
    probe = requests.post(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Members:append",
                          params={"valueInputOption": "RAW"}, json={"values": [[None]]}, timeout=10).json()
    assert probe["tableRange"].startswith("Members!E1:")
    # …but actnet appends to A2, an empty cell in no table, so its row starts in column A.
    plan = WritePlan()
    plan.append("Members", {"Email": "dan@example.org", "Phone": "555-0100", "Status": "subscribed"})
    workbook.apply(plan)
    rows = members(localsheets, sheet_id)
    assert rows[1][0] == "dan@example.org"
    assert rows[1][rows[0].index("Phone")] == "555-0100" and rows[1][3] == ""

"""gspread 6, unchanged, against localsheets through actnet's client factory."""


def test_gspread_end_to_end(gc, sheet_id):
    sh = gc.open_by_key(sheet_id)
    ws = sh.worksheet("Sheet1")
    ws.update([["Email", "Name", "Count"], ["ann@example.org", "Ann", 3]], "A1")
    ws.append_rows([["bob@example.org", "Bob", 1], ["cat@example.org", "Cat", 2]])
    assert ws.get_all_values()[-1] == ["cat@example.org", "Cat", "2"]
    assert ws.get_all_records()[0] == {"Email": "ann@example.org", "Name": "Ann", "Count": 3}
    ws.batch_update([{"range": "B2", "values": [["Annie"]]}, {"range": "C3", "values": [[5]]}])
    assert ws.batch_get(["B2", "C3"]) == [[["Annie"]], [["5"]]]
    ws.freeze(rows=1)
    members = sh.add_worksheet("Members list", rows=50, cols=5)
    members.update([["x"]], "A1")
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "Members list"]
    assert sh.worksheet("Sheet1").frozen_row_count == 1
    got = sh.values_batch_get(["'Members list'!A1", "Sheet1!A1"])["valueRanges"]
    assert [vr["values"] for vr in got] == [[["x"]], [["Email"]]]
    members.clear()
    assert "values" not in sh.values_get("'Members list'")
    sh.batch_update({"requests": [{"deleteSheet": {"sheetId": members.id}}]})
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]


def test_gspread_raises_api_error_for_unknown_sheet(gc, sheet_id):
    import gspread
    import pytest

    with pytest.raises(gspread.exceptions.WorksheetNotFound):
        gc.open_by_key(sheet_id).worksheet("Nope")
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("missing-spreadsheet")

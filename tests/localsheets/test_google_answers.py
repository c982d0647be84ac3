"""Answers Google documents or was seen to give, where localsheets once answered otherwise."""
import pytest


def test_update_counts_only_the_cells_written(api):
    # ValueRange.values: "For input, supported value types are: bool, string, and double. Null
    # values will be skipped." UpdateValuesResponse counts "rows where at least one cell in the
    # row was updated", likewise columns, and the cells updated.
    body = api.write("Sheet1!A1:C2", [[None, "x", None], [None, None, None]])
    assert body == {"spreadsheetId": api.sid, "updatedRange": "Sheet1!A1:C2", "updatedRows": 1,
                    "updatedColumns": 1, "updatedCells": 1}
    nothing = api.write("Sheet1!A1:B1", [[None, None]])
    assert {"updatedRows", "updatedColumns", "updatedCells"}.isdisjoint(nothing)


def test_batch_update_totals_count_only_the_cells_written(api):
    # BatchUpdateValuesResponse: totalUpdatedColumns is "the total number of columns where at
    # least one cell in the column was updated"; totalUpdatedSheets counts sheets written to.
    api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "Other"}}}]})
    r = api.post("/values:batchUpdate", {"valueInputOption": "RAW", "data": [
        {"range": "Sheet1!A1:C2", "values": [["a", None, "c"], [None, None, None]]},
        {"range": "Other!A1:B1", "values": [[None, None]]}]}).json()
    assert (r["totalUpdatedRows"], r["totalUpdatedColumns"], r["totalUpdatedCells"], r["totalUpdatedSheets"]) == \
        (1, 2, 2, 1)
    assert [x.get("updatedCells") for x in r["responses"]] == [2, None]


def append(api, rng, rows):
    r = api.post(f"/values/{rng}:append", {"values": rows}, valueInputOption="RAW")
    assert r.status_code == 200, r.text
    return r.json()


def test_append_after_the_table_google_saw_with_a_gap_in_row_one(api):
    # Observed from Google: only A1 and C1 filled, three values appended to `Sheet1` answer
    # tableRange Sheet1!C1 and land in C2:E2: C1 holds the range's last value, and its table
    # (B1 empty on either side) is C1 alone.
    api.write("Sheet1!A1:C1", [["a", None, "c"]])
    body = append(api, "Sheet1", [["1", "2", "3"]])
    assert body["tableRange"] == "Sheet1!C1"
    assert body["updates"]["updatedRange"] == "Sheet1!C2:E2"
    assert api.values("Sheet1!A1:E2")["values"] == [["a", "", "c"], ["", "", "1", "2", "3"]]


GUIDE = [["x", "x", "x", None], [None, "x", "x", None], [None, None, None, None],
         [None, "x", "x", "x"], [None, "x", "x", "x"], [None, "x", "x", "x"]]


@pytest.mark.parametrize("rng, table, lands", [
    ("Sheet1", "Sheet1!B4:D6", "Sheet1!B7"),   # the last table in the sheet
    ("Sheet1!B4", "Sheet1!B4:D6", "Sheet1!B7"),
    ("Sheet1!C5:D5", "Sheet1!B4:D6", "Sheet1!B7"),  # part of a table is its table
    ("Sheet1!B2:D4", "Sheet1!B4:D6", "Sheet1!B7"),  # the last of two tables in the range
    ("Sheet1!A3:G10", "Sheet1!B4:D6", "Sheet1!B7"),
    ("Sheet1!A1", "Sheet1!A1:C2", "Sheet1!A3"),
    ("Sheet1!E4", None, "Sheet1!E4"),  # in no table: written where it is
    ("Sheet1!A4", None, "Sheet1!A4"),
])
def test_append_finds_the_table_as_googles_guide_describes(api, rng, table, lands):
    # https://developers.google.com/sheets/api/guides/values#append_values: a sheet with
    # tables A1:C2 and B4:D6, and where appends to various ranges begin.
    api.write("Sheet1!A1:D6", GUIDE)
    body = append(api, rng, [["new"]])
    assert body.get("tableRange") == table
    assert body["updates"]["updatedRange"] == lands


def test_hiding_the_last_visible_tab_is_refused(api):
    api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"sheetId": 5, "title": "Two"}}}]})
    hide = {"updateSheetProperties": {"properties": {"sheetId": 5, "hidden": True}, "fields": "hidden"}}
    assert api.post(":batchUpdate", {"requests": [hide]}).status_code == 200
    r = api.post(":batchUpdate", {"requests": [
        {"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}}]})
    assert r.status_code == 400
    assert r.json()["error"]["message"].endswith("You can't hide all the sheets in a document.")
    assert [s["properties"].get("hidden", False) for s in api.get().json()["sheets"]] == [False, True]


def test_deleting_a_protected_range_answers_an_empty_reply(api):
    # DeleteProtectedRangeRequest has no reply of its own: the batch answers {} in its place.
    added = api.post(":batchUpdate", {"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 1}, "warningOnly": True}}}]}).json()
    pid = added["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    r = api.post(":batchUpdate", {"requests": [{"deleteProtectedRange": {"protectedRangeId": pid}}]})
    assert r.status_code == 200
    assert r.json() == {"spreadsheetId": api.sid, "replies": [{}]}
    assert "protectedRanges" not in api.get().json()["sheets"][0]


def test_inserted_rows_take_their_neighbours_validation(api):
    # InsertDimensionRequest.inheritFromBefore: "Whether dimension properties should be extended
    # from the dimensions before or after the newly inserted dimension" (after, when false).
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "a"}]}, "showCustomUi": True}
    api.post(":batchUpdate", {"requests": [
        {"setDataValidation": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 10,
                                         "startColumnIndex": 0, "endColumnIndex": 1}, "rule": rule}},
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}},
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2},
                             "inheritFromBefore": True}}]})
    rows = api.get(includeGridData="true", ranges="Sheet1!A1:A5").json()["sheets"][0]["data"][0]["rowData"]
    validated = [bool((row.get("values") or [{}])[0].get("dataValidation")) for row in rows]
    assert validated == [False, False, True, True, True]  # row 2 came from the header, rows 3-4 from below

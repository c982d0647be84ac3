"""sortRange, as Google sorts.

https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request#sortrangerequest
https://developers.google.com/sheets/api/samples/data#sort_a_range_with_multiple_sorting_specifications
"""
from localsheets.sorting import permute_rows


def sort(api, specs, **rng):
    rng = {"sheetId": 0, **rng}
    r = api.post(":batchUpdate", {"requests": [{"sortRange": {"range": rng, "sortSpecs": specs}}]})
    assert r.status_code == 200, r.text
    return r.json()


def test_later_specs_break_ties_of_earlier_ones(api):
    # "Later specifications are used when values are equal in the earlier
    # specifications": by Group ascending, then Score descending within a group.
    api.write("Sheet1!A1:D6", [["Name", "Score", "x", "Group"],
                               ["ann", "3", "a", "2"],
                               ["bob", "5", "b", "1"],
                               ["cy", "9", "c", "2"],
                               ["di", "1", "d", "1"],
                               ["ed", "7", "e", "2"]])
    body = sort(api, [{"dimensionIndex": 3, "sortOrder": "ASCENDING"},
                      {"dimensionIndex": 1, "sortOrder": "DESCENDING"}],
                startRowIndex=1, endRowIndex=10, startColumnIndex=0, endColumnIndex=4)
    assert body["replies"] == [{}]
    assert api.values("Sheet1!A1:D6")["values"] == [["Name", "Score", "x", "Group"],
                                                     ["bob", "5", "b", "1"],
                                                     ["di", "1", "d", "1"],
                                                     ["cy", "9", "c", "2"],
                                                     ["ed", "7", "e", "2"],
                                                     ["ann", "3", "a", "2"]]


def test_numbers_before_text_text_without_case_blanks_last(api):
    api.write("Sheet1!A1:B7", [["banana", "1"], ["10", "2"], ["", "3"], ["Apple", "4"], ["2", "5"],
                               ["apple", "6"], ["TRUE", "7"]])
    sort(api, [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}], startRowIndex=0, endRowIndex=7)
    assert api.values("Sheet1!A1:B7")["values"] == [
        ["2", "5"], ["10", "2"], ["Apple", "4"], ["apple", "6"], ["banana", "1"], ["TRUE", "7"], ["", "3"]]
    sort(api, [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}], startRowIndex=0, endRowIndex=7)
    # Descending reverses the values, not the blanks: they stay last. Equal
    # values ("Apple", "apple") keep their order, the sort being stable.
    assert api.values("Sheet1!A1:B7")["values"] == [
        ["TRUE", "7"], ["banana", "1"], ["Apple", "4"], ["apple", "6"], ["10", "2"], ["2", "5"], ["", "3"]]


def test_dates_sort_as_the_numbers_they_are(api):
    api.write("Sheet1!A1:A3", [["3/1/2026"], ["2026-01-15"], ["Jan 2, 2026"]])
    sort(api, [{"dimensionIndex": 0}], startRowIndex=0, endRowIndex=3)
    assert api.values("Sheet1!A1:A3")["values"] == [["Jan 2, 2026"], ["2026-01-15"], ["3/1/2026"]]


def test_only_the_range_columns_move(api):
    api.write("Sheet1!A1:C3", [["keep1", "b", "x"], ["keep2", "a", "y"], ["keep3", "c", "z"]])
    sort(api, [{"dimensionIndex": 1}], startRowIndex=0, endRowIndex=3, startColumnIndex=1, endColumnIndex=3)
    assert api.values("Sheet1!A1:C3")["values"] == [["keep1", "a", "y"], ["keep2", "b", "x"], ["keep3", "c", "z"]]


def test_notes_move_with_their_cells(api):
    api.write("Sheet1!A1:A2", [["b"], ["a"]])
    api.post(":batchUpdate", {"requests": [{"updateCells": {
        "rows": [{"values": [{"note": "on b"}]}], "fields": "note",
        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}}}]})
    sort(api, [{"dimensionIndex": 0}], startRowIndex=0, endRowIndex=2)
    grid = api.get(includeGridData="true", ranges="Sheet1!A1:A2").json()["sheets"][0]["data"][0]
    assert grid["rowData"][1]["values"][0] == {"userEnteredValue": {"stringValue": "b"}, "formattedValue": "b",
                                               "note": "on b"}


def test_a_spec_outside_the_range_is_400(api):
    r = api.post(":batchUpdate", {"requests": [{"sortRange": {
        "range": {"sheetId": 0, "startColumnIndex": 1, "endColumnIndex": 3},
        "sortSpecs": [{"dimensionIndex": 0}]}}]})
    assert r.status_code == 400 and "dimensionIndex" in r.json()["error"]["message"]


def test_gspread_sort(gc, sheet_id):
    # gspread's Worksheet.sort sends one sortRange (https://docs.gspread.org/en/latest/api/models/worksheet.html)
    ws = gc.open_by_key(sheet_id).sheet1
    ws.update([["c", 1], ["a", 2], ["b", 3]], "A1:B3")
    ws.sort((1, "asc"), range="A1:B3")
    assert ws.get("A1:B3") == [["a", "2"], ["b", "3"], ["c", "1"]]


def test_permute_rows_moves_whole_rows_or_a_band_of_columns():
    sheet = {"cells": [[{"v": "a"}, {"v": 1}], [{"v": "b"}], [], [{"v": "d"}, {"v": 4}]]}
    permute_rows(sheet, 0, [3, 2, 1, 0])
    assert sheet["cells"] == [[{"v": "d"}, {"v": 4}], [], [{"v": "b"}], [{"v": "a"}, {"v": 1}]]
    permute_rows(sheet, 0, [2, 1, 0], 1, 2)
    assert sheet["cells"] == [[{"v": "d"}], [], [{"v": "b"}, {"v": 4}], [{"v": "a"}, {"v": 1}]]

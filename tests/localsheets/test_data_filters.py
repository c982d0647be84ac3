"""Values read and written through data filters, as Google's reference pages say.

https://developers.google.com/sheets/api/reference/rest/v4/DataFilter
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.values/batchGetByDataFilter
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.values/batchUpdateByDataFilter
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/getByDataFilter
https://developers.google.com/sheets/api/guides/metadata#read_and_write_values_associated_with_metadata
"""
from tests.localsheets.test_developer_metadata import batch, tag
from tests.localsheets.test_errors import assert_error


def by_id(metadata_id):
    return {"developerMetadataLookup": {"metadataId": metadata_id}}


def test_get_cell_values_by_metadata_returns_the_whole_row(api):
    # The guide's "Get cell values by metadata": a row tag on row 7 answers Sheet1!A7:Z7.
    api.write("Sheet1!A7:B7", [["W-24", "74"]])
    row7 = tag(api, "Sales", "2022", row=6)["metadataId"]
    body = api.post("/values:batchGetByDataFilter", {"dataFilters": [by_id(row7)], "majorDimension": "ROWS"}).json()
    assert body["valueRanges"] == [{"valueRange": {"range": "Sheet1!A7:Z7", "majorDimension": "ROWS",
                                                   "values": [["W-24", "74"]]},
                                    "dataFilters": [by_id(row7)]}]


def test_a_column_tag_reads_the_whole_column_wherever_it_went(api):
    api.write("Sheet1!A1:B3", [["Email", "Actions taken"], ["ann@x.org", "1"], ["bob@x.org", "2"]])
    actions = tag(api, "actnet.column", "Actions taken", column=1)["metadataId"]
    batch(api, {"insertDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}})
    body = api.post("/values:batchGetByDataFilter", {"dataFilters": [by_id(actions)],
                                                     "majorDimension": "COLUMNS"}).json()
    assert body["valueRanges"][0]["valueRange"] == {"range": "Sheet1!C1:C1000", "majorDimension": "COLUMNS",
                                                    "values": [["Actions taken", "1", "2"]]}


def test_a1_and_grid_range_filters_and_ranges_matched_twice(api):
    api.write("Sheet1!A1:B2", [["a", "b"], ["c", "d"]])
    grid = {"gridRange": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0,
                          "endColumnIndex": 2}}
    body = api.post("/values:batchGetByDataFilter", {"dataFilters": [{"a1Range": "Sheet1!A1:B2"}, grid]}).json()
    # "The DataFilters from the request that matched the range of values": one range, both filters.
    assert body["valueRanges"] == [{"valueRange": {"range": "Sheet1!A1:B2", "majorDimension": "ROWS",
                                                   "values": [["a", "b"], ["c", "d"]]},
                                    "dataFilters": [{"a1Range": "Sheet1!A1:B2"}, grid]}]


def test_a_filter_that_matches_nothing_answers_no_range(api):
    body = api.post("/values:batchGetByDataFilter", {"dataFilters": [by_id(12345)]}).json()
    assert "valueRanges" not in body


def test_a_data_filter_sets_one_criterion(api):
    # DataFilter's criteria are a union ("filter" can be only one of ...).
    r = api.post("/values:batchGetByDataFilter", {"dataFilters": [{"a1Range": "Sheet1!A1", "gridRange": {}}]})
    assert_error(r, 400, "INVALID_ARGUMENT", "Oneof field 'filter' is already set")
    r = api.post("/values:batchGetByDataFilter", {"dataFilters": []})
    assert_error(r, 400, "INVALID_ARGUMENT", "At least one data filter")


def test_update_values_by_metadata_as_the_guide_shows(api):
    # The guide's "Update values by metadata": values land along the row from column A;
    # updatedRange is what was written, updatedData the whole matched range.
    row7 = tag(api, "Sales", "2022", row=6)["metadataId"]
    body = api.post("/values:batchUpdateByDataFilter", {
        "data": [{"dataFilter": by_id(row7), "majorDimension": "ROWS", "values": [["W-24", "84"]]}],
        "includeValuesInResponse": True, "valueInputOption": "USER_ENTERED"}).json()
    assert body["totalUpdatedCells"] == 2 and body["totalUpdatedRows"] == 1 and body["totalUpdatedSheets"] == 1
    response = body["responses"][0]
    assert response["updatedRange"] == "Sheet1!A7:B7"
    assert response["dataFilter"] == by_id(row7)
    assert response["updatedData"] == {"range": "Sheet1!A7:Z7", "majorDimension": "ROWS", "values": [["W-24", "84"]]}


def test_a_column_tag_write_lands_by_row_position_from_row_1_and_nulls_are_skipped(api):
    api.write("Sheet1!A1:C3", [["Email", "Notes", "Actions taken"], ["ann@x.org", "keep", "1"],
                               ["bob@x.org", "keep too", "2"]])
    actions = tag(api, "actnet.column", "Actions taken", column=2)["metadataId"]
    # A manager inserts a column at A: the tag moved, so the write still lands under its header.
    batch(api, {"insertDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}})
    api.post("/values:batchUpdateByDataFilter", {"valueInputOption": "RAW", "data": [
        {"dataFilter": by_id(actions), "majorDimension": "COLUMNS", "values": [[None, None, 7]]}]})
    assert api.values("Sheet1!A1:D3")["values"] == [["", "Email", "Notes", "Actions taken"],
                                                     ["", "ann@x.org", "keep", "1"], ["", "bob@x.org", "keep too", "7"]]


def test_values_are_applied_to_every_range_the_filter_matches(api):
    # batchUpdateByDataFilter: "If more than one range is matched by the specified DataFilter the
    # specified values are applied to all of those ranges."
    tag(api, "twin", column=0)
    tag(api, "twin", column=2)
    body = api.post("/values:batchUpdateByDataFilter", {"valueInputOption": "RAW", "data": [
        {"dataFilter": {"developerMetadataLookup": {"metadataKey": "twin"}}, "majorDimension": "COLUMNS",
         "values": [["x", "y"]]}]}).json()
    assert [r["updatedRange"] for r in body["responses"]] == ["Sheet1!A1:A2", "Sheet1!C1:C2"]
    assert api.values("Sheet1!A1:C2")["values"] == [["x", "", "x"], ["y", "", "y"]]


def test_writing_past_the_matched_range_is_400_and_writes_nothing(api):
    row = tag(api, "row", row=0)["metadataId"]
    first = tag(api, "first", column=0)["metadataId"]
    r = api.post("/values:batchUpdateByDataFilter", {"valueInputOption": "RAW", "data": [
        {"dataFilter": by_id(first), "majorDimension": "COLUMNS", "values": [["written?"]]},
        {"dataFilter": by_id(row), "majorDimension": "ROWS", "values": [["x"] * 27]}]})
    assert_error(r, 400, "INVALID_ARGUMENT", "Invalid data[1]: Requested writing within range")
    assert "values" not in api.values("Sheet1!A1:A1")


def test_value_input_option_is_required(api):
    row = tag(api, "row", row=0)["metadataId"]
    r = api.post("/values:batchUpdateByDataFilter", {"data": [{"dataFilter": by_id(row), "values": [["x"]]}]})
    assert_error(r, 400, "INVALID_ARGUMENT", "'valueInputOption' is required")


def test_a_cell_holds_at_most_50000_characters(api):
    # https://support.google.com/drive/answer/37603 ("Files you can store in Google Drive"): a cell
    # holds up to 50,000 characters; Google refuses more on any write, in these words.
    r = api.put("/values/Sheet1!A1", {"values": [["x" * 50_001]]}, valueInputOption="RAW")
    assert_error(r, 400, "INVALID_ARGUMENT", "more than the maximum of 50000 characters in a single cell")
    api.write("Sheet1!A1", [["x" * 50_000]], option="RAW")
    row = tag(api, "row", row=1)["metadataId"]
    r = api.post("/values:batchUpdateByDataFilter", {"valueInputOption": "RAW", "data": [
        {"dataFilter": by_id(row), "values": [["y" * 50_001]]}]})
    assert_error(r, 400, "INVALID_ARGUMENT", "Invalid data[0]: Your input contains more than the maximum")
    r = api.post(":batchUpdate", {"requests": [{"updateCells": {
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "z" * 50_001}}]}], "fields": "userEnteredValue",
        "start": {"sheetId": 0, "rowIndex": 2, "columnIndex": 0}}}]})
    assert_error(r, 400, "INVALID_ARGUMENT", "maximum of 50000 characters")


def test_get_by_data_filter_answers_the_sheets_cells_and_tags_selected(api):
    # spreadsheets.getByDataFilter: "the list of metadata matched by the specified data filters
    # determines what sheets, grid data, and other object resources with metadata are returned."
    api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "Other", "sheetId": 5}}}]})
    api.write("Sheet1!A1:B2", [["Email", "Notes"], ["ann@x.org", "hi"]])
    email = tag(api, "actnet.column", "Email", column=0)
    body = api.post(":getByDataFilter", {"dataFilters": [{"a1Range": "Sheet1!A1:B2"}], "includeGridData": True},
                    fields="sheets(properties(sheetId,title),data(startColumn,rowData(values(formattedValue)),"
                           "columnMetadata(developerMetadata(metadataId))))").json()
    assert body == {"sheets": [{"properties": {"sheetId": 0, "title": "Sheet1"}, "data": [{
        "startColumn": 0,
        "rowData": [{"values": [{"formattedValue": "Email"}, {"formattedValue": "Notes"}]},
                    {"values": [{"formattedValue": "ann@x.org"}, {"formattedValue": "hi"}]}],
        "columnMetadata": [{"developerMetadata": [{"metadataId": email["metadataId"]}]}, {}]}]}]}

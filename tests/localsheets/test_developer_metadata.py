"""Developer metadata: created, found, changed and deleted as Google's reference says,
and moving with its row or column.

https://developers.google.com/sheets/api/guides/metadata
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.developerMetadata
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request#createdevelopermetadatarequest
"""
from tests.localsheets.test_errors import assert_error


def batch(api, *requests_, status=200):
    r = api.post(":batchUpdate", {"requests": list(requests_)})
    assert r.status_code == status, r.text
    return r.json()


def tag(api, key, value=None, *, row=None, column=None, sheet=None, metadata_id=None, sheet_id=0):
    if row is not None:
        location = {"dimensionRange": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": row, "endIndex": row + 1}}
    elif column is not None:
        location = {"dimensionRange": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": column,
                                       "endIndex": column + 1}}
    elif sheet is not None:
        location = {"sheetId": sheet}
    else:
        location = {"spreadsheet": True}
    metadata = {"metadataKey": key, "location": location, "visibility": "DOCUMENT"}
    if value is not None:
        metadata["metadataValue"] = value
    if metadata_id is not None:
        metadata["metadataId"] = metadata_id
    body = batch(api, {"createDeveloperMetadata": {"developerMetadata": metadata}})
    return body["replies"][0]["createDeveloperMetadata"]["developerMetadata"]


def where(api, metadata_id):
    return api.get(f"/developerMetadata/{metadata_id}").json()["location"]


def row_of(api, metadata_id):
    return where(api, metadata_id)["dimensionRange"]["startIndex"]


def column_of(api, metadata_id):
    return where(api, metadata_id)["dimensionRange"]["startIndex"]


def test_create_answers_the_metadata_with_its_id_and_location_type(api):
    # The guide's "Create metadata" example: a key, a value and a row.
    created = tag(api, "Sales", "2022", row=6)
    assert created["metadataId"] > 0
    assert created == {"metadataId": created["metadataId"], "metadataKey": "Sales", "metadataValue": "2022",
                       "location": {"locationType": "ROW", "dimensionRange": {
                           "sheetId": 0, "dimension": "ROWS", "startIndex": 6, "endIndex": 7}},
                       "visibility": "DOCUMENT"}
    assert api.get(f"/developerMetadata/{created['metadataId']}").json() == created


def test_get_of_an_unknown_id_is_404(api):
    # The guide: "You should receive a 404: Not Found ... No developer metadata with ID".
    assert_error(api.get("/developerMetadata/4242"), 404, "NOT_FOUND", "No developer metadata with ID 4242")


def test_create_refuses_what_google_refuses(api):
    def refused(metadata, fragment):
        r = api.post(":batchUpdate", {"requests": [{"createDeveloperMetadata": {"developerMetadata": metadata}}]})
        assert_error(r, 400, "INVALID_ARGUMENT", fragment)

    row = {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}
    refused({"location": row, "visibility": "DOCUMENT"}, "must always have a key specified")
    refused({"metadataKey": "k", "location": row}, "must always have visibility specified")
    refused({"metadataKey": "k", "visibility": "DOCUMENT"}, "must always have a location specified")
    # DeveloperMetadataLocation.dimensionRange: "must represent a single row or column; it
    # cannot be unbounded or span multiple rows or columns."
    refused({"metadataKey": "k", "visibility": "DOCUMENT", "location": {"dimensionRange": {
        "sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}}, "must represent a single row or column")
    refused({"metadataKey": "k", "visibility": "DOCUMENT", "location": {"dimensionRange": {
        "sheetId": 0, "dimension": "ROWS", "startIndex": 1}}}, "both a startIndex and an endIndex")
    refused({"metadataKey": "k", "visibility": "DOCUMENT", "location": {"sheetId": 99}}, "No grid with id: 99")
    # "If you specify an ID that's already in use, the request will be unsuccessful."
    tag(api, "first", row=1, metadata_id=77)
    refused({"metadataKey": "k", "visibility": "DOCUMENT", "location": row, "metadataId": 77}, "already exists")


def test_a_failed_request_leaves_nothing_of_its_batch(api):
    r = api.post(":batchUpdate", {"requests": [
        {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "kept?", "visibility": "DOCUMENT",
                                                           "location": {"sheetId": 0}}}},
        {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "bad", "location": {"sheetId": 0}}}}]})
    assert r.status_code == 400
    found = api.post("/developerMetadata:search", {"dataFilters": [{"developerMetadataLookup": {}}]}).json()
    assert found == {}


def test_the_storage_limit_of_a_sheet(api):
    # guides/metadata#metadata_storage_limits: 30,000 characters for each sheet,
    # counting every character of metadataKey and metadataValue.
    tag(api, "k" * 10_000, "v" * 19_999, row=1)
    r = api.post(":batchUpdate", {"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": "kk", "visibility": "DOCUMENT", "location": {"dimensionRange": {
            "sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}}}}]})
    assert_error(r, 400, "INVALID_ARGUMENT", "over the limit of 30000 characters")
    tag(api, "k")  # the spreadsheet has its own 30,000


def test_search_by_key_value_location_and_id(api):
    # spreadsheets.developerMetadata/search with DeveloperMetadataLookup criteria.
    a = tag(api, "actnet.column", "Email", column=0)
    b = tag(api, "actnet.column", "Notes", column=3)
    c = tag(api, "other", row=4)

    def found(*lookups):
        body = api.post("/developerMetadata:search",
                        {"dataFilters": [{"developerMetadataLookup": lookup} for lookup in lookups]}).json()
        return [m["developerMetadata"]["metadataId"] for m in body.get("matchedDeveloperMetadata", [])]

    assert found({"metadataKey": "actnet.column"}) == [a["metadataId"], b["metadataId"]]
    assert found({"metadataKey": "actnet.column", "metadataValue": "Notes"}) == [b["metadataId"]]
    assert found({"metadataId": c["metadataId"]}) == [c["metadataId"]]
    assert found({"locationType": "ROW"}) == [c["metadataId"]]
    # INTERSECTING (the default): a sheet location reaches the rows and columns on it; EXACT only the sheet's own.
    assert len(found({"metadataLocation": {"sheetId": 0}})) == 3
    assert found({"metadataLocation": {"sheetId": 0}, "locationMatchingStrategy": "EXACT_LOCATION"}) == []
    column_d = {"dimensionRange": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 3, "endIndex": 4}}
    assert found({"metadataLocation": column_d, "locationMatchingStrategy": "EXACT_LOCATION"}) == [b["metadataId"]]
    # Several filters: each tag once, with the filters that matched it.
    body = api.post("/developerMetadata:search", {"dataFilters": [
        {"developerMetadataLookup": {"metadataKey": "actnet.column"}},
        {"developerMetadataLookup": {"metadataValue": "Email"}}]}).json()
    assert [len(m["dataFilters"]) for m in body["matchedDeveloperMetadata"]] == [2, 1]


def test_a_lookup_asking_a_strategy_without_a_location_is_400(api):
    r = api.post("/developerMetadata:search", {"dataFilters": [{"developerMetadataLookup": {
        "metadataKey": "k", "locationMatchingStrategy": "EXACT_LOCATION"}}]})
    assert_error(r, 400, "INVALID_ARGUMENT", "a metadataLocation must also be specified")


def test_update_changes_the_fields_named_and_delete_answers_what_it_deleted(api):
    # The guide's "Update metadata" and "Delete metadata" examples.
    created = tag(api, "Sales", "2022", sheet=0)
    lookup = {"developerMetadataLookup": {"metadataId": created["metadataId"]}}
    body = batch(api, {"updateDeveloperMetadata": {"dataFilters": [lookup], "developerMetadata": {
        "location": {"sheetId": 0}, "metadataKey": "SalesUpdated"}, "fields": "location,metadataKey"}})
    updated = body["replies"][0]["updateDeveloperMetadata"]["developerMetadata"]
    assert [(m["metadataKey"], m["metadataValue"]) for m in updated] == [("SalesUpdated", "2022")]
    body = batch(api, {"deleteDeveloperMetadata": {"dataFilter": lookup}})
    assert [m["metadataKey"] for m in body["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]] == [
        "SalesUpdated"]
    assert api.get(f"/developerMetadata/{created['metadataId']}").status_code == 404
    # Deleting what is no longer there matches nothing and is no error.
    assert batch(api, {"deleteDeveloperMetadata": {"dataFilter": lookup}})["replies"] == [
        {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": []}}]


def test_tags_move_with_inserted_and_deleted_rows_and_columns(api):
    # The resource page: "if developer metadata is associated with row 5 and another row is then
    # subsequently inserted above row 5, that original metadata will still be associated with the
    # row it was first associated with (what is now row 6). If the associated object is deleted its
    # metadata is deleted too."
    row5 = tag(api, "r", row=4)["metadataId"]
    column_c = tag(api, "c", column=2)["metadataId"]
    batch(api, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}},
          {"insertDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2}}})
    assert row_of(api, row5) == 5 and column_of(api, column_c) == 4
    batch(api, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3}}})
    assert row_of(api, row5) == 3
    batch(api, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 4, "endIndex": 5}}})
    assert api.get(f"/developerMetadata/{column_c}").status_code == 404


def test_values_append_inserting_rows_moves_the_tags_below(api):
    api.write("Sheet1!A1:A3", [["h"], ["a"], ["b"]])
    below = tag(api, "below", row=5)["metadataId"]
    r = api.post("/values/Sheet1!A1:append", {"values": [["c"], ["d"]]}, valueInputOption="RAW",
                 insertDataOption="INSERT_ROWS")
    assert r.status_code == 200
    assert row_of(api, below) == 7


def test_tags_move_with_move_dimension(api):
    # https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request#movedimensionrequest
    # destinationIndex is read "based on the coordinates *before* the source data is removed".
    api.write("Sheet1!A1:D2", [["a", "b", "c", "d"], ["1", "2", "3", "4"]])
    on_a = tag(api, "a", column=0)["metadataId"]
    on_c = tag(api, "c", column=2)["metadataId"]
    batch(api, {"moveDimension": {"source": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                                  "destinationIndex": 3}})
    assert api.values("Sheet1!A1:D2")["values"] == [["b", "c", "a", "d"], ["2", "3", "1", "4"]]
    assert column_of(api, on_a) == 2 and column_of(api, on_c) == 1
    on_row = tag(api, "row", row=1)["metadataId"]
    batch(api, {"moveDimension": {"source": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2},
                                  "destinationIndex": 0}})
    assert api.values("Sheet1!A1:D2")["values"] == [["2", "3", "1", "4"], ["b", "c", "a", "d"]]
    assert row_of(api, on_row) == 0


def test_row_tags_move_with_a_sort(api):
    # A sortRange reorders rows; a row's tag goes where its values go.
    api.write("Sheet1!A1:B4", [["Email", "n"], ["cy@x.org", "1"], ["ann@x.org", "2"], ["bob@x.org", "3"]])
    on_cy = tag(api, "cy", row=1)["metadataId"]
    on_ann = tag(api, "ann", row=2)["metadataId"]
    batch(api, {"sortRange": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 4},
                              "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}]}})
    assert api.values("Sheet1!A2:A4")["values"] == [["ann@x.org"], ["bob@x.org"], ["cy@x.org"]]
    assert row_of(api, on_ann) == 1 and row_of(api, on_cy) == 3


def test_grid_data_shows_tags_in_row_and_column_metadata(api):
    # GridData.rowMetadata / columnMetadata: DimensionProperties.developerMetadata.
    created = tag(api, "actnet.column", "Email", column=1)
    sheet = api.get(includeGridData="true", ranges="Sheet1!A1:C1").json()["sheets"][0]
    columns = sheet["data"][0]["columnMetadata"]
    assert len(columns) == 3 and "developerMetadata" not in columns[0]
    assert columns[1]["developerMetadata"] == [created]
    on_sheet = tag(api, "whole", sheet=0)
    assert api.get().json()["sheets"][0]["developerMetadata"] == [on_sheet]

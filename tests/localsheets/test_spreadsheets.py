"""spreadsheets.create / get / batchUpdate, in Google's shapes."""
import requests


def test_create_and_get(localsheets):
    # https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/create
    r = requests.post(f"{localsheets.url}/v4/spreadsheets", json={"properties": {"title": "Network"}}, timeout=5)
    body = r.json()
    assert body["properties"]["title"] == "Network"
    sheet = body["sheets"][0]["properties"]
    assert sheet == {"sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID",
                     "gridProperties": {"rowCount": 1000, "columnCount": 26}}
    again = requests.get(f"{localsheets.url}/v4/spreadsheets/{body['spreadsheetId']}",
                         params={"includeGridData": "false"}, timeout=5).json()
    assert again["sheets"] == body["sheets"]


def test_add_rename_freeze_and_delete_sheets(api):
    # https://developers.google.com/sheets/api/samples/sheet
    r = api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "Members"}}}]}).json()
    new_id = r["replies"][0]["addSheet"]["properties"]["sheetId"]
    api.post(":batchUpdate", {"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": new_id, "title": "People", "gridProperties": {"frozenRowCount": 1}},
        "fields": "title,gridProperties.frozenRowCount"}}]})
    props = api.get().json()["sheets"][1]["properties"]
    assert props["title"] == "People" and props["gridProperties"]["frozenRowCount"] == 1
    assert props["gridProperties"]["rowCount"] == 1000
    dup = api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "people"}}}]})
    assert dup.status_code == 400 and "already exists" in dup.json()["error"]["message"]
    api.post(":batchUpdate", {"requests": [{"deleteSheet": {"sheetId": new_id}}]})
    assert [s["properties"]["title"] for s in api.get().json()["sheets"]] == ["Sheet1"]
    last = api.post(":batchUpdate", {"requests": [{"deleteSheet": {"sheetId": 0}}]})
    assert last.status_code == 400


def test_batch_update_is_atomic(api):
    r = api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "Fine"}}},
                                                 {"deleteSheet": {"sheetId": 999}}]})
    assert r.status_code == 400 and "No grid with id: 999" in r.json()["error"]["message"]
    assert [s["properties"]["title"] for s in api.get().json()["sheets"]] == ["Sheet1"]


def test_insert_append_and_delete_dimensions(api):
    # https://developers.google.com/sheets/api/samples/rowcolumn
    api.write("Sheet1!A1:C1", [["a", "b", "c"]])
    api.post(":batchUpdate", {"requests": [
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}}},
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 10}},
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 500, "endIndex": 510}}}]})
    assert api.values("Sheet1!A1:D1")["values"] == [["a", "", "b", "c"]]
    grid = api.get().json()["sheets"][0]["properties"]["gridProperties"]
    assert grid == {"rowCount": 1000, "columnCount": 27}


def test_protected_ranges_validation_notes_and_formats_are_kept(api):
    # https://developers.google.com/sheets/api/samples/data#add_a_protected_range
    rng = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 2}
    r = api.post(":batchUpdate", {"requests": [
        {"addProtectedRange": {"protectedRange": {"range": rng, "description": "app", "warningOnly": True}}},
        {"setDataValidation": {"range": {**rng, "startRowIndex": 1, "endRowIndex": 3}, "rule": {
            "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Email"}]}, "strict": True,
            "showCustomUi": True}}},
        {"updateCells": {"rows": [{"values": [{"note": "the key"}]}], "fields": "note",
                         "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}}},
        {"repeatCell": {"range": rng, "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}}]})
    assert r.status_code == 200, r.text
    protected = r.json()["replies"][0]["addProtectedRange"]["protectedRange"]
    assert protected["warningOnly"] and protected["protectedRangeId"] >= 1
    meta = api.get().json()["sheets"][0]
    assert meta["protectedRanges"][0]["description"] == "app"
    api.write("Sheet1!A1", [["Email"]])
    grid = api.get(includeGridData="true", ranges="Sheet1!A1:B2").json()["sheets"][0]["data"][0]
    first = grid["rowData"][0]["values"][0]
    assert first["note"] == "the key" and first["formattedValue"] == "Email"
    assert first["userEnteredFormat"]["textFormat"]["bold"] is True
    assert grid["rowData"][1]["values"][0]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"


def test_unknown_request_kind_is_400(api):
    r = api.post(":batchUpdate", {"requests": [{"doMagic": {}}]})
    assert r.status_code == 400 and "Unknown name" in r.json()["error"]["message"]


def test_data_persists_across_restarts(tmp_path):
    from localsheets.server import create_app

    first = create_app(tmp_path).test_client()
    sid = first.post("/v4/spreadsheets", json={}).get_json()["spreadsheetId"]
    first.put(f"/v4/spreadsheets/{sid}/values/A1?valueInputOption=RAW", json={"values": [["kept"]]})
    second = create_app(tmp_path).test_client()
    assert second.get(f"/v4/spreadsheets/{sid}/values/A1").get_json()["values"] == [["kept"]]


def test_html_view_shows_each_tab(localsheets, api):
    api.write("Sheet1!A1:B2", [["Email", "Name"], ["ann@example.org", "Ann"]])
    index = requests.get(localsheets.url + "/", timeout=5).text
    assert api.sid in index
    page = requests.get(f"{localsheets.url}/view/{api.sid}?tab=Sheet1", timeout=5).text
    assert "ann@example.org" in page and '<table class="grid"' in page


def test_fields_selects_parts_of_the_response(api):
    # https://developers.google.com/sheets/api/guides/field-masks
    body = api.get(fields="sheets(properties(sheetId,title)),spreadsheetId").json()
    assert body == {"sheets": [{"properties": {"sheetId": 0, "title": "Sheet1"}}], "spreadsheetId": api.sid}
    assert api.get(fields="properties.title").json() == {"properties": {"title": "actnet test"}}
    assert api.get(fields="sheets/properties/gridProperties/rowCount").json() == {
        "sheets": [{"properties": {"gridProperties": {"rowCount": 1000}}}]}


def test_a_workbook_cannot_grow_past_ten_million_cells(api):
    # https://support.google.com/docs/answer/37603 (up to 10 million cells per spreadsheet)
    r = api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {
        "title": "Huge", "gridProperties": {"rowCount": 100_000, "columnCount": 100}}}}]})
    assert r.status_code == 400
    assert "above the limit of 10000000 cells" in r.json()["error"]["message"]
    assert [s["properties"]["title"] for s in api.get().json()["sheets"]] == ["Sheet1"]

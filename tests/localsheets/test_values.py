"""spreadsheets.values.*: cases from Google's reference and samples pages."""
import pytest


def test_read_a_single_range(api):
    # https://developers.google.com/sheets/api/samples/reading#read_a_single_range
    api.write("Sheet1!A1:D5", [["Item", "Cost", "Stocked", "Ship Date"],
                               ["Wheel", "$20.50", "4", "3/1/2016"],
                               ["Door", "$15", "2", "3/15/2016"],
                               ["Engine", "$100", "1", "3/20/2016"],
                               ["Totals", "$135.5", "7", "3/20/2016"]])
    body = api.values("Sheet1!A1:D5")
    assert body["range"] == "Sheet1!A1:D5"
    assert body["majorDimension"] == "ROWS"
    assert body["values"][0] == ["Item", "Cost", "Stocked", "Ship Date"]
    assert body["values"][2] == ["Door", "$15", "2", "3/15/2016"]


def test_read_columns_major(api):
    # https://developers.google.com/sheets/api/samples/reading#read_a_single_range_grouped_by_column
    api.write("Sheet1!A1:D3", [["Item", "Cost", "Stocked", "Ship Date"],
                               ["Wheel", "20.5", "4", "3/1/2016"], ["Door", "15", "2", "3/15/2016"]])
    body = api.values("Sheet1!B1:D3", majorDimension="COLUMNS")
    assert body["majorDimension"] == "COLUMNS"
    assert body["values"] == [["Cost", "20.5", "15"], ["Stocked", "4", "2"], ["Ship Date", "3/1/2016", "3/15/2016"]]


def test_trailing_empty_rows_and_cells_are_trimmed(api):
    api.write("Sheet1!A1:C4", [["a", "", ""], ["", "", ""], ["", "b", ""], ["", "", ""]])
    assert api.values("Sheet1!A1:C10")["values"] == [["a"], [], ["", "b"]]
    assert "values" not in api.values("Sheet1!E1:F5")


def test_render_options(api):
    # https://developers.google.com/sheets/api/reference/rest/v4/ValueRenderOption
    # "if A1 is 1.23 and A2 is =A1 and formatted as currency, then A2 would return "$1.23"",
    # the number 1.23 unformatted, and "=A1" as FORMULA.
    api.write("Sheet1!A1:E1", [["1,234", "12%", "TRUE", "2026-01-02", "=A1*2"]])
    assert api.values("Sheet1!A1:E1")["values"] == [["1,234", "12%", "TRUE", "2026-01-02", "2,468"]]
    assert api.values("Sheet1!A1:E1", valueRenderOption="UNFORMATTED_VALUE")["values"] == [
        [1234, 0.12, True, 46024, 2468]]
    assert api.values("Sheet1!E1", valueRenderOption="FORMULA")["values"] == [["=A1*2"]]
    api.write("Sheet1!A2:A3", [["$1.23"], ["=A2"]])
    assert api.values("Sheet1!A3")["values"] == [["$1.23"]]
    assert api.values("Sheet1!A3", valueRenderOption="UNFORMATTED_VALUE")["values"] == [[1.23]]
    assert api.values("Sheet1!A3", valueRenderOption="FORMULA")["values"] == [["=A2"]]


def test_raw_input_stores_text_as_given(api):
    # https://developers.google.com/sheets/api/reference/rest/v4/ValueInputOption
    api.write("Sheet1!A1:C1", [["=1+2", "0042", "'quoted"]], option="RAW")
    assert api.values("Sheet1!A1:C1", valueRenderOption="UNFORMATTED_VALUE")["values"] == [["=1+2", "0042", "'quoted"]]


def test_user_entered_quote_prefix_forces_text(api):
    api.write("Sheet1!A1:B1", [["'=1+2", "'0042"]])
    assert api.values("Sheet1!A1:B1", valueRenderOption="FORMULA")["values"] == [["=1+2", "0042"]]


@pytest.mark.parametrize("rng, expected", [
    ("'My sheet'!A2:C", "'My sheet'!A2:C1000"),
    ("'It''s here'!B:B", "'It''s here'!B1:B1000"),
    ("'My sheet'!2:3", "'My sheet'!A2:Z3"),
    ("'My sheet'", "'My sheet'!A1:Z1000"),
    ("A1:B2", "Sheet1!A1:B2"),
    ("Sheet1!C3", "Sheet1!C3"),
])
def test_a1_notation(api, rng, expected):
    r = api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "My sheet"}}},
                                                 {"addSheet": {"properties": {"title": "It's here"}}}]})
    assert r.status_code == 200, r.text
    body = api.values(rng)
    assert body["range"] == expected


def test_update_response_shape(api):
    # https://developers.google.com/sheets/api/samples/writing#write_a_single_range
    body = api.write("Sheet1!A1:D5", [["Item", "Cost"], ["Wheel", "$20.50"]])
    assert body == {"spreadsheetId": api.sid, "updatedRange": "Sheet1!A1:B2", "updatedRows": 2,
                    "updatedColumns": 2, "updatedCells": 4}


def test_update_null_skips_and_empty_string_clears(api):
    # ValueRange.values: "null values will be skipped. To set a cell to an empty value, set the string value to an empty string."
    api.write("Sheet1!A1:C1", [["a", "b", "c"]])
    api.write("Sheet1!A1:C1", [[None, "", "z"]])
    assert api.values("Sheet1!A1:C1")["values"] == [["a", "", "z"]]


def test_batch_update_multiple_ranges(api):
    # https://developers.google.com/sheets/api/samples/writing#write_to_multiple_ranges
    r = api.post("/values:batchUpdate", {"valueInputOption": "USER_ENTERED", "data": [
        {"range": "Sheet1!A1:A4", "majorDimension": "COLUMNS", "values": [["Item", "Wheel", "Door", "Engine"]]},
        {"range": "Sheet1!B1:D2", "majorDimension": "ROWS", "values": [["Cost", "Stocked", "Ship Date"],
                                                                        ["$20.50", "4", "3/1/2016"]]}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["totalUpdatedCells"] == 10 and body["totalUpdatedSheets"] == 1
    assert [x["updatedRange"] for x in body["responses"]] == ["Sheet1!A1:A4", "Sheet1!B1:D2"]
    assert api.values("Sheet1!A1:D2")["values"] == [["Item", "Cost", "Stocked", "Ship Date"],
                                                    ["Wheel", "$20.50", "4", "3/1/2016"]]


def test_batch_get(api):
    # https://developers.google.com/sheets/api/samples/reading#read_multiple_ranges
    api.write("Sheet1!A1:B2", [["a", "b"], ["c", "d"]])
    body = api.get("/values:batchGet", ranges=["Sheet1!A1:A2", "Sheet1!B1:B2"]).json()
    assert [vr["values"] for vr in body["valueRanges"]] == [[["a"], ["c"]], [["b"], ["d"]]]


def test_append_after_the_table(api):
    # https://developers.google.com/sheets/api/samples/writing#append_values
    api.write("Sheet1!A1:B3", [["Item", "Cost"], ["Wheel", "1"], ["Door", "2"]])
    r = api.post("/values/Sheet1!A1:E1:append", {"values": [["Engine", "3"], ["Totals", "6"]]},
                 valueInputOption="USER_ENTERED")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tableRange"] == "Sheet1!A1:B3"
    assert body["updates"]["updatedRange"] == "Sheet1!A4:B5"
    assert api.values("Sheet1!A1:B")["values"][-2:] == [["Engine", "3"], ["Totals", "6"]]


def test_append_to_an_empty_sheet_has_no_table_range(api):
    body = api.post("/values/Sheet1:append", {"values": [["x"]]}, valueInputOption="RAW").json()
    assert "tableRange" not in body
    assert body["updates"]["updatedRange"] == "Sheet1!A1"


def test_append_insert_rows_shifts_what_is_below(api):
    # InsertDataOption.INSERT_ROWS: "Rows are inserted for the new data."
    api.write("Sheet1!A1:A2", [["h"], ["1"]])
    api.write("Sheet1!A4", [["below"]])
    api.post("/values/Sheet1!A1:A2:append", {"values": [["2"]]}, valueInputOption="RAW",
             insertDataOption="INSERT_ROWS")
    assert api.values("Sheet1!A1:A5")["values"] == [["h"], ["1"], ["2"], [], ["below"]]
    grid = api.get().json()["sheets"][0]["properties"]["gridProperties"]
    assert grid["rowCount"] == 1001


def test_append_grows_the_grid(api):
    api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "Small", "gridProperties":
                                                                          {"rowCount": 2, "columnCount": 2}}}}]})
    api.post("/values/Small:append", {"values": [["a", "b", "c"]] * 3}, valueInputOption="RAW")
    grid = [s for s in api.get().json()["sheets"] if s["properties"]["title"] == "Small"][0]["properties"]["gridProperties"]
    assert grid["rowCount"] == 3 and grid["columnCount"] == 3


def test_clear_and_batch_clear_keep_other_cells(api):
    api.write("Sheet1!A1:C2", [["a", "b", "c"], ["d", "e", "f"]])
    assert api.post("/values/Sheet1!A1:A2:clear").json()["clearedRange"] == "Sheet1!A1:A2"
    r = api.post("/values:batchClear", {"ranges": ["Sheet1!C1", "Sheet1!B2"]}).json()
    assert r["clearedRanges"] == ["Sheet1!C1", "Sheet1!B2"]
    assert api.values("Sheet1!A1:C2")["values"] == [["", "b"], ["", "", "f"]]


@pytest.mark.parametrize("typed, unformatted", [
    ("$20.50", 20.5), ("-$5", -5), ("$1,234", 1234), ("1/2/2026", 46024), ("2026/01/02", 46024),
    ("Jan 2, 2026", 46024), ("January 2 2026", 46024), ("12:00", 0.5), ("6:00 PM", 0.75),
    ("2026-01-02 12:00", 46024.5), ("13/45/2026", "13/45/2026"), ("$abc", "$abc"), ("25:00", "25:00"),
])
def test_user_entered_numbers_dates_and_times(api, typed, unformatted):
    # https://developers.google.com/sheets/api/guides/formats (dates are serial numbers from 1899-12-30)
    api.write("Sheet1!A1", [[typed]])
    assert api.values("Sheet1!A1", valueRenderOption="UNFORMATTED_VALUE")["values"] == [[unformatted]]
    assert api.values("Sheet1!A1")["values"] == [[typed]]  # shown as typed


def test_batch_update_is_all_or_nothing(api):
    # A batch is applied whole or not at all: the bad second range leaves the first unwritten.
    r = api.post("/values:batchUpdate", {"valueInputOption": "RAW", "data": [
        {"range": "Sheet1!A1", "values": [["kept out"]]}, {"range": "Nowhere!A1", "values": [["x"]]}]})
    assert r.status_code == 400 and "Unable to parse range: Nowhere!A1" in r.json()["error"]["message"]
    assert "values" not in api.values("Sheet1!A1")

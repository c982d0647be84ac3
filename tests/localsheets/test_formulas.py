"""Formulas computed as Google computes them, each case beside the Google help page it follows.

FORMATTED_VALUE and UNFORMATTED_VALUE give the result, FORMULA the text
(https://developers.google.com/sheets/api/reference/rest/v4/ValueRenderOption).
"""
import datetime as dt

import pytest

HELP = "https://support.google.com/docs/answer/"

# A small network sheet: what the formulas below read.
SHEET = [["Name", "Email", "Actions", "Joined", "Status"],
         ["Ann Lee", "ANN@Example.org", "3", "1/2/2026", "subscribed"],
         ["  Bob   Diaz ", "bob@example.org", "", "2026-03-01", "unsubscribed"],
         ["Cat", "cat@example.org", "4", "Jan 5, 2026", "subscribed"],
         ["Dev", "", "x", "", "TRUE"]]


def result(api, formula, setup=SHEET):
    api.write("Sheet1!A1", setup)
    api.write("Sheet1!H1", [[formula]])
    shown = api.values("Sheet1!H1").get("values", [[""]])[0][0]
    raw = api.values("Sheet1!H1", valueRenderOption="UNFORMATTED_VALUE").get("values", [[""]])[0][0]
    text = api.values("Sheet1!H1", valueRenderOption="FORMULA")["values"][0][0]
    return shown, raw, text


CASES = [
    # (help page, formula, FORMATTED_VALUE, UNFORMATTED_VALUE)
    ("3093669", "=SUM(C2:C5)", "7", 7),  # text and blanks in a range are skipped
    ("3093669", "=SUM(C2, 10, \"5\")", "18", 18),  # a number typed as text, given directly, is added
    ("3093669", "=SUM(C2:C5, A2)", "#VALUE!", "#VALUE!"),  # …but a word given directly is not a number
    ("3093620", "=COUNT(C2:C5)", "2", 2),
    ("3093620", "=COUNT(D2:D5)", "3", 3),  # dates are numbers
    ("3093991", "=COUNTA(B2:B5)", "3", 3),
    ("3093991", "=COUNTA(A1:E5)", "22", 22),
    ("3093480", "=COUNTIF(E2:E5, \"subscribed\")", "2", 2),
    ("3093480", "=COUNTIF(E2:E5, \"SUB*\")", "2", 2),  # wildcards, without regard to case
    ("3093480", "=COUNTIF(C2:C5, \">3\")", "1", 1),
    ("3093480", "=COUNTIF(B2:B5, \"\")", "1", 1),  # "" counts the empty cells
    ("3093480", "=COUNTIF(B2:B5, \"<>\")", "3", 3),
    ("3093480", "=COUNTIF(A2:A5, \"<>Cat\")", "3", 3),
    ("3093364", "=IF(C2>2, \"active\", \"quiet\")", "active", "active"),
    ("3093364", "=IF(C3, \"some\", \"none\")", "none", "none"),  # a blank is FALSE
    ("3093364", "=IF(C4>5, \"many\")", "FALSE", False),  # no third argument: FALSE
    ("3093364", "=IF(TRUE, \"safe\", 1/0)", "safe", "safe"),  # the branch not taken is not computed
    ("3093364", "=IF(\"maybe\", 1, 2)", "#VALUE!", "#VALUE!"),
    ("3093301", "=AND(C2>1, C4>1)", "TRUE", True),
    ("3093301", "=AND(A2:A5)", "#VALUE!", "#VALUE!"),  # only text: no logical values to test
    ("3093306", "=OR(C2>5, E5)", "TRUE", True),
    ("3094123", "=CONCATENATE(A4, \" <\", B4, \">\")", "Cat <cat@example.org>", "Cat <cat@example.org>"),
    ("3094123", "=CONCATENATE(C2:C4)", "34", "34"),
    ("3094083", "=LOWER(B2)", "ann@example.org", "ann@example.org"),
    ("3094219", "=UPPER(A4)", "CAT", "CAT"),
    ("3094140", "=TRIM(A3)", "Bob Diaz", "Bob Diaz"),  # inner runs of spaces become one
    ("3094081", "=LEN(A3)", "13", 13),
    ("3094081", "=LEN(C2)", "1", 1),
    ("3094079", "=LEFT(A2)", "A", "A"),
    ("3094079", "=LEFT(A2, 3)", "Ann", "Ann"),
    ("3094079", "=LEFT(A2, -1)", "#VALUE!", "#VALUE!"),
    ("3094087", "=RIGHT(B4, 11)", "example.org", "example.org"),
    ("3094129", "=MID(B3, 5, 7)", "example", "example"),
    ("3094129", "=MID(B3, 0, 1)", "#VALUE!", "#VALUE!"),
    ("3092969", "=DATE(2026, 11, 3)", "11/3/2026", 46329),
    ("3092969", "=DATE(2026, 13, 1)", "1/1/2027", 46388),  # months past 12 roll into the next year
    ("3092969", "=DATE(2026, 3, 0)", "2/28/2026", 46081),  # day 0 is the month's eve
    ("3092969", "=D2+7", "1/9/2026", 46031),  # a date plus days is a date
    ("3092969", "=D3-D2", "58", 58),  # a date minus a date is a number of days
    ("3093313", "=HYPERLINK(\"https://example.org/act\", \"Act now\")", "Act now", "Act now"),
    ("3093313", "=HYPERLINK(\"https://example.org/act\")", "https://example.org/act", "https://example.org/act"),
    # Operators: https://support.google.com/docs/answer/46977 and the ADD/CONCAT/EQ pages.
    ("3093590", "=C2+C4*2", "11", 11),
    ("3093590", "=(C2+C4)*2", "14", 14),
    ("3093590", "=-2^2", "4", 4),
    ("3093590", "=1/3", "0.3333333333", 1 / 3),
    ("3093590", "=C2+\"2\"", "5", 5),  # text that reads as a number is one
    ("3093590", "=A2+1", "#VALUE!", "#VALUE!"),
    ("3093592", "=A4&\"@\"&\"example.org\"", "Cat@example.org", "Cat@example.org"),
    ("3093592", "=C2&\"x\"", "3x", "3x"),
    ("3093592", "=\"a\"=\"A\"", "TRUE", True),  # text compares without regard to case
    ("3093592", "=C2<\"a\"", "TRUE", True),  # any number sorts before any text
    ("3093592", "=C2<>3", "FALSE", False),
    ("3093592", "=B5=\"\"", "TRUE", True),  # an empty cell equals ""
]


@pytest.mark.parametrize("page, formula, formatted, unformatted", CASES, ids=[c[1] for c in CASES])
def test_functions_and_operators(api, page, formula, formatted, unformatted):
    shown, raw, text = result(api, formula)
    assert (shown, raw) == (formatted, unformatted), HELP + page
    assert text == formula


ERRORS = [
    # https://support.google.com/docs/answer/3238305 (ERROR.TYPE) lists the error values.
    ("=FOO(1)", "#NAME?", "NAME", "Unknown function: 'FOO'."),  # a function not on the list…
    ("=VLOOKUP(1, A1:B2, 2)", "#NAME?", "NAME", "Unknown function: 'VLOOKUP'."),  # …is unknown
    ("=emails", "#NAME?", "NAME", "Unknown range name: 'EMAILS'."),
    ("='Deleted tab'!A1", "#REF!", "REF", "Unresolved sheet name 'Deleted tab'."),
    ("=H1+1", "#REF!", "REF", "Circular dependency detected. To resolve with iterative calculation, see File > "
                              "Settings."),
    ("=C2/0", "#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."),
    ("=C2/C3", "#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."),  # blank is 0
    ("=A2*2", "#VALUE!", "VALUE", "Function MULTIPLY parameter 1 expects number values. But 'Ann Lee' is a text "
                                  "and cannot be coerced to a number."),
    ("=SUM(1,", "#ERROR!", "ERROR", "Formula parse error."),
    ("=(1+2", "#ERROR!", "ERROR", "Formula parse error."),
    ("=LEN()", "#N/A", "N_A", "Wrong number of arguments to LEN. Expected 1 arguments, but got 0 arguments."),
    ("=C2/0+FOO()", "#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."),  # the first wins
    ("=LOWER(C2/0)", "#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."),  # errors pass on
]


@pytest.mark.parametrize("formula, shown, kind, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_show_as_google_shows_them(api, formula, shown, kind, message):
    got, raw, text = result(api, formula)
    assert (got, raw, text) == (shown, shown, formula)
    cell = api.get(includeGridData="true", ranges="Sheet1!H1").json()["sheets"][0]["data"][0]["rowData"][0]
    value = cell["values"][0]
    assert value["effectiveValue"] == {"errorValue": {"type": kind, "message": message}}
    assert value["formattedValue"] == shown and value["userEnteredValue"] == {"formulaValue": formula}


def serial(day):
    return (day - dt.date(1899, 12, 30)).days


def test_today_and_now_in_the_spreadsheets_time_zone(api):
    # https://support.google.com/docs/answer/3092984 (TODAY), 3092981 (NOW): the date and time
    # in the spreadsheet's time zone (a new spreadsheet's is GMT here).
    before = dt.datetime.now(dt.timezone.utc)
    api.write("Sheet1!A1:B1", [["=TODAY()", "=NOW()"]])
    today, now = api.values("Sheet1!A1:B1", valueRenderOption="UNFORMATTED_VALUE")["values"][0]
    shown = api.values("Sheet1!A1:B1")["values"][0]
    after = dt.datetime.now(dt.timezone.utc)
    assert today in {serial(before.date()), serial(after.date())}
    assert serial(before.date()) <= now < serial(after.date()) + 1
    day = dt.date(1899, 12, 30) + dt.timedelta(days=today)
    assert shown[0] == f"{day.month}/{day.day}/{day.year}"
    assert shown[1].startswith(f"{day.month}/{day.day}/{day.year} ") or shown[1].startswith(
        f"{after.month}/{after.day}/{after.year} ")


def test_references_reach_other_tabs_and_quoted_names(api):
    # https://support.google.com/docs/answer/46977 ("Sheet name!A1", quotes around names with spaces)
    api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"title": "Other tab"}}}]})
    api.write("'Other tab'!B3", [["7"]])
    api.write("Sheet1!A1:C1", [["='Other tab'!B3*2", "=SUM('Other tab'!B1:B10)", "=Sheet1!A1+1"]])
    assert api.values("Sheet1!A1:C1")["values"] == [["14", "7", "15"]]


def test_typed_formulas_are_kept_as_google_keeps_them(api):
    # Google capitalises function names and references as a formula is entered.
    api.write("Sheet1!A1:B1", [["2", "=sum(a1, 3) & \"x\""]])
    assert api.values("Sheet1!B1", valueRenderOption="FORMULA")["values"] == [["=SUM(A1, 3) & \"x\""]]
    assert api.values("Sheet1!B1")["values"] == [["5x"]]


def test_a_raw_formula_is_text(api):
    # ValueInputOption RAW: "The values the user has entered will not be parsed and will be stored as-is."
    api.write("Sheet1!A1", [["=1+2"]], option="RAW")
    assert api.values("Sheet1!A1")["values"] == [["=1+2"]]


def test_formulas_follow_inserted_and_deleted_rows_and_renamed_tabs(api):
    # Inserting rows above a reference moves it; deleting its row makes it #REF!; renaming a tab
    # renames it in formulas (https://support.google.com/docs/answer/46977).
    api.post(":batchUpdate", {"requests": [{"addSheet": {"properties": {"sheetId": 7, "title": "Totals"}}}]})
    api.write("Sheet1!A1:A3", [["1"], ["2"], ["3"]])
    api.write("Totals!A1:C1", [["=SUM(Sheet1!A1:A3)", "=Sheet1!A3", "=Sheet1!A2*10"]])
    api.post(":batchUpdate", {"requests": [
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}}}]})
    assert api.values("Totals!A1:C1", valueRenderOption="FORMULA")["values"] == [
        ["=SUM(Sheet1!A3:A5)", "=Sheet1!A5", "=Sheet1!A4*10"]]
    api.post(":batchUpdate", {"requests": [
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 3, "endIndex": 4}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "People"}, "fields": "title"}}]})
    assert api.values("Totals!A1:C1", valueRenderOption="FORMULA")["values"] == [
        ["=SUM(People!A3:A4)", "=People!A4", "=#REF!*10"]]
    assert api.values("Totals!A1:C1")["values"] == [["4", "3", "#REF!"]]


def test_a_sort_keeps_each_formula_on_its_own_row(api):
    api.write("Sheet1!A1:B3", [["5", "=A1*2"], ["1", "=A2*2"], ["3", "=A3*2"]])
    api.post(":batchUpdate", {"requests": [{"sortRange": {"range": {"sheetId": 0, "endRowIndex": 3},
                                                          "sortSpecs": [{"dimensionIndex": 0}]}}]})
    assert api.values("Sheet1!A1:B3")["values"] == [["1", "2"], ["3", "6"], ["5", "10"]]
    assert api.values("Sheet1!B1", valueRenderOption="FORMULA")["values"] == [["=A1*2"]]


def test_a_sort_uses_computed_values(api):
    api.write("Sheet1!A1:A3", [["=2*5"], ["=1+1"], ["7"]])
    api.post(":batchUpdate", {"requests": [{"sortRange": {"range": {"sheetId": 0, "endRowIndex": 3},
                                                          "sortSpecs": [{"dimensionIndex": 0}]}}]})
    assert api.values("Sheet1!A1:A3")["values"] == [["2"], ["7"], ["10"]]


def test_a_running_total_read_at_its_foot(api):
    # A column of =A2+B3-style running totals is common in a tally; reading only its last
    # cell must not run out of room to follow the chain.
    api.post(":batchUpdate", {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 2000}}]})
    rows = [["1", "=A1"]] + [["1", f"=B{i}+A{i + 1}"] for i in range(1, 3000)]
    api.write("Sheet1!A1", rows)
    assert api.values("Sheet1!B3000")["values"] == [["3000"]]

"""The grid page's own rules: one door with the API, Google's warning, loopback and its token."""
import html
import re

import pytest

from localsheets.server import create_app

HTMX = {"HX-Request": "true", "HX-Target": "app"}


@pytest.fixture
def sheets(tmp_path):
    app = create_app(tmp_path)
    client = app.test_client()
    sid = client.post("/v4/spreadsheets", json={"sheets": [{"properties": {
        "title": "Members", "gridProperties": {"frozenRowCount": 1}}}]}).get_json()["spreadsheetId"]
    client.put(f"/v4/spreadsheets/{sid}/values/Members!A1?valueInputOption=USER_ENTERED",
               json={"values": [["Email", "Name", "Id"], ["ann@example.org", "Ann", "m001"]]})
    token = re.search(r'name="token" value="([^"]+)"',
                      client.get(f"/view/{sid}?tab=Members&edit=A2").get_data(as_text=True))[1]
    return app, client, sid, token


def log(app):
    return [(e["method"], e["status"], e["via"]) for e in app.extensions["localsheets"]["log"].summary()["requests"]]


def values(client, sid, rng):
    return client.get(f"/v4/spreadsheets/{sid}/values/{rng}").get_json().get("values")


def test_a_typed_cell_is_a_values_update_logged_and_counted_like_the_apis(sheets):
    app, client, sid, token = sheets
    app.extensions["localsheets"]["log"].reset()
    r = client.post(f"/view/{sid}/cell", headers=HTMX,
                    data={"token": token, "tab": "Members", "at": "b3", "value": "=LOWER(\"BOB\")"})
    assert r.status_code == 200 and 'id="app"' in r.get_data(as_text=True)
    assert "Saved B3." in r.get_data(as_text=True)
    assert values(client, sid, "Members!B3") == [["bob"]]
    assert log(app)[0] == ("values.update", 200, "page")
    app.extensions["localsheets"]["faults"].update({"writes_per_minute": 1})
    again = client.post(f"/view/{sid}/cell", headers=HTMX,
                        data={"token": token, "tab": "Members", "at": "B4", "value": "x"}).get_data(as_text=True)
    assert "The sheet answered: Quota exceeded" in again  # the page's edits spend a quota, as the API's do
    assert values(client, sid, "Members!B4") is None


def test_a_warning_only_range_asks_before_the_edit(sheets):
    app, client, sid, token = sheets
    client.post(f"/v4/spreadsheets/{sid}:batchUpdate", json={"requests": [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": 0, "startColumnIndex": 2, "endColumnIndex": 3}, "description": "actnet: Members.Id",
        "warningOnly": True}}}]})
    form = {"token": token, "tab": "Members", "at": "C2", "value": "m999"}
    asked = client.post(f"/view/{sid}/cell", headers=HTMX, data=form).get_data(as_text=True)
    assert "Heads up!" in asked
    assert "This column is filled in by actnet (Members.Id); change it anyway?" in asked
    assert values(client, sid, "Members!C2") == [["m001"]]
    client.post(f"/view/{sid}/cell", headers=HTMX, data={**form, "confirm": "yes"})
    assert values(client, sid, "Members!C2") == [["m999"]]
    # Cells outside the range change without a word.
    plain = client.post(f"/view/{sid}/cell", headers=HTMX, data={**form, "at": "B2", "value": "Annie"})
    assert "Heads up!" not in plain.get_data(as_text=True)


def test_without_javascript_an_edit_redirects_back_to_the_tab(sheets):
    _, client, sid, token = sheets
    r = client.post(f"/view/{sid}/rows", data={"token": token, "tab": "Members", "row": "2", "op": "above"})
    assert r.status_code == 303
    assert r.headers["Location"].startswith(f"/view/{sid}?tab=Members")
    assert values(client, sid, "Members!A1:A3") == [["Email"], [], ["ann@example.org"]]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Inserted a row above row 2." in page and "3 rows with data" in page


def test_one_row_reads_one_row(sheets):
    _, client, sid, _ = sheets
    client.post(f"/v4/spreadsheets/{sid}/values/Members!A2:C2:clear")
    assert "1 row with data" in client.get(f"/view/{sid}").get_data(as_text=True)


def test_the_page_answers_only_this_machine_and_its_own_forms(sheets):
    _, client, sid, token = sheets
    form = {"token": token, "tab": "Members", "at": "B2", "value": "x"}
    assert client.get(f"/view/{sid}", environ_base={"REMOTE_ADDR": "192.168.1.20"}).status_code == 403
    assert client.post(f"/view/{sid}/cell", data={**form, "token": "guess"}).status_code == 403
    assert client.post(f"/view/{sid}/cell", data=form, headers={"Origin": "https://evil.example"}).status_code == 403
    assert values(client, sid, "Members!B2") == [["Ann"]]


def test_what_the_page_cannot_do_it_says_in_words(sheets):
    _, client, sid, token = sheets
    bad_cell = client.post(f"/view/{sid}/cell", headers=HTMX,
                           data={"token": token, "tab": "Members", "at": "row two", "value": "x"})
    assert "'row two' is not a cell; say which cell, like B3." in html.unescape(bad_cell.get_data(as_text=True))
    same_name = client.post(f"/view/{sid}/tabs", headers=HTMX,
                            data={"token": token, "tab": "Members", "op": "add", "title": "members"})
    assert 'A sheet with the name "members" already exists' in html.unescape(same_name.get_data(as_text=True))
    nothing = client.post(f"/view/{sid}/paste", headers=HTMX,
                          data={"token": token, "tab": "Members", "at": "A3", "text": ""})
    assert "There is nothing to paste" in nothing.get_data(as_text=True)


def test_the_edit_box_shows_what_to_type_to_get_the_cell_back(sheets):
    _, client, sid, _ = sheets
    client.put(f"/v4/spreadsheets/{sid}/values/Members!D2:F2?valueInputOption=RAW", json={"values": [["0042", "=1+2", 5]]})
    client.put(f"/v4/spreadsheets/{sid}/values/Members!G2?valueInputOption=USER_ENTERED", json={"values": [["=F2*2"]]})

    def box(cell):
        bar = client.get(f"/view/{sid}?tab=Members&edit={cell}", headers={"HX-Request": "true", "HX-Target": "bar"})
        return html.unescape(re.search(r'id="cell-value" name="value" value="([^"]*)"', bar.get_data(as_text=True))[1])
    assert box("D2") == "'0042"  # text that would be read as a number keeps Google's quote
    assert box("E2") == "'=1+2"
    assert box("F2") == "5" and box("G2") == "=F2*2"


def test_tabs_are_added_and_renamed_and_rows_sorted_from_the_page(sheets):
    app, client, sid, token = sheets
    client.put(f"/v4/spreadsheets/{sid}/values/Members!A3?valueInputOption=RAW", json={"values": [["AARON@example.org"]]})
    client.post(f"/view/{sid}/columns", headers=HTMX, data={"token": token, "tab": "Members", "column": "A",
                                                            "op": "sort_az"})
    assert values(client, sid, "Members!A1:A3") == [["Email"], ["AARON@example.org"], ["ann@example.org"]]
    client.post(f"/view/{sid}/tabs", headers=HTMX, data={"token": token, "tab": "Members", "op": "add",
                                                         "title": "Tally"})
    r = client.post(f"/view/{sid}/tabs", headers=HTMX, data={"token": token, "tab": "Tally", "op": "rename",
                                                             "title": "Counts"})
    assert 'aria-current="page"' in r.get_data(as_text=True) and ">Counts</a>" in r.get_data(as_text=True)
    titles = [s["properties"]["title"] for s in client.get(f"/v4/spreadsheets/{sid}").get_json()["sheets"]]
    assert titles == ["Members", "Counts"]
    assert [m for m, _, via in log(app) if via == "page"] == ["spreadsheets.batchUpdate"] * 3

"""Google's error shape: {"error": {"code", "message", "status"}}."""

import pytest
import requests


def assert_error(response, code, status, fragment):
    assert response.status_code == code, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["status"] == status
    assert fragment in error["message"]


def test_unknown_spreadsheet_is_404(localsheets):
    r = requests.get(f"{localsheets.url}/v4/spreadsheets/nope", timeout=5)
    assert_error(r, 404, "NOT_FOUND", "Requested entity was not found")


def test_unknown_sheet_is_400(api):
    assert_error(api.get("/values/Nowhere!A1"), 400, "INVALID_ARGUMENT", "Unable to parse range: Nowhere!A1")


def test_bad_range_is_400(api):
    assert_error(api.get("/values/Sheet1!A1:%25%25"), 400, "INVALID_ARGUMENT", "Unable to parse range")


def test_past_the_grid_is_400(api):
    assert_error(api.get("/values/Sheet1!A1:A1001"), 400, "INVALID_ARGUMENT", "exceeds grid limits")
    r = api.put("/values/Sheet1!AA1", {"values": [["x"]]}, valueInputOption="RAW")
    assert_error(r, 400, "INVALID_ARGUMENT", "exceeds grid limits")


def test_value_input_option_is_required(api):
    assert_error(api.put("/values/Sheet1!A1", {"values": [["x"]]}), 400, "INVALID_ARGUMENT",
                 "'valueInputOption' is required")


def test_writing_outside_the_given_range_is_400(api):
    r = api.put("/values/Sheet1!A1:B1", {"values": [["a", "b", "c"]]}, valueInputOption="RAW")
    assert_error(r, 400, "INVALID_ARGUMENT", "tried writing to column [C]")


def test_quota_is_per_minute_and_reads_and_writes_apart(api, localsheets):
    localsheets.configure(reads_per_minute=3, writes_per_minute=60)
    for _ in range(3):
        assert api.get("/values/Sheet1!A1").status_code == 200
    assert_error(api.get("/values/Sheet1!A1"), 429, "RESOURCE_EXHAUSTED", "Quota exceeded")
    assert api.put("/values/Sheet1!A1", {"values": [["w"]]}, valueInputOption="RAW").status_code == 200


def test_injected_failures_and_the_request_log(api, localsheets):
    localsheets.configure(fail_rate=1.0)
    r = api.get("/values/Sheet1!A1")
    assert r.status_code in (500, 503)
    assert r.json()["error"]["status"] in ("INTERNAL", "UNAVAILABLE")
    localsheets.configure(fail_rate=0.0)
    api.get("/values/Sheet1!A1")
    log = localsheets.log()
    assert log["counts"]["values.get"] == 2
    assert log["reads"] == 2


def test_dropped_connection_after_the_work_is_done(api, localsheets):
    localsheets.configure(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        api.put("/values/Sheet1!A1", {"values": [["landed"]]}, valueInputOption="RAW")
    localsheets.configure(drop_rate=0.0)
    assert api.values("Sheet1!A1")["values"] == [["landed"]]


def test_added_latency_is_applied_and_logged(api, localsheets):
    localsheets.configure(latency_ms=50)
    api.get("/values/Sheet1!A1")
    localsheets.configure(latency_ms=0)
    api.get("/values/Sheet1!A1")
    reads = [e for e in localsheets.log()["requests"] if e["method"] == "values.get"]
    assert [e.get("delayed_ms") for e in reads] == [50, None]

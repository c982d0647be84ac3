"""`flask sheets init` and `flask demo` against localsheets."""


def test_sheets_init_twice_second_makes_no_write(runner, localsheets):
    first = runner.invoke(args=["sheets", "init"])
    assert first.exit_code == 0, first.output
    assert "added the tab Members" in first.output
    localsheets.reset()
    second = runner.invoke(args=["sheets", "init"])
    assert second.exit_code == 0 and "nothing to change" in second.output
    log = localsheets.log()
    assert log["writes"] == 0 and log["reads"] == 3  # metadata, first rows, Groups


def test_sheets_init_missing_spreadsheet_says_what_to_do(app, runner):
    app.config["SETTINGS"] = app.config["SETTINGS"].replace(sheet_id="does-not-exist")
    result = runner.invoke(args=["sheets", "init"])
    assert result.exit_code != 0
    assert "not found or is not shared" in result.output and "Traceback" not in result.output


def test_demo_fills_an_empty_workbook_once(runner, app):
    from services.workbook import Workbook

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    snap = Workbook.from_settings(app.config["SETTINGS"]).snapshot(["Members", "Groups", "Submissions", "Sponsors"])
    assert len(snap["Members"].rows) == 60 and len(snap["Groups"].rows) == 3
    assert len(snap["Submissions"].rows) == 300 and len(snap["Sponsors"].rows) == 4
    assert {r["Ladder stage"] for r in snap["Members"].rows} > {"Supporter"}
    assert snap.problems == []
    partner = Workbook.from_settings(app.config["SETTINGS"]).snapshot(["List – Tacoma Hunger Coalition"])
    assert len(partner["List – Tacoma Hunger Coalition"].rows) >= 20 and partner.problems == []
    again = runner.invoke(args=["demo"])
    assert "already has members" in again.output


def test_sheets_init_prepares_partner_group_lists(runner, app, localsheets):
    from services.plan import WritePlan
    from services.workbook import Workbook

    assert runner.invoke(args=["sheets", "init"]).exit_code == 0
    own = localsheets.create("Olympia's own list")
    plan = WritePlan()
    plan.append("Groups", {"Name": "Seattle RESULTS"})
    plan.append("Groups", {"Name": "Tacoma Hunger Coalition"})
    plan.append("Groups", {"Name": "Olympia Faith", "List spreadsheet": f"https://docs.google.com/spreadsheets/d/{own}/edit"})
    plan.append("Groups", {"Name": "Typo Group", "List spreadsheet": "not a link"})
    Workbook.from_settings(app.config["SETTINGS"]).apply(plan)

    result = runner.invoke(args=["sheets", "init"])
    assert result.exit_code == 0, result.output
    assert "added the tab List – Tacoma Hunger Coalition" in result.output
    assert "Olympia Faith's list: added the tab Members" in result.output
    assert "Typo Group" not in result.output  # its link is listed under Problems instead
    tabs = [s["properties"]["title"] for s in Workbook.from_settings(app.config["SETTINGS"]).metadata()["sheets"]]
    assert "List – Tacoma Hunger Coalition" in tabs and "List – Seattle RESULTS" not in tabs
    snap = Workbook.from_settings(app.config["SETTINGS"]).snapshot(["Groups"])
    assert [str(p) for p in snap.problems] == ["Groups row 5: 'not a link' is not a link to a Google spreadsheet"]


def test_sheets_init_leaves_every_tab_ready_for_a_manager(runner, localsheets, sheet_id):
    import requests

    from services.schema import TABS

    assert runner.invoke(args=["sheets", "init"]).exit_code == 0
    meta = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}", timeout=5,
                        params={"includeGridData": "true", "ranges": [f"'{t.name}'!1:2" for t in TABS]}).json()
    for sheet, tab in zip(meta["sheets"], TABS, strict=True):
        assert sheet["properties"]["title"] == tab.name
        assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
        header, second = (sheet["data"][0]["rowData"] + [{}])[:2]
        cells = header["values"]
        assert [c["formattedValue"] for c in cells] == [c.name for c in tab.columns]
        assert all(c.get("note") for c in cells), tab.name  # a one-line note on every header
        protected = {p["description"] for p in sheet.get("protectedRanges", [])}
        assert protected == {f"actnet: {tab.name}.{c.name}" for c in tab.columns if c.owner == "A"}
        assert all(p["warningOnly"] for p in sheet.get("protectedRanges", []))
        with_choices = [i for i, c in enumerate(tab.columns) if c.kind == "choice"]
        validated = [i for i, c in enumerate(second.get("values", [])) if c.get("dataValidation")]
        assert validated == with_choices, tab.name


def test_sheets_init_when_the_sheet_service_is_down_says_so(app, runner):
    from tests.conftest import free_port

    app.config["SETTINGS"] = app.config["SETTINGS"].replace(sheets_url=f"http://127.0.0.1:{free_port()}")
    result = runner.invoke(args=["sheets", "init"])
    assert result.exit_code != 0
    assert "not accepting requests right now" in result.output and "Traceback" not in result.output

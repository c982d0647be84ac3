"""`flask sheets init` and `flask demo` against localsheets."""


def test_sheets_init_twice_second_makes_no_write(runner, localsheets):
    first = runner.invoke(args=["sheets", "init"])
    assert first.exit_code == 0, first.output
    assert "added the tab Members" in first.output
    localsheets.reset()
    second = runner.invoke(args=["sheets", "init"])
    assert second.exit_code == 0 and "nothing to change" in second.output
    log = localsheets.log()
    assert log["writes"] == 0 and log["reads"] <= 2


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
    again = runner.invoke(args=["demo"])
    assert "already has members" in again.output

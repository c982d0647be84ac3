"""What a newcomer meets first: the first `make run`, the first `flask` command, the first mistake."""
from runlocal import local_sheet_id
from services.config import Settings
from services.sheet_setup import init_workbook
from services.sheets import RetryPolicy
from services.workbook import Workbook


def test_init_right_after_the_first_run_makes_no_write(localsheets, tmp_path):
    # The first `make run` makes a spreadsheet, prepares it and fills the demo: nothing is left
    # for `flask sheets init` to do (rows appended under a prepared header keep its dropdowns).
    settings = Settings(sheets_url=localsheets.url)
    sheet_id = local_sheet_id(settings, tmp_path, demo=True)
    localsheets.reset()
    workbook = Workbook.from_settings(settings.replace(sheet_id=sheet_id), retry=RetryPolicy(attempts=2, base=0.01))
    assert init_workbook(workbook) == []
    log = localsheets.log()
    assert log["writes"] == 0, [e["method"] for e in log["requests"]]


def test_sheet_id_without_a_way_to_reach_it_says_what_is_missing(app, runner):
    app.config["SETTINGS"] = app.config["SETTINGS"].replace(sheets_url=None, google_credentials=None,
                                                            sheet_id="1AbCdEf")
    result = runner.invoke(args=["sheets", "init"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "SHEET_ID is set, but not how to reach the spreadsheet" in result.output
    assert "GOOGLE_APPLICATION_CREDENTIALS" in result.output and "SHEETS_URL" in result.output

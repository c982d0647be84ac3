"""`flask sharing run`: what a person at the terminal sees."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.run_state import LOCK_KEY
from sheet_network import TACOMA, build, rows, sign

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def network(app, localsheets):
    wb, _ = build(localsheets)
    sign(wb, [f"t{i}@example.org" for i in range(3)], code="tacoma-fund")
    sign(wb, [f"p{i}@example.org" for i in range(5)], start=10)
    app.config["SETTINGS"] = app.config["SETTINGS"].replace(sheet_id=wb.sheet_id)
    return wb


def test_the_dry_run_says_who_would_be_shared_and_why_and_writes_nothing(runner, network, localsheets):
    localsheets.reset()
    result = runner.invoke(args=["sharing", "run", "--dry-run", "--seed", "21"])
    assert result.exit_code == 0, result.output
    assert localsheets.log()["writes"] == 0
    assert "Dry run with seed 21: nothing is written." in result.output
    assert f"{TACOMA}: referrer 3, owed 3 → 0, shared 0 → 3" in result.output
    assert result.output.count("(R16 least-shared)") == 3
    assert "joins by its own link: t0@example.org  (R11)" in result.output
    assert rows(network, "Shares") == []


def test_a_run_from_the_terminal_says_what_it_did(runner, network):
    result = runner.invoke(args=["sharing", "run", "--seed", "21", "--action", "FUND-nutrition"])
    assert result.exit_code == 0, result.output
    assert "(seed 21): 3 shared, 3 joined by their group's own link" in result.output
    assert "Outcome: ok; only the action fund-nutrition" in result.output
    (logged,) = rows(network, "Runs")
    assert (logged["Trigger"], logged["Seed"], logged["Shares"]) == ("manual", 21, 3)


def test_an_unknown_action_is_named_in_plain_words(runner, network):
    result = runner.invoke(args=["sharing", "run", "--action", "no-such-action"])
    assert result.exit_code == 1
    assert "There is no action with the slug 'no-such-action' in the Actions tab." in result.output
    assert "Traceback" not in result.output


def flask_run(settings):
    env = dict(os.environ, SHEETS_URL=settings.sheets_url, SHEET_ID=settings.sheet_id,
               REDIS_URL=settings.redis_url, FLASK_APP="app")
    return subprocess.Popen([str(Path(sys.executable).parent / "flask"), "sharing", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_at_once_one_runs_and_the_other_says_a_run_is_in_progress(app, network, localsheets,
                                                                           redis_conn):
    localsheets.configure(latency_ms=400)  # the first run takes a few seconds
    first = flask_run(app.config["SETTINGS"])
    try:
        deadline = time.monotonic() + 30
        while not redis_conn.exists(LOCK_KEY):
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.02)
        second = flask_run(app.config["SETTINGS"])
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1
        assert "A sharing run is already in progress (since 20" in err and "UTC)" in err
        assert "Traceback" not in err + out
    finally:
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "Outcome: ok" in out
    assert len(rows(network, "Runs")) == 1

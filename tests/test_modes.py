"""An action's Mode history (R4): read as written, stamped when a flip is noticed."""
from datetime import datetime, timezone

import pytest

from services import modes

CREATED = datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 9, 8, 30, 15, tzinfo=timezone.utc)


def test_a_blank_history_starts_with_the_mode_the_action_was_made_in():
    assert modes.stamp(None, "Proportional", CREATED, NOW) == "2026-11-02T17:00:00Z Proportional"
    assert modes.stamp("", None, None, NOW) == "2000-01-01T00:00:00Z Share All"  # blank Mode is the default


def test_a_flip_is_stamped_when_noticed_and_nothing_changes_otherwise():
    history = "2026-11-02T17:00:00Z Share All"
    assert modes.stamp(history, "share all", CREATED, NOW) is None
    stamped = modes.stamp(history, "Proportional", CREATED, NOW)
    assert stamped == "2026-11-02T17:00:00Z Share All\n2026-11-09T08:30:15Z Proportional"
    assert modes.engine_history(stamped) == [{"at": "2026-11-02T17:00:00+00:00", "mode": "share_all"},
                                             {"at": "2026-11-09T08:30:15+00:00", "mode": "proportional"}]


def test_a_line_that_cannot_be_read_is_named():
    with pytest.raises(modes.ModeHistoryProblem, match=r"line 2 \('yesterday Proportional'\) should read like"):
        modes.parse("2026-11-02T17:00:00Z Share All\nyesterday Proportional")

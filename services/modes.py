"""An action's mode over time: the Actions tab's Mode history (R4).

Each submission is governed by the mode in force when it was made, so the
history, not today's Mode, decides. The cell holds one change per line,
oldest first, in words a manager can read:

    2026-11-02T17:00:00Z Proportional
    2026-11-09T08:30:00Z Share All

A manager flips Mode (in the sheet or on a page); whoever notices a Mode
that differs from the history's last line first stamps the change with the
time it noticed it (`stamp`): the dashboard when it makes the flip, the
hourly run before it decides.
"""
from datetime import datetime, timezone

SHARE_ALL, PROPORTIONAL = "Share All", "Proportional"
ENGINE_MODE = {SHARE_ALL: "share_all", PROPORTIONAL: "proportional"}
# Before anything was recorded: an action made in Proportional mode was proportional from the start.
BEGINNING = datetime(2000, 1, 1, tzinfo=timezone.utc)


class ModeHistoryProblem(ValueError):
    """A Mode history cell that can't be read; the message says which line and why."""


def parse(text):
    """The cell's lines as [(time, mode)], oldest first. Blank is []."""
    flips = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        stamp, _, mode = line.partition(" ")
        mode = _mode_name(mode)
        try:
            at = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            at = None
        if at is None or mode is None:
            raise ModeHistoryProblem(f"line {number} ('{line[:40]}') should read like "
                                     f"'2026-11-02T17:00:00Z Proportional'")
        flips.append((at if at.tzinfo else at.replace(tzinfo=timezone.utc), mode))
    flips.sort(key=lambda f: f[0])
    return flips


def _mode_name(text):
    for name in ENGINE_MODE:
        if " ".join(text.split()).casefold() == name.casefold():
            return name
    return None


def line(at, mode):
    return f"{at.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ} {mode}"


def current(mode_cell):
    """The Mode column's value; blank (or unreadable, listed under Problems) is the default, Share All."""
    return _mode_name(mode_cell or "") or SHARE_ALL


def stamp(history_text, mode_cell, created, now):
    """The Mode history cell after noticing today's Mode, or None when it needs no change.

    A blank history is started with the mode the action was made in, at
    Created (or, with Created blank too, at BEGINNING: as long as anyone
    knows); a Mode that differs from the last line is a flip noticed `now`.
    """
    flips = parse(history_text)
    mode = current(mode_cell)
    if not flips:
        return line(created or BEGINNING, mode)
    if flips[-1][1] == mode:
        return None
    return (history_text.rstrip("\n") + "\n" + line(now, mode)).strip("\n")


def engine_history(history_text):
    """The engine's `mode_history` from a (stamped) Mode history cell."""
    return [{"at": at.isoformat(), "mode": ENGINE_MODE[mode]} for at, mode in parse(history_text)]

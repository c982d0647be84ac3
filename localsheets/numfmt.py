"""Number formats: the few an en_US sheet gives itself, and how a number is shown under one.

A typed `1,234`, `12%`, `$20.50` or `1/2/2026` is kept with its text; a
formula's result is shown through a pattern carried from what it was
computed from (`=A1*2` of `$20.50` shows `$41.00`), as Google's automatic
format does: https://support.google.com/docs/answer/56470
"""
import datetime as dt
import math
import re

EPOCH = dt.datetime(1899, 12, 30)
DATE = "m/d/yyyy"  # Google's en_US date, as DATE() and TODAY() show it
DATETIME = "m/d/yyyy h:mm:ss"  # as NOW() shows it
DATE_PATTERNS = (DATE, DATETIME, "yyyy-mm-dd", "yyyy-mm-dd h:mm", "yyyy-mm-dd h:mm:ss", "m/d/yyyy h:mm",
                 "yyyy/mm/dd", "mmm d, yyyy")
TIME_PATTERNS = ("h:mm", "h:mm:ss", "h:mm am/pm", "h:mm:ss am/pm")


def pattern_of(text):
    """The format Google picks for a typed text (None: shown as a plain number)."""
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", t):
        return "yyyy-mm-dd"
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}", t):
        return "yyyy-mm-dd h:mm"
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}:\d{2}", t):
        return "yyyy-mm-dd h:mm:ss"
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", t):
        return DATE
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}", t):
        return "m/d/yyyy h:mm"
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}", t):
        return DATETIME
    if re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", t):
        return "yyyy/mm/dd"
    if re.fullmatch(r"[A-Za-z]{3}[a-z]*\.? \d{1,2},? \d{4}", t):
        return "mmm d, yyyy"
    m = re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?", t)
    if m:
        return ("h:mm:ss" if m[1] else "h:mm") + (" am/pm" if m[2] else "")
    if t.endswith("%"):
        return "0" + _decimals(t[:-1]) + "%"
    if "$" in t:
        return "$#,##0" + _decimals(t)
    if "," in t:
        return "#,##0" + _decimals(t)
    return None


def _decimals(t):
    _, dot, frac = t.partition(".")
    return "." + "0" * len(frac) if dot else ""


def general(x, digits=10):
    """A number as Google's automatic format shows it: at most `digits` significant digits."""
    if isinstance(x, bool):
        return "TRUE" if x else "FALSE"
    if x == 0:
        return "0"
    if isinstance(x, int) or (float(x).is_integer() and abs(x) < 1e15):
        return str(int(x))
    if not math.isfinite(x):
        return "#NUM!"
    if abs(x) >= 1e15 or abs(x) < 1e-9:
        mantissa, _, exp = f"{x:.{digits - 1}E}".partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    places = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    text = f"{round(x, places):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def as_datetime(serial):
    return EPOCH + dt.timedelta(days=serial)


def render(x, pattern):
    """`x` shown under `pattern`; a pattern this module does not know shows the number plainly."""
    if pattern is None or isinstance(x, bool) or not isinstance(x, (int, float)):
        return general(x) if isinstance(x, (int, float)) else x
    if pattern in DATE_PATTERNS or pattern in TIME_PATTERNS:
        try:
            when = as_datetime(round(x * 86400) / 86400)
        except OverflowError:
            return general(x)
        return _date_text(when, pattern)
    if pattern.endswith("%"):
        return _fixed(x * 100, pattern[:-1]) + "%"
    if pattern.startswith("$"):
        text = _fixed(abs(x), pattern[1:])
        return ("-$" if x < 0 else "$") + text
    return _fixed(x, pattern)


def _fixed(x, pattern):
    places = len(pattern.partition(".")[2])
    grouped = "," in pattern
    return f"{x:{',' if grouped else ''}.{places}f}"


def _date_text(when, pattern):
    hour12 = (when.hour % 12) or 12
    parts = {
        "m/d/yyyy": f"{when.month}/{when.day}/{when.year}",
        "yyyy-mm-dd": f"{when.year}-{when.month:02d}-{when.day:02d}",
        "yyyy/mm/dd": f"{when.year}/{when.month:02d}/{when.day:02d}",
        "mmm d, yyyy": f"{when:%b} {when.day}, {when.year}",
        "h:mm": f"{when.hour}:{when.minute:02d}",
        "h:mm:ss": f"{when.hour}:{when.minute:02d}:{when.second:02d}",
        "h:mm am/pm": f"{hour12}:{when.minute:02d} {'PM' if when.hour >= 12 else 'AM'}",
        "h:mm:ss am/pm": f"{hour12}:{when.minute:02d}:{when.second:02d} {'PM' if when.hour >= 12 else 'AM'}",
    }
    if pattern.startswith("h"):
        return parts[pattern]
    date, _, time = pattern.partition(" h")
    return parts[date] + (" " + parts["h" + time] if time else "")


def is_date(pattern):
    return pattern in DATE_PATTERNS

"""Cell values: how input is stored (RAW, USER_ENTERED) and how it is rendered.

A stored cell is a dict: `v` the value (str, int/float or bool), `f` a formula's
text, `fmt` the text Google would show for a number typed as a date or a
percentage. Notes, validation and formats ride on the same dict.
"""
import datetime as dt
import re

EPOCH = dt.date(1899, 12, 30)  # Sheets' day zero
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_DATE_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_DATE_SLASH_ISO = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?$")
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"], start=1)}
_DATE_WORDS = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$")


def _number(text):
    t = text.strip()
    if not t or not _NUMBER.match(t) or not re.search(r"\d", t):
        return None
    n = float(t.replace(",", ""))
    return int(n) if n.is_integer() and "." not in t and "e" not in t.lower() else n


def _currency(text):
    """`$1,234.50` or `-$5` in an en_US spreadsheet: a number shown as money."""
    m = re.match(r"^([+-]?)\$\s?(.+)$", text)
    if not m:
        return None
    n = _number(m[2])
    if n is None or m[2].startswith(("+", "-")):
        return None
    return -n if m[1] == "-" else n


def _serial(date, time=None):
    days = (date - EPOCH).days
    if time is None:
        return days
    return days + (time.hour * 3600 + time.minute * 60 + time.second) / 86400


def parse_user_entered(value):
    """What Sheets stores when a person types `value` into a cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"v": value}
    if isinstance(value, (int, float)):
        return {"v": value}
    text = str(value)
    if text.startswith("'"):
        return {"v": text[1:]}  # the quote prefix forces text and is not part of the value
    if text.startswith("=") and len(text) > 1:
        return {"f": text}
    if text.upper() in ("TRUE", "FALSE"):
        return {"v": text.upper() == "TRUE"}
    n = _number(text)
    if n is not None:
        cell = {"v": n}
        if "," in text:
            cell["fmt"] = text.strip()
        return cell
    if text.endswith("%") and _number(text[:-1]) is not None:
        return {"v": _number(text[:-1]) / 100, "fmt": text.strip()}
    m = _DATE_ISO.match(text.strip())
    if m:
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))
            time = dt.time(int(m[4]), int(m[5]), int(m[6] or 0)) if m[4] else None
            return {"v": _serial(date, time), "fmt": text.strip()}
        except ValueError:
            pass
    t = text.strip()
    m = _DATE_US.match(t)
    if m:
        try:
            time = dt.time(int(m[4]), int(m[5]), int(m[6] or 0)) if m[4] else None
            return {"v": _serial(dt.date(int(m[3]), int(m[1]), int(m[2])), time), "fmt": t}
        except ValueError:
            pass
    m = _DATE_SLASH_ISO.match(t)
    if m:
        try:
            return {"v": _serial(dt.date(int(m[1]), int(m[2]), int(m[3]))), "fmt": t}
        except ValueError:
            pass
    m = _DATE_WORDS.match(t)
    if m and m[1].lower() in _MONTHS:
        try:
            return {"v": _serial(dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))), "fmt": t}
        except ValueError:
            pass
    m = _TIME.match(t)
    if m:
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
        if m[4]:
            if not 1 <= hour <= 12:
                return {"v": text}
            hour = hour % 12 + (12 if m[4].lower() == "pm" else 0)
        if hour < 24 and minute < 60 and second < 60:
            return {"v": (hour * 3600 + minute * 60 + second) / 86400, "fmt": t}
    money = _currency(t)
    if money is not None:
        return {"v": money, "fmt": t}
    return {"v": text}


def parse_raw(value):
    """RAW: stored as given; a string is a string, even `=1+2`."""
    if value is None or value == "":
        return None
    return {"v": value}


def _format_number(n):
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    return str(n)


def render(cell, option):
    """One cell under FORMATTED_VALUE, UNFORMATTED_VALUE or FORMULA."""
    if not cell or ("v" not in cell and "f" not in cell):
        return ""
    if "f" in cell:
        # Not evaluated: every render option shows the formula's text.
        return cell["f"]
    v = cell["v"]
    if option == "FORMATTED_VALUE":
        if "fmt" in cell:
            return cell["fmt"]
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, (int, float)):
            return _format_number(v)
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def extended_value(cell):
    """The API's ExtendedValue for a cell (userEnteredValue / effectiveValue)."""
    if "f" in cell:
        return {"formulaValue": cell["f"]}
    v = cell["v"]
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, (int, float)):
        return {"numberValue": v}
    return {"stringValue": v}


def from_extended_value(ev):
    if not ev:
        return None
    if "formulaValue" in ev:
        return {"f": ev["formulaValue"]}
    for key in ("stringValue", "numberValue", "boolValue"):
        if key in ev:
            return {"v": ev[key]}
    return None


def typed_value(cell):
    """A cell's value as a number, text or bool; None when blank. A formula gives its text."""
    if not cell or ("v" not in cell and "f" not in cell):
        return None
    return cell["f"] if "f" in cell else cell["v"]

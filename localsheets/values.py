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
_DATE_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _number(text):
    t = text.strip()
    if not t or not _NUMBER.match(t) or not re.search(r"\d", t):
        return None
    n = float(t.replace(",", ""))
    return int(n) if n.is_integer() and "." not in t and "e" not in t.lower() else n


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
    m = _DATE_US.match(text.strip())
    if m:
        try:
            return {"v": _serial(dt.date(int(m[3]), int(m[1]), int(m[2]))), "fmt": text.strip()}
        except ValueError:
            pass
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

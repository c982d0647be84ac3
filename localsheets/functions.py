"""The functions managers type in a network sheet, as Google computes them.

Each is `(fewest, most, implementation)`; the implementation gets the
evaluator, the argument trees and the tab the formula is on, and returns
(value, pattern). Anything else is `#NAME?` ("Unknown function").
The Google help page of each is named beside it.
"""
import datetime as dt
import re

from localsheets import numfmt
from localsheets.evaluate import Area, FormulaError, boolean, compare, number, text
from localsheets.values import parse_user_entered

MANY = None


def call(ev, name, args, sheet):
    spec = FUNCTIONS.get(name)
    if spec is None:
        return FormulaError("#NAME?", f"Unknown function: '{name}'."), None
    fewest, most, impl = spec
    if len(args) < fewest or (most is not None and len(args) > most):
        if most is None:
            expected = f"at least {fewest}"
        elif fewest == most:
            expected = f"{fewest}"
        else:
            expected = f"between {fewest} and {most}"
        return FormulaError("#N/A", f"Wrong number of arguments to {name}. Expected {expected} arguments, "
                                    f"but got {len(args)} arguments."), None
    return impl(ev, name, args, sheet)


def _each(ev, args, sheet):
    """(value, pattern, from a range?) of every argument, ranges cell by cell."""
    for arg in args:
        value, pattern = ev.eval(arg, sheet)
        if isinstance(value, Area):
            for v, p in value.cells():
                yield v, p, True
        else:
            yield value, pattern, False


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _sum(ev, name, args, sheet):  # https://support.google.com/docs/answer/3093669
    total, pattern = 0, None
    for i, (v, p, in_range) in enumerate(_each(ev, args, sheet), start=1):
        if isinstance(v, FormulaError):
            return v, None
        if in_range:
            if not _is_number(v):
                continue  # text and TRUE/FALSE in a range are not added
            n = v
        else:
            n = number(v, name, i)
            if isinstance(n, FormulaError):
                return n, None
        total += n
        pattern = pattern or p
    return total, pattern


def _count(ev, name, args, sheet):  # https://support.google.com/docs/answer/3093620
    return sum(1 for v, _, _ in _each(ev, args, sheet) if _is_number(v)), None


def _counta(ev, name, args, sheet):  # https://support.google.com/docs/answer/3093991
    return sum(1 for v, _, _ in _each(ev, args, sheet) if v is not None), None


def _countif(ev, name, args, sheet):  # https://support.google.com/docs/answer/3093480
    area = ev.area(args[0], sheet)
    if isinstance(area, FormulaError):
        return area, None
    criterion, _ = ev.scalar(args[1], sheet)
    if isinstance(criterion, FormulaError):
        return criterion, None
    test, blanks_match = _criterion(criterion)
    found = 0
    seen = 0
    for v, _ in area.cells():
        seen += 1
        if test(v):
            found += 1
    if blanks_match:
        found += area.size - seen
    return found, None


def _criterion(c):
    """A test for COUNTIF's criterion, and whether an empty cell passes it."""
    if isinstance(c, bool):
        return (lambda v: isinstance(v, bool) and v == c), False
    if _is_number(c):
        return (lambda v: _is_number(v) and v == c), False
    c = "" if c is None else c
    m = re.match(r"^(<=|>=|<>|<|>|=)?(.*)$", c, re.S)
    op, rest = m[1] or "=", m[2]
    if rest == "":
        return ((lambda v: v == "") if op == "=" else (lambda v: v != "")), op == "="
    parsed = parse_user_entered(rest)
    target = parsed.get("v") if parsed else None
    if _is_number(target):
        def numeric(v):
            if not _is_number(v):
                return op == "<>"
            return _OPS[op](compare(v, target))
        return numeric, op == "<>"
    if op in ("=", "<>"):
        pattern = re.compile(_wildcards(rest), re.I | re.S)
        if op == "=":
            return (lambda v: isinstance(v, str) and pattern.fullmatch(v) is not None), False
        return (lambda v: not (isinstance(v, str) and pattern.fullmatch(v))), True
    return (lambda v: isinstance(v, str) and _OPS[op](compare(v, rest))), False


_OPS = {"=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0, ">": lambda c: c > 0,
        "<=": lambda c: c <= 0, ">=": lambda c: c >= 0}


def _wildcards(text):
    """`*` any run, `?` one character, `~*` a real star."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "~" and i + 1 < len(text) and text[i + 1] in "*?~":
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


def _if(ev, name, args, sheet):  # https://support.google.com/docs/answer/3093364
    cond, _ = ev.scalar(args[0], sheet)
    cond = boolean(cond, name, 1)
    if isinstance(cond, FormulaError):
        return cond, None
    if cond:
        return ev.scalar(args[1], sheet)
    if len(args) < 3:
        return False, None
    return ev.scalar(args[2], sheet)


def _logical(combine):
    def impl(ev, name, args, sheet):  # AND https://support.google.com/docs/answer/3093301
        found = []                     # OR  https://support.google.com/docs/answer/3093306
        for i, (v, _, in_range) in enumerate(_each(ev, args, sheet), start=1):
            if isinstance(v, FormulaError):
                return v, None
            if v is None or (in_range and isinstance(v, str)):
                continue
            b = boolean(v, name, i)
            if isinstance(b, FormulaError):
                return b, None
            found.append(b)
        if not found:
            return FormulaError("#VALUE!", f"{name} has no valid input data."), None
        return combine(found), None
    return impl


def _concatenate(ev, name, args, sheet):  # https://support.google.com/docs/answer/3094123
    parts = []
    for arg in args:
        value, _ = ev.eval(arg, sheet)
        cells = _area_texts(value) if isinstance(value, Area) else [value]
        for v in cells:
            t = text(v)
            if isinstance(t, FormulaError):
                return t, None
            parts.append(t)
    return "".join(parts), None


def _area_texts(area):
    for r in range(area.r0, min(area.r1, len(area.sheet["cells"]))):
        for c in range(area.c0, area.c1):
            yield area.ev.cell_value(area.sheet, r, c)[0]


def _one_text(transform):
    def impl(ev, name, args, sheet):
        v, _ = ev.scalar(args[0], sheet)
        t = text(v)
        return (t, None) if isinstance(t, FormulaError) else (transform(t), None)
    return impl


def _count_arg(ev, name, args, index, sheet, default):
    if len(args) <= index:
        return default
    v, _ = ev.scalar(args[index], sheet)
    n = number(v, name, index + 1)
    return n if isinstance(n, FormulaError) else int(n)


def _left_right(ev, name, args, sheet):  # LEFT 3094079, RIGHT 3094087
    v, _ = ev.scalar(args[0], sheet)
    t = text(v)
    n = _count_arg(ev, name, args, 1, sheet, 1)
    for bad in (t, n):
        if isinstance(bad, FormulaError):
            return bad, None
    if n < 0:
        return FormulaError("#VALUE!", f"Function {name} parameter 2 value is negative. It should be positive "
                                       f"or zero."), None
    return (t[:n] if name == "LEFT" else (t[-n:] if n else "")), None


def _mid(ev, name, args, sheet):  # https://support.google.com/docs/answer/3094129
    v, _ = ev.scalar(args[0], sheet)
    t = text(v)
    start = _count_arg(ev, name, args, 1, sheet, 1)
    length = _count_arg(ev, name, args, 2, sheet, 0)
    for bad in (t, start, length):
        if isinstance(bad, FormulaError):
            return bad, None
    if start < 1:
        return FormulaError("#VALUE!", f"Function MID parameter 2 value is {start}. It should be greater than "
                                       f"or equal to 1."), None
    if length < 0:
        return FormulaError("#VALUE!", f"Function MID parameter 3 value is {length}. It should be greater than "
                                       f"or equal to 0."), None
    return t[start - 1:start - 1 + length], None


def _serial(when):
    delta = when - numfmt.EPOCH
    return delta.days + delta.seconds / 86400


def _today(ev, name, args, sheet):  # https://support.google.com/docs/answer/3092984
    return int(_serial(dt.datetime.combine(ev.now.date(), dt.time()))), numfmt.DATE


def _now(ev, name, args, sheet):  # https://support.google.com/docs/answer/3092981
    return _serial(ev.now.replace(microsecond=0)), numfmt.DATETIME


def _date(ev, name, args, sheet):  # https://support.google.com/docs/answer/3092969
    parts = []
    for i, arg in enumerate(args, start=1):
        v, _ = ev.scalar(arg, sheet)
        n = number(v, name, i)
        if isinstance(n, FormulaError):
            return n, None
        parts.append(int(n))
    year, month, day = parts
    if 0 <= year < 1900:
        year += 1900  # Google reads DATE(26,1,2) as 1926
    months = year * 12 + (month - 1)
    y, m = divmod(months, 12)
    try:
        when = dt.datetime(y, m + 1, 1) + dt.timedelta(days=day - 1)
    except (ValueError, OverflowError):
        when = None
    if when is None or when < numfmt.EPOCH:
        return FormulaError("#NUM!", "DATE evaluates to an out of range value."), None
    return int(_serial(when)), numfmt.DATE


def _hyperlink(ev, name, args, sheet):  # https://support.google.com/docs/answer/3093313
    url, _ = ev.scalar(args[0], sheet)
    label = url
    if len(args) > 1:
        label, _ = ev.scalar(args[1], sheet)
    shown = text(label)
    return shown, None


FUNCTIONS = {
    "SUM": (1, MANY, _sum),
    "COUNT": (1, MANY, _count),
    "COUNTA": (1, MANY, _counta),
    "COUNTIF": (2, 2, _countif),
    "IF": (2, 3, _if),
    "AND": (1, MANY, _logical(all)),
    "OR": (1, MANY, _logical(any)),
    "CONCATENATE": (1, MANY, _concatenate),
    "LOWER": (1, 1, _one_text(str.lower)),  # https://support.google.com/docs/answer/3094083
    "UPPER": (1, 1, _one_text(str.upper)),  # https://support.google.com/docs/answer/3094219
    "TRIM": (1, 1, _one_text(lambda t: re.sub(" +", " ", t).strip(" "))),  # 3094140
    "LEN": (1, 1, lambda ev, name, args, sheet: _len(ev, args, sheet)),  # 3094081
    "LEFT": (1, 2, _left_right),
    "RIGHT": (1, 2, _left_right),
    "MID": (3, 3, _mid),
    "TODAY": (0, 0, _today),
    "NOW": (0, 0, _now),
    "DATE": (3, 3, _date),
    "HYPERLINK": (1, 2, _hyperlink),
}


def _len(ev, args, sheet):
    v, _ = ev.scalar(args[0], sheet)
    t = text(v)
    return (t, None) if isinstance(t, FormulaError) else (len(t), None)

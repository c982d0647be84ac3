"""Formulas evaluated over one spreadsheet document, as Google evaluates them.

`Evaluator(doc)` is made for one request: each formula cell is computed at
most once (results are kept), a cell that needs itself is `#REF!`
("Circular dependency detected."), and a function not in
`functions.FUNCTIONS` is `#NAME?` as an unknown one would be.
Error values: https://support.google.com/docs/answer/3238305 (ERROR.TYPE lists them)
"""
import dataclasses
import datetime as dt
import zoneinfo

from localsheets import formula, numfmt, values as cellvalues

ERROR_TYPES = {"#ERROR!": "ERROR", "#NULL!": "NULL_VALUE", "#DIV/0!": "DIVIDE_BY_ZERO", "#VALUE!": "VALUE",
               "#REF!": "REF", "#NAME?": "NAME", "#NUM!": "NUM", "#N/A": "N_A"}


@dataclasses.dataclass(frozen=True)
class FormulaError:
    """A cell's error value: `code` as the cell shows it, `message` as its note explains it."""
    code: str
    message: str = ""

    def __str__(self):
        return self.code


@dataclasses.dataclass
class Area:
    """A range as a function argument: its cells are read only when asked for."""
    ev: "Evaluator"
    sheet: dict
    r0: int
    r1: int
    c0: int
    c1: int

    @property
    def size(self):
        return (self.r1 - self.r0) * (self.c1 - self.c0)

    def cells(self):
        """(value, pattern) of each cell with something in it, row by row."""
        stored = self.sheet["cells"]
        for r in range(self.r0, min(self.r1, len(stored))):
            row = stored[r]
            for c in range(self.c0, min(self.c1, len(row))):
                if row[c] and ("v" in row[c] or "f" in row[c]):
                    yield self.ev.cell_value(self.sheet, r, c)

    def first(self):
        return self.ev.cell_value(self.sheet, self.r0, self.c0)


class Evaluator:
    def __init__(self, doc, now=None):
        self.doc = doc
        zone = doc.get("properties", {}).get("timeZone") or "Etc/GMT"
        try:
            tz = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = dt.timezone.utc
        # TODAY() and NOW() in the spreadsheet's time zone (File > Settings in Google).
        self.now = (now or dt.datetime.now(tz)).astimezone(tz).replace(tzinfo=None)
        self._done = {}
        self._busy = set()
        self._trees = {}

    # --- cells ----------------------------------------------------------------

    def cell_value(self, sheet, r, c):
        """(value, pattern): None for blank, a number, text, bool or FormulaError."""
        cells = sheet["cells"]
        cell = cells[r][c] if r < len(cells) and c < len(cells[r]) else None
        if not cell or ("v" not in cell and "f" not in cell):
            return None, None
        if "f" not in cell:
            return cell["v"], numfmt.pattern_of(cell["fmt"]) if "fmt" in cell else None
        key = (sheet["properties"]["sheetId"], r, c)
        if key in self._done:
            return self._done[key]
        if key in self._busy:
            return FormulaError("#REF!", "Circular dependency detected. To resolve with iterative calculation, "
                                         "see File > Settings."), None
        top = not self._busy
        self._busy.add(key)
        try:
            result = self.formula_value(cell["f"], sheet)
        except RecursionError:
            if not top:
                raise  # unwind to the cell first asked for
            result = None
        finally:
            self._busy.discard(key)
        if result is None:
            result = self._after_a_long_chain(sheet, r, c, key, cell["f"])
        self._done[key] = result
        return result

    def _after_a_long_chain(self, sheet, r, c, key, text):
        """A running total (=D9+C10 down a column) asked for at its foot: work the
        column down from the top, each cell then needing only the one above it."""
        cells = sheet["cells"]
        for above in range(r):
            if c < len(cells[above]) and cells[above][c] and "f" in cells[above][c]:
                self.cell_value(sheet, above, c)
        self._busy.add(key)
        try:
            return self.formula_value(text, sheet)
        except RecursionError:
            return FormulaError("#REF!", "This formula depends on too long a chain of other formulas."), None
        finally:
            self._busy.discard(key)

    def formula_value(self, text, sheet):
        tree = self._trees.get(text)
        if tree is None:
            try:
                tree = formula.parse(text)
            except formula.ParseError:
                tree = ("err", "#ERROR!", "Formula parse error.")
            self._trees[text] = tree
        value, pattern = self.eval(tree, sheet)
        if isinstance(value, Area):
            # A range alone shows its first cell, where Google would spill the rest.
            value, pattern = value.first()
        if value is None:
            value = 0  # =A1 of an empty A1 shows 0
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        return value, pattern

    def display(self, cell, sheet, r, c, option):
        """A cell under FORMATTED_VALUE, UNFORMATTED_VALUE or FORMULA."""
        if "f" not in cell:
            return cellvalues.render(cell, option)
        if option == "FORMULA":
            return cell["f"]
        value, pattern = self.cell_value(sheet, r, c)
        if isinstance(value, FormulaError):
            return value.code
        if option == "UNFORMATTED_VALUE":
            return value
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, float)):
            return numfmt.render(value, pattern)
        return value

    def effective_value(self, cell, sheet, r, c):
        """The API's effectiveValue (an ExtendedValue) of a cell."""
        if "f" not in cell:
            return cellvalues.extended_value(cell)
        value, _ = self.cell_value(sheet, r, c)
        if isinstance(value, FormulaError):
            return {"errorValue": {"type": ERROR_TYPES.get(value.code, "ERROR"), "message": value.message}}
        if isinstance(value, bool):
            return {"boolValue": value}
        if isinstance(value, (int, float)):
            return {"numberValue": value}
        return {"stringValue": value}

    # --- the tree ---------------------------------------------------------------

    def eval(self, node, sheet):
        """(value, pattern) of a tree node; a range gives an Area."""
        kind = node[0]
        if kind == "num":
            return node[1], None
        if kind == "str":
            return node[1], None
        if kind == "bool":
            return node[1], None
        if kind == "blank":
            return None, None
        if kind == "err":
            return FormulaError(node[1], node[2] if len(node) > 2 else ""), None
        if kind == "name":
            return FormulaError("#NAME?", f"Unknown range name: '{node[1].upper()}'."), None
        if kind == "ref":
            return self.reference(node[1], sheet)
        if kind == "call":
            from localsheets.functions import call  # functions use this module's coercions
            return call(self, node[1], node[2], sheet)
        if kind == "neg":
            v, p = self.scalar(node[1], sheet)
            n = number(v, "UMINUS", 1)
            return (n, None) if isinstance(n, FormulaError) else (-n, p)
        if kind == "pct":
            v, _ = self.scalar(node[1], sheet)
            n = number(v, "UNARY_PERCENT", 1)
            return (n, None) if isinstance(n, FormulaError) else (n / 100, "0%")
        return self.binary(node[1], node[2], node[3], sheet)

    def binary(self, op, left, right, sheet):
        a, pa = self.scalar(left, sheet)
        if isinstance(a, FormulaError):
            return a, None
        b, pb = self.scalar(right, sheet)
        if isinstance(b, FormulaError):
            return b, None
        if op in COMPARISONS:
            return COMPARISONS[op](compare(a, b)), None
        if op == "&":
            return text(a) + text(b), None
        name = ARITHMETIC[op]
        x = number(a, name, 1)
        if isinstance(x, FormulaError):
            return x, None
        y = number(b, name, 2)
        if isinstance(y, FormulaError):
            return y, None
        if op == "+":
            return x + y, _sum_pattern(pa, pb, op)
        if op == "-":
            return x - y, _sum_pattern(pa, pb, op)
        if op == "*":
            return x * y, _product_pattern(pa, pb)
        if op == "/":
            if y == 0:
                return FormulaError("#DIV/0!", "Function DIVIDE parameter 2 cannot be zero."), None
            return x / y, _product_pattern(pa, pb)
        if x == 0 and y < 0:
            return FormulaError("#DIV/0!", "Function POW parameter 2 cannot be negative when parameter 1 is 0."), None
        try:
            result = x ** y
        except OverflowError:
            return FormulaError("#NUM!", "Function POW caused a number too large to show."), None
        if isinstance(result, complex):
            return FormulaError("#NUM!", "Function POW parameter 1 value is negative and parameter 2 is not a "
                                         "whole number."), None
        return result, None

    def scalar(self, node, sheet):
        """A node's single value: a one-cell range is its cell, a larger one #VALUE!."""
        value, pattern = self.eval(node, sheet)
        if isinstance(value, Area):
            if value.size == 1:
                return value.first()
            return FormulaError("#VALUE!", "An array value could not be found."), None
        return value, pattern

    def area(self, node, sheet):
        """A range argument (COUNTIF's first): a reference, even to one cell."""
        if node[0] != "ref":
            return FormulaError("#VALUE!", "Argument must be a range.")
        ref = node[1]
        value, _ = self.reference(dataclasses.replace(ref, single=False), sheet)
        return value

    def reference(self, ref, here):
        if ref.sheet is None:
            sheet = here
        else:
            from localsheets.model import sheet_by_title
            sheet = sheet_by_title(self.doc, ref.sheet)
            if sheet is None:
                return FormulaError("#REF!", f"Unresolved sheet name '{ref.sheet}'."), None
        grid = sheet["properties"]["gridProperties"]
        r0 = ref.r0 or 0
        c0 = ref.c0 or 0
        r1 = grid["rowCount"] if ref.r1 is None else ref.r1
        c1 = grid["columnCount"] if ref.c1 is None else ref.c1
        if r1 > grid["rowCount"] or c1 > grid["columnCount"]:
            return FormulaError("#REF!", f"Range {ref.text()} does not exist: the tab ends before it."), None
        if ref.single:
            return self.cell_value(sheet, r0, c0)
        return Area(self, sheet, r0, r1, c0, c1), None


# --- operators ---------------------------------------------------------------------

COMPARISONS = {"=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0, ">": lambda c: c > 0,
               "<=": lambda c: c <= 0, ">=": lambda c: c >= 0}
ARITHMETIC = {"+": "ADD", "-": "MINUS", "*": "MULTIPLY", "/": "DIVIDE", "^": "POW"}
_RANK = {int: 0, float: 0, str: 1, bool: 2}


def compare(a, b):
    """-1, 0 or 1: numbers before text before booleans; text without regard to case; a blank
    is 0, "" or FALSE beside the other side's kind."""
    if a is None and b is None:
        return 0
    if a is None:
        a = {0: 0, 1: "", 2: False}[_RANK[type(b)]]
    if b is None:
        b = {0: 0, 1: "", 2: False}[_RANK[type(a)]]
    ra, rb = _RANK[type(a)], _RANK[type(b)]
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 1:
        a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _sum_pattern(pa, pb, op):
    """A date plus days is a date; a date minus a date is a number of days."""
    if numfmt.is_date(pa) and numfmt.is_date(pb):
        return None if op == "-" else pa
    if numfmt.is_date(pa) or numfmt.is_date(pb):
        return pa if numfmt.is_date(pa) else pb
    return pa or pb


def _product_pattern(pa, pb):
    for p in (pa, pb):
        if p and not numfmt.is_date(p) and p not in numfmt.TIME_PATTERNS:
            return p
    return None


# --- coercions, with Google's messages ------------------------------------------

def number(v, fn, position):
    """A value as a number, or the #VALUE! Google gives for text that is not one."""
    if isinstance(v, FormulaError):
        return v
    if v is None or v == "":
        return 0
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, (int, float)):
        return v
    parsed = cellvalues.parse_user_entered(v)
    if parsed and isinstance(parsed.get("v"), (int, float)) and not isinstance(parsed.get("v"), bool):
        return parsed["v"]
    return FormulaError("#VALUE!", f"Function {fn} parameter {position} expects number values. But '{v}' is a "
                                   f"text and cannot be coerced to a number.")


def text(v):
    """A value as text, as `&` and CONCATENATE join it."""
    if isinstance(v, FormulaError):
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return numfmt.general(v, digits=15)
    return v


def boolean(v, fn, position):
    if isinstance(v, FormulaError):
        return v
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if v.upper() in ("TRUE", "FALSE"):
        return v.upper() == "TRUE"
    return FormulaError("#VALUE!", f"Function {fn} parameter {position} expects boolean values. But '{v}' is a "
                                   f"text and cannot be coerced to a boolean.")

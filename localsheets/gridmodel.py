"""What the grid page shows and asks, worked out from a document; no Flask here.

The page's edits are spelled here as the API requests Google Sheets' own
editor makes for them, so the page and a client of the API change a sheet
the same way.
"""
import dataclasses
import re

from localsheets import a1, numfmt
from localsheets.evaluate import Evaluator, FormulaError
from localsheets.values import parse_user_entered

PAGE_ROWS = 200  # rows shown at once, under the frozen ones
SPARE_ROWS, SPARE_COLUMNS = 3, 1  # empty cells shown past the data, to type into
FEWEST_ROWS, FEWEST_COLUMNS = 12, 6
_CELL = re.compile(r"^([A-Za-z]{1,3})([1-9]\d{0,6})$")


class EditError(ValueError):
    """A request the page cannot make, said in the person's terms."""


def parse_cell(text):
    """`B3` -> (row 2, column 1)."""
    m = _CELL.match((text or "").strip())
    if not m:
        raise EditError(f"'{text}' is not a cell; say which cell, like B3.")
    return int(m[2]) - 1, a1.col_to_index(m[1])


def parse_column(text):
    if not re.fullmatch(r"[A-Za-z]{1,3}", text or ""):
        raise EditError(f"'{text}' is not a column; say which column, like C.")
    return a1.col_to_index(text)


def parse_row(text):
    if not re.fullmatch(r"[1-9]\d{0,6}", text or ""):
        raise EditError(f"'{text}' is not a row number.")
    return int(text) - 1


def plural(n, one, many=None):
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclasses.dataclass
class Cell:
    a1: str
    text: str
    kind: str = ""  # "n" a number (right-aligned, as Google aligns them), "e" an error, "b" a boolean


@dataclasses.dataclass
class Grid:
    columns: list  # letters
    rows: list  # (row number, [Cell])
    frozen: int
    first: int  # first row shown under the frozen ones (0-based)
    data_rows: int
    grid_rows: int
    grid_columns: int

    @property
    def previous(self):
        return max(self.frozen, self.first - PAGE_ROWS) if self.first > self.frozen else None

    @property
    def next(self):
        last = self.first + PAGE_ROWS
        return last if last < self.shown_rows_end else None

    @property
    def shown_rows_end(self):
        return min(self.grid_rows, max(self.data_rows + SPARE_ROWS, FEWEST_ROWS))


def layout(doc, sheet, first=0):
    """The cells the page shows of a tab: frozen rows, then a page of rows from `first`."""
    ev = Evaluator(doc)
    grid = sheet["properties"]["gridProperties"]
    cells = sheet["cells"]
    # Rows and columns with a value; inherited formats and dropdowns alone don't count.
    filled = [[c for c, cell in enumerate(row) if cell and ("v" in cell or "f" in cell)] for row in cells]
    data_rows = max((r + 1 for r, row in enumerate(filled) if row), default=0)
    width = max((row[-1] + 1 for row in filled if row), default=0)
    width = min(grid["columnCount"], max(width + SPARE_COLUMNS, FEWEST_COLUMNS))
    frozen = min(grid.get("frozenRowCount", 0), grid["rowCount"])
    end_all = min(grid["rowCount"], max(data_rows + SPARE_ROWS, FEWEST_ROWS))
    first = max(frozen, min(first, max(frozen, end_all - 1)))
    shown = list(range(frozen)) + list(range(first, min(end_all, first + PAGE_ROWS)))
    rows = []
    for r in shown:
        row = []
        for c in range(width):
            cell = cells[r][c] if r < len(cells) and c < len(cells[r]) else None
            row.append(_shown(ev, sheet, cell, r, c))
        rows.append((r + 1, row))
    return Grid([a1.index_to_col(c) for c in range(width)], rows, frozen, first, data_rows, grid["rowCount"],
                grid["columnCount"])


def _shown(ev, sheet, cell, r, c):
    name = f"{a1.index_to_col(c)}{r + 1}"
    if not cell or ("v" not in cell and "f" not in cell):
        return Cell(name, "")
    text = ev.display(cell, sheet, r, c, "FORMATTED_VALUE")
    value = ev.cell_value(sheet, r, c)[0] if "f" in cell else cell["v"]
    if isinstance(value, FormulaError):
        kind = "e"
    elif isinstance(value, bool):
        kind = "b"
    elif isinstance(value, (int, float)):
        kind = "n"
    else:
        kind = ""
    return Cell(name, str(text), kind)


def edit_text(cell):
    """What the cell's edit box shows: what a person would type to get the cell back."""
    if not cell or ("v" not in cell and "f" not in cell):
        return ""
    if "f" in cell:
        return cell["f"]
    if "fmt" in cell:
        return cell["fmt"]
    v = cell["v"]
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return numfmt.general(v, digits=15)
    # Text that would be read as something else when typed keeps Google's quote prefix.
    return v if parse_user_entered(v) == {"v": v} else "'" + v


def pasted_rows(text):
    """Rows copied from a spreadsheet arrive as lines of tab-separated cells."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise EditError("There is nothing to paste: copy some rows from a spreadsheet first.")
    return [line.split("\t") for line in lines]


def first_empty_row(sheet):
    """The row under the last one with a value in it (1-based)."""
    for r in range(len(sheet["cells"]) - 1, -1, -1):
        if any(cell and ("v" in cell or "f" in cell) for cell in sheet["cells"][r]):
            return r + 2
    return 1


# --- warning-only protection ---------------------------------------------------

def warnings(sheet, area):
    """Descriptions of the warning-only protected ranges an edit of `area` touches."""
    r0, r1, c0, c1 = area
    grid = sheet["properties"]["gridProperties"]
    found = []
    for p in sheet.get("protectedRanges", []):
        if not p.get("warningOnly"):
            continue  # an editor of this spreadsheet may change the others without a word
        rng = p.get("range") or {}
        pr0, pr1 = rng.get("startRowIndex", 0), rng.get("endRowIndex", grid["rowCount"])
        pc0, pc1 = rng.get("startColumnIndex", 0), rng.get("endColumnIndex", grid["columnCount"])
        if pr0 < r1 and r0 < pr1 and pc0 < c1 and c0 < pc1:
            found.append(p.get("description") or "a protected range")
    return found


def warning_sentence(descriptions):
    """Google's warning for a warning-only range, with what the range is for.

    actnet describes its ranges `actnet: Tab.Column`, so the question names who fills the column.
    """
    owners = {d.partition(": ")[0] for d in descriptions if ": " in d}
    names = [d.partition(": ")[2] or d for d in descriptions]
    listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    if len(owners) == 1 and all(": " in d for d in descriptions):
        owner = owners.pop()
        if len(names) == 1:
            return f"This column is filled in by {owner} ({listed}); change it anyway?"
        return f"These columns are filled in by {owner} ({listed}); change them anyway?"
    return f"This part of the sheet is protected with a warning ({listed}); change it anyway?"


# --- the API requests the page's edits make -------------------------------------

def insert_rows(sheet, row, below):
    start = row + 1 if below else row
    return {"insertDimension": {"range": {"sheetId": sheet["properties"]["sheetId"], "dimension": "ROWS",
                                          "startIndex": start, "endIndex": start + 1},
                                "inheritFromBefore": below}}


def insert_columns(sheet, column, right):
    start = column + 1 if right else column
    return {"insertDimension": {"range": {"sheetId": sheet["properties"]["sheetId"], "dimension": "COLUMNS",
                                          "startIndex": start, "endIndex": start + 1},
                                "inheritFromBefore": right}}


def delete(sheet, dimension, index):
    return {"deleteDimension": {"range": {"sheetId": sheet["properties"]["sheetId"], "dimension": dimension,
                                          "startIndex": index, "endIndex": index + 1}}}


def sort_sheet(sheet, column, descending):
    """Data > Sort sheet: every row under the frozen ones, by one column."""
    frozen = sheet["properties"]["gridProperties"].get("frozenRowCount", 0)
    return {"sortRange": {"range": {"sheetId": sheet["properties"]["sheetId"], "startRowIndex": frozen},
                          "sortSpecs": [{"dimensionIndex": column,
                                         "sortOrder": "DESCENDING" if descending else "ASCENDING"}]}}


def sort_area(sheet):
    grid = sheet["properties"]["gridProperties"]
    return grid.get("frozenRowCount", 0), grid["rowCount"], 0, grid["columnCount"]

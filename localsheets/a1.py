"""A1 notation: `'My sheet'!A2:C`, `A:A`, `2:5`, `Sheet1`, and back again.

Indexes are zero-based and end-exclusive, as in the API's GridRange; None
means open (to the edge of the grid).
"""
import dataclasses
import re

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


class RangeError(ValueError):
    pass


@dataclasses.dataclass
class A1Range:
    sheet: str | None
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None


def col_to_index(letters):
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def index_to_col(index):
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def split_sheet(text):
    """Split `'It''s'!A1` into ("It's", "A1"); a bare name gives (name, None)."""
    text = text.strip()
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1:i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1:]
                if rest == "":
                    return "".join(name), None
                if rest.startswith("!"):
                    return "".join(name), rest[1:]
                raise RangeError(text)
            name.append(text[i])
            i += 1
        raise RangeError(text)
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        return sheet, cells
    return None, text


def _parse_cell(part):
    m = _CELL.match(part.strip())
    if not m or (not m.group(1) and not m.group(2)):
        raise RangeError(part)
    col = col_to_index(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise RangeError(part)
    return col, row


def parse(text, sheet_titles):
    """Parse an A1 range. A text with no `!` that names a sheet is that whole sheet."""
    sheet, cells = split_sheet(text)
    if sheet is None:
        if text.strip() in sheet_titles:
            return A1Range(text.strip())
        # Google reads a bare `A1:B2` as a range of the first sheet.
    if cells is None or cells == "":
        return A1Range(sheet)
    if ":" in cells:
        left, _, right = cells.partition(":")
        c1, r1 = _parse_cell(left)
        c2, r2 = _parse_cell(right)
        # `A:B` and `2:5` are whole columns / rows; `A2:C` is open at the bottom.
        if (c1 is None) != (c2 is None) and not (r1 is not None and c1 is not None):
            raise RangeError(text)
        start_col, end_col = c1, (c2 + 1 if c2 is not None else None)
        start_row, end_row = r1, (r2 + 1 if r2 is not None else None)
        if start_col is not None and end_col is not None and end_col <= start_col:
            start_col, end_col = end_col - 1, start_col + 1
        if start_row is not None and end_row is not None and end_row <= start_row:
            start_row, end_row = end_row - 1, start_row + 1
        return A1Range(sheet, start_row, end_row, start_col, end_col)
    c, r = _parse_cell(cells)
    if c is None or r is None:
        raise RangeError(text)
    return A1Range(sheet, r, r + 1, c, c + 1)


def quote_sheet(title):
    looks_like_cell = re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", title)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not looks_like_cell:
        return title
    return "'" + title.replace("'", "''") + "'"


def format_range(title, start_row, end_row, start_col, end_col):
    """A closed A1 range, `'Tab'!A1:C10`, the way Google echoes ranges back."""
    a = f"{index_to_col(start_col)}{start_row + 1}"
    b = f"{index_to_col(end_col - 1)}{end_row}"
    cells = a if a == b else f"{a}:{b}"
    return f"{quote_sheet(title)}!{cells}"

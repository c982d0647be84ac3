"""Where values.append puts its rows: the table Google finds in the range.

Google's guide (https://developers.google.com/sheets/api/guides/values#append_values)
describes a sheet with two tables, A1:C2 and B4:D6: appending to `Sheet1`,
`B4`, `C5:D5`, `B2:D4` or `A3:G10` writes at B7, because B4:D6 is the last
table in each range, even where the range holds only part of it; `A1` writes
at A3; `E4` and `A4` write where they are, being in no table.

The model that answers all of these, and Google's observed answer for a
sheet with only A1 and C1 filled (append to `Sheet1` gives tableRange
`Sheet1!C1`, rows written from C2):
- a table is a block of cells bounded by empty rows and columns (cells
  touching at a side or corner belong together), and may run past the range;
- the table appended to is the one holding the range's last non-empty cell,
  reading row by row;
- a range with nothing in it has no table: rows go at its first cell.
"""


def _filled(cells, r, c):
    if r < 0 or c < 0 or r >= len(cells) or c >= len(cells[r]):
        return False
    cell = cells[r][c]
    return bool(cell) and ("v" in cell or "f" in cell)


def _last_filled(cells, r0, r1, c0, c1):
    for r in range(min(r1, len(cells)) - 1, r0 - 1, -1):
        row = cells[r]
        for c in range(min(c1, len(row)) - 1, c0 - 1, -1):
            if _filled(cells, r, c):
                return r, c
    return None


def _any_in_row(cells, r, c0, c1):
    return any(_filled(cells, r, c) for c in range(max(c0, 0), c1))


def _any_in_col(cells, c, r0, r1):
    return any(_filled(cells, r, c) for r in range(max(r0, 0), min(r1, len(cells))))


def find_table(sheet, bounds):
    """(row0, row1, col0, col1) of the table values.append writes after, or None."""
    cells = sheet["cells"]
    start = _last_filled(cells, *bounds)
    if start is None:
        return None
    r0, c0 = start
    r1, c1 = r0 + 1, c0 + 1
    grown = True
    while grown:
        grown = False
        while _any_in_row(cells, r1, c0 - 1, c1 + 1):
            r1 += 1
            grown = True
        while r0 > 0 and _any_in_row(cells, r0 - 1, c0 - 1, c1 + 1):
            r0 -= 1
            grown = True
        while c0 > 0 and _any_in_col(cells, c0 - 1, r0 - 1, r1 + 1):
            c0 -= 1
            grown = True
        while _any_in_col(cells, c1, r0 - 1, r1 + 1):
            c1 += 1
            grown = True
    return r0, r1, c0, c1

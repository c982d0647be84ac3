"""sortRange: rows of a range reordered by one or more columns, as Google sorts them.

https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request#sortrangerequest
"Later specifications are used when values are equal in the earlier
specifications." Observed order in Google Sheets, ascending: numbers (dates
are numbers), then text compared without regard to case, then FALSE, TRUE;
blank cells always last, in either direction. The sort is stable.

Every reordering of rows goes through `permute_rows`, so whatever must move
with a row (its cells today; developer metadata on it later) is moved in one place.
"""
from localsheets import values as cellvalues
from localsheets.model import bad, cell_at

# Rank of each kind of value in an ascending sort; blanks are placed after, whatever the order.
_NUMBER, _TEXT, _BOOL = 0, 1, 2


def permute_rows(sheet, start, order, c0=None, c1=None):
    """Move rows so that row `start + i` gets what row `order[i]` held.

    `order` is a permutation of range(start, start + len(order)). Only the
    columns c0..c1 move (a sortRange over B:D leaves A and E in place); None
    means the whole row, notes, validation and formats included.
    """
    if list(order) == list(range(start, start + len(order))):
        return
    cells = sheet["cells"]
    end = start + len(order)
    while len(cells) < end:
        cells.append([])
    if c0 is None and c1 is None:
        cells[start:end] = [cells[r] for r in order]
    else:
        lo = c0 or 0
        hi = c1 if c1 is not None else max(len(cells[r]) for r in range(start, end))
        slices = [_slice(cells[r], lo, hi) for r in order]
        for i, part in enumerate(slices):
            row = cells[start + i]
            while len(row) < hi:
                row.append(None)
            row[lo:hi] = part
    for r in range(start, end):
        while cells[r] and cells[r][-1] is None:
            cells[r].pop()
    while cells and not cells[-1]:
        cells.pop()


def _slice(row, lo, hi):
    return [row[c] if c < len(row) else None for c in range(lo, hi)]


def _key_part(value, descending):
    """(blank?, (kind, value)) so that blanks sort last both ways."""
    if value is None or value == "":
        return (1, None)
    if isinstance(value, bool):
        kind, v = _BOOL, int(value)
    elif isinstance(value, (int, float)):
        kind, v = _NUMBER, value
    else:
        kind, v = _TEXT, str(value).casefold()
    return (0, _Reversed((kind, v)) if descending else (kind, v))


class _Reversed:
    """Inverts comparison, to sort one spec descending inside a tuple key."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return other.value < self.value

    def __eq__(self, other):
        return self.value == other.value


def sort_order(sheet, r0, r1, specs, value_at=None):
    """The permutation (old row indexes) that sorts rows r0..r1 by `specs`.

    specs: [(column index, descending?)]. `value_at(r, c)` gives a cell's
    value as the sort sees it (a formula's result); by default the stored value.
    """
    value_at = value_at or (lambda r, c: cellvalues.typed_value(cell_at(sheet, r, c)))

    def key(r):
        return tuple(_key_part(value_at(r, c), desc) for c, desc in specs)
    return sorted(range(r0, r1), key=key)


def sort_range(sheet, bounds, sort_specs, where, value_at=None):
    """Apply a SortRangeRequest's sortSpecs to the rows of `bounds` on `sheet`."""
    r0, r1, c0, c1 = bounds
    if not sort_specs:
        raise bad(f"Invalid {where}: At least one sort spec is required.")
    specs = []
    for spec in sort_specs:
        index = spec.get("dimensionIndex")
        order = spec.get("sortOrder") or "ASCENDING"
        if index is None or not c0 <= index < c1:
            raise bad(f"Invalid {where}: The sort spec's dimensionIndex ({index}) is not within the range.")
        if order not in ("ASCENDING", "DESCENDING", "SORT_ORDER_UNSPECIFIED"):
            raise bad(f"Invalid value at '{where}.sort_specs[0].sort_order', \"{order}\"")
        specs.append((index, order == "DESCENDING"))
    # Rows past the stored data are blank in every column: they stay where they are.
    last = min(r1, len(sheet["cells"]))
    if last <= r0:
        return
    whole_width = c0 == 0 and c1 >= sheet["properties"]["gridProperties"]["columnCount"]
    order = sort_order(sheet, r0, last, specs, value_at)
    if whole_width:
        permute_rows(sheet, r0, order)
    else:
        permute_rows(sheet, r0, order, c0, c1)

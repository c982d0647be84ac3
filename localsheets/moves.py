"""Rows and columns that move, and the developer metadata that moves with them.

Every change that moves rows or columns calls here: insertDimension (and
values.append INSERT_ROWS) through model.insert_dimension, deleteDimension,
moveDimension, and a sort through sorting.permute_rows. A tag goes where its
row or column goes, and away with it when it is deleted
(https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.developerMetadata).
"""
from localsheets.model import bad, sheet_by_id


def _on(sheet, dimension):
    return [e for e in sheet.get("devmeta", {}).values() if e["location"]["locationType"] != "SHEET"
            and e["location"]["dimensionRange"]["dimension"] == dimension]


def _put(entry, index):
    entry["location"]["dimensionRange"]["startIndex"] = index
    entry["location"]["dimensionRange"]["endIndex"] = index + 1


def dimension_inserted(sheet, dimension, start, count):
    """Rows or columns inserted at `start`: tags at or after it move on by `count`."""
    for entry in _on(sheet, dimension):
        index = entry["location"]["dimensionRange"]["startIndex"]
        if index >= start:
            _put(entry, index + count)


def dimension_deleted(sheet, dimension, start, end):
    """Rows or columns start..end deleted: their tags go with them, later ones move back."""
    for entry in _on(sheet, dimension):
        index = entry["location"]["dimensionRange"]["startIndex"]
        if start <= index < end:
            del sheet["devmeta"][str(entry["metadataId"])]
        elif index >= end:
            _put(entry, index - (end - start))


def rows_permuted(sheet, start, order):
    """A sort: row `start + i` now holds what row `order[i]` held, and its tags."""
    landed = {old: start + i for i, old in enumerate(order)}
    for entry in _on(sheet, "ROWS"):
        index = entry["location"]["dimensionRange"]["startIndex"]
        if index in landed:
            _put(entry, landed[index])


def move_mapping(start, end, destination):
    """Where index i ends up when start..end moves to `destination`, an index read
    before the move (MoveDimensionRequest.destinationIndex)."""
    n = end - start

    def to(i):
        if start <= i < end:
            return destination + (i - start) - (n if destination > start else 0)
        if destination <= i < start:
            return i + n
        if end <= i < destination:
            return i - n
        return i
    return to


def move_dimension(doc, args, where):
    """MoveDimensionRequest: cells, notes, formats and tags travel together."""
    source = args.get("source") or {}
    sheet = sheet_by_id(doc, source.get("sheetId", 0), where)
    dimension = source.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad(f"Invalid {where}: dimension must be ROWS or COLUMNS")
    start, end, destination = source.get("startIndex"), source.get("endIndex"), args.get("destinationIndex")
    grid = sheet["properties"]["gridProperties"]
    size = grid["rowCount"] if dimension == "ROWS" else grid["columnCount"]
    if start is None or end is None or end <= start or end > size:
        raise bad(f"Invalid {where}: range must have startIndex < endIndex within the grid")
    if destination is None or not 0 <= destination <= size:
        raise bad(f"Invalid {where}: destinationIndex ({destination}) is outside the grid ({size})")
    if start <= destination <= end:
        return  # moved onto itself
    to = move_mapping(start, end, destination)
    cells = sheet["cells"]
    if dimension == "ROWS":
        width = max(end, destination, len(cells))
        while len(cells) < width:
            cells.append([])
        moved = [None] * width
        for i in range(width):
            moved[to(i)] = cells[i]
        sheet["cells"] = moved
    else:
        for r, row in enumerate(cells):
            width = max(end, destination, len(row))
            padded = row + [None] * (width - len(row))
            moved = [None] * width
            for i in range(width):
                moved[to(i)] = padded[i]
            while moved and moved[-1] is None:
                moved.pop()
            cells[r] = moved
    while sheet["cells"] and not sheet["cells"][-1]:
        sheet["cells"].pop()
    for entry in _on(sheet, dimension):
        _put(entry, to(entry["location"]["dimensionRange"]["startIndex"]))

"""The Sheets API's operations on one spreadsheet document (a plain dict).

Each function takes the document, changes it in place or reads it, and
returns the API's response body; `ApiError` carries Google's error shape.
The server makes each call atomic by working on a fresh copy.
"""
import secrets

from localsheets import a1, tables, values as cellvalues
from localsheets.evaluate import Evaluator

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
CELL_LIMIT = 10_000_000  # Google's limit on the cells of one spreadsheet, all tabs together
RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
STATUS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


class ApiError(Exception):
    def __init__(self, code, message, status=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS.get(code, "UNKNOWN")

    def body(self):
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def check_cell_limit(doc):
    cells = sum(s["properties"]["gridProperties"]["rowCount"] * s["properties"]["gridProperties"]["columnCount"]
                for s in doc["sheets"])
    if cells > CELL_LIMIT:
        raise bad(f"This action would increase the number of cells in the workbook above the limit of "
                  f"{CELL_LIMIT} cells.")


def bad(message):
    return ApiError(400, message)


# --- spreadsheets -----------------------------------------------------------

def new_spreadsheet(body):
    doc = {
        "spreadsheetId": secrets.token_urlsafe(33)[:44],
        "properties": {"title": "Untitled spreadsheet", "locale": "en_US",
                       "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"},
        "sheets": [],
        "next_sheet_id": 0,
        "next_protected_id": 1,
    }
    doc["properties"].update((body or {}).get("properties") or {})
    for sheet in (body or {}).get("sheets") or [{}]:
        add_sheet(doc, sheet.get("properties") or {})
    return doc


def add_sheet(doc, props):
    title = props.get("title") or f"Sheet{len(doc['sheets']) + 1}"
    if any(s["properties"]["title"].lower() == title.lower() for s in doc["sheets"]):
        raise bad(f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. '
                  f'Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = doc["next_sheet_id"] if doc["sheets"] else 0
        while any(s["properties"]["sheetId"] == sheet_id for s in doc["sheets"]):
            sheet_id += 1
    doc["next_sheet_id"] = max(doc["next_sheet_id"], sheet_id) + 1
    grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLS}
    grid.update(props.get("gridProperties") or {})
    index = props.get("index", len(doc["sheets"]))
    properties = {"sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID",
                  "gridProperties": grid}
    for key in ("hidden", "tabColor", "rightToLeft"):
        if key in props:
            properties[key] = props[key]
    sheet = {"properties": properties, "protectedRanges": [], "formatting": [], "cells": []}
    doc["sheets"].insert(index, sheet)
    reindex(doc)
    return sheet


def reindex(doc):
    for i, sheet in enumerate(doc["sheets"]):
        sheet["properties"]["index"] = i


def public_view(doc, ranges=(), include_grid=False):
    """spreadsheets.get: the document as the API shows it."""
    sheets = []
    wanted = None
    if ranges:
        wanted = {}
        for text in ranges:
            sheet, bounds = resolve(doc, text)
            wanted.setdefault(sheet["properties"]["sheetId"], []).append(bounds)
    ev = Evaluator(doc) if include_grid else None
    for sheet in doc["sheets"]:
        sid = sheet["properties"]["sheetId"]
        if wanted is not None and sid not in wanted:
            continue
        out = {"properties": sheet["properties"]}
        if sheet["protectedRanges"]:
            out["protectedRanges"] = sheet["protectedRanges"]
        if include_grid:
            areas = wanted[sid] if wanted else [full_bounds(sheet)]
            out["data"] = [grid_data(sheet, b, ev) for b in areas]
        sheets.append(out)
    return {"spreadsheetId": doc["spreadsheetId"], "properties": doc["properties"], "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{doc['spreadsheetId']}/edit"}


def grid_data(sheet, bounds, ev):
    r0, r1, c0, c1 = bounds
    rows = []
    for r in range(r0, min(r1, len(sheet["cells"]))):
        row = sheet["cells"][r]
        cells = []
        for c in range(c0, min(c1, len(row))):
            cell = row[c]
            out = {}
            if cell:
                if "v" in cell or "f" in cell:
                    out["userEnteredValue"] = cellvalues.extended_value(cell)
                    out["effectiveValue"] = ev.effective_value(cell, sheet, r, c)
                    out["formattedValue"] = str(ev.display(cell, sheet, r, c, "FORMATTED_VALUE"))
                for key, name in (("note", "note"), ("dv", "dataValidation"), ("format", "userEnteredFormat")):
                    if key in cell:
                        out[name] = cell[key]
            cells.append(out)
        while cells and not cells[-1]:
            cells.pop()
        rows.append({"values": cells} if cells else {})
    while rows and not rows[-1]:
        rows.pop()
    return {"startRow": r0, "startColumn": c0, "rowData": rows}


# --- ranges -----------------------------------------------------------------

def sheet_by_title(doc, title):
    for sheet in doc["sheets"]:
        if sheet["properties"]["title"] == title:
            return sheet
    # Google matches sheet names in ranges without regard to case.
    for sheet in doc["sheets"]:
        if sheet["properties"]["title"].lower() == title.lower():
            return sheet
    return None


def sheet_by_id(doc, sheet_id, where="request"):
    for sheet in doc["sheets"]:
        if sheet["properties"]["sheetId"] == sheet_id:
            return sheet
    raise bad(f"Invalid {where}: No grid with id: {sheet_id}")


def full_bounds(sheet):
    grid = sheet["properties"]["gridProperties"]
    return 0, grid["rowCount"], 0, grid["columnCount"]


def resolve(doc, text, check_limits=True):
    """A1 text to (sheet, (row0, row1, col0, col1)), clipped to the grid where open."""
    titles = [s["properties"]["title"] for s in doc["sheets"]]
    try:
        rng = a1.parse(text, titles)
    except a1.RangeError:
        raise bad(f"Unable to parse range: {text}") from None
    if rng.sheet is None:
        sheet = doc["sheets"][0]
    else:
        sheet = sheet_by_title(doc, rng.sheet)
        if sheet is None:
            raise bad(f"Unable to parse range: {text}")
    grid = sheet["properties"]["gridProperties"]
    rows, cols = grid["rowCount"], grid["columnCount"]
    r0 = rng.start_row or 0
    c0 = rng.start_col or 0
    r1 = rng.end_row if rng.end_row is not None else rows
    c1 = rng.end_col if rng.end_col is not None else cols
    if check_limits and (r1 > rows or c1 > cols or r0 >= rows or c0 >= cols):
        raise bad(f"Range ({a1.format_range(sheet['properties']['title'], r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}) "
                  f"exceeds grid limits. Max rows: {rows}, max columns: {cols}")
    return sheet, (r0, r1, c0, c1)


def range_text(sheet, r0, r1, c0, c1):
    return a1.format_range(sheet["properties"]["title"], r0, r1, c0, c1)


def cell_at(sheet, r, c):
    cells = sheet["cells"]
    if r < len(cells) and c < len(cells[r]):
        return cells[r][c]
    return None


def put_cell(sheet, r, c, cell):
    """Store a cell dict (None when empty), growing the stored rows as needed."""
    cells = sheet["cells"]
    while len(cells) <= r:
        cells.append([])
    row = cells[r]
    while len(row) <= c:
        row.append(None)
    row[c] = cell or None


def _setcell_at(sheet, r, c, cell):
    """Set a cell's value, keeping its note, validation and format."""
    extras = {k: v for k, v in (cell_at(sheet, r, c) or {}).items() if k not in ("v", "f", "fmt")}
    put_cell(sheet, r, c, {**(cell or {}), **extras})


# --- values -----------------------------------------------------------------

def read_values(sheet, bounds, major="ROWS", render="FORMATTED_VALUE", ev=None):
    """Values of a range; formulas computed by `ev` (an Evaluator of the document)."""
    r0, r1, c0, c1 = bounds
    ev = ev or Evaluator({"sheets": [sheet], "properties": {}})
    rows = []
    for r in range(r0, min(r1, len(sheet["cells"]))):
        src = sheet["cells"][r]
        row = [_shown(ev, src[c], sheet, r, c, render) for c in range(c0, min(c1, len(src)))]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    if major == "COLUMNS":
        width = max((len(r) for r in rows), default=0)
        cols = [[r[i] if i < len(r) else "" for r in rows] for i in range(width)]
        rows = []
        for col in cols:
            while col and col[-1] == "":
                col.pop()
            rows.append(col)
        while rows and not rows[-1]:
            rows.pop()
    return rows


def _shown(ev, cell, sheet, r, c, render):
    if not cell or ("v" not in cell and "f" not in cell):
        return ""
    return ev.display(cell, sheet, r, c, render)


def check_options(major=None, render=None, value_input=None, require_input=False):
    if major not in (None, "ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"):
        raise bad(f"Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), \"{major}\"")
    if render not in (None, *RENDER_OPTIONS):
        raise bad(f"Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), \"{render}\"")
    if require_input and value_input is None:
        raise bad("'valueInputOption' is required but not specified")
    if value_input not in (None, "RAW", "USER_ENTERED"):
        raise bad(f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"{value_input}\"")


def get_values(doc, text, major="ROWS", render="FORMATTED_VALUE"):
    check_options(major, render)
    major = "COLUMNS" if major == "COLUMNS" else "ROWS"
    sheet, bounds = resolve(doc, text)
    out = {"range": range_text(sheet, *bounds), "majorDimension": major}
    rows = read_values(sheet, bounds, major, render or "FORMATTED_VALUE", Evaluator(doc))
    if rows:
        out["values"] = rows
    return out


def _as_rows(body):
    data = body.get("values") or []
    if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
        raise bad("Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue)")
    if body.get("majorDimension") == "COLUMNS":
        width = max((len(c) for c in data), default=0)
        return [[col[i] if i < len(col) else None for col in data] for i in range(width)]
    return data


def _parse(value, value_input):
    if isinstance(value, (dict, list)):
        raise bad("Invalid values[0][0]: struct_value")
    return cellvalues.parse_user_entered(value) if value_input == "USER_ENTERED" else cellvalues.parse_raw(value)


def write_values(doc, text, body, value_input, include_values=False, render="FORMATTED_VALUE"):
    check_options(body.get("majorDimension"), value_input=value_input, require_input=True)
    if body.get("range") and text and a1.split_sheet(body["range"]) != a1.split_sheet(text):
        raise bad(f"Requested writing within range [{text}], but tried writing to [{body['range']}]")
    sheet, (r0, r1, c0, c1) = resolve(doc, text, check_limits=False)
    rows = _as_rows(body)
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    grid = sheet["properties"]["gridProperties"]
    explicit = a1.parse(text, [s["properties"]["title"] for s in doc["sheets"]])
    if explicit.end_row is not None and r0 + height > r1 and not _singlecell_at(explicit):
        raise bad(f"Requested writing within range [{text}], but tried writing to row [{r0 + height}]")
    if explicit.end_col is not None and c0 + width > c1 and not _singlecell_at(explicit):
        raise bad(f"Requested writing within range [{text}], but tried writing to column "
                  f"[{a1.index_to_col(c0 + width - 1)}]")
    if r0 + height > grid["rowCount"] or c0 + width > grid["columnCount"] or r0 >= grid["rowCount"]:
        raise bad(f"Range ({range_text(sheet, r0, r0 + max(height, 1), c0, c0 + max(width, 1))}) exceeds grid "
                  f"limits. Max rows: {grid['rowCount']}, max columns: {grid['columnCount']}")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue  # null leaves the cell as it is; "" clears it
            _setcell_at(sheet, r0 + i, c0 + j, _parse(value, value_input))
    area = (r0, r0 + height, c0, c0 + width)
    out = {"spreadsheetId": doc["spreadsheetId"], "updatedRange": range_text(sheet, *area) if height and width else
           range_text(sheet, r0, r0 + 1, c0, c0 + 1)}
    out.update(_written(rows))
    if include_values:
        out["updatedData"] = {"range": out["updatedRange"], "majorDimension": "ROWS",
                              "values": read_values(sheet, area, "ROWS", render, Evaluator(doc))}
    return out


def _written(rows):
    """updatedRows, updatedColumns and updatedCells as Google counts them: only cells
    actually written, a null in the payload being skipped; a count of zero is
    left out, as proto3 JSON leaves out zeros."""
    written = [(i, j) for i, row in enumerate(rows) for j, v in enumerate(row) if v is not None]
    counts = {"updatedRows": len({i for i, _ in written}), "updatedColumns": len({j for _, j in written}),
              "updatedCells": len(written)}
    return {k: v for k, v in counts.items() if v}


def _singlecell_at(rng):
    return rng.end_row == (rng.start_row or 0) + 1 and rng.end_col == (rng.start_col or 0) + 1


def clear_values(doc, text):
    sheet, (r0, r1, c0, c1) = resolve(doc, text)
    for r in range(r0, min(r1, len(sheet["cells"]))):
        row = sheet["cells"][r]
        for c in range(c0, min(c1, len(row))):
            if row[c]:
                extras = {k: v for k, v in row[c].items() if k not in ("v", "f", "fmt")}
                row[c] = extras or None
    return range_text(sheet, r0, r1, c0, c1)


def append_values(doc, text, body, value_input, insert_option="OVERWRITE", include_values=False,
                  render="FORMATTED_VALUE"):
    """values.append: find the table in the range, write after its last row."""
    check_options(body.get("majorDimension"), value_input=value_input, require_input=True)
    if insert_option not in (None, "OVERWRITE", "INSERT_ROWS"):
        raise bad(f"Invalid value at 'insert_data_option', \"{insert_option}\"")
    sheet, (r0, r1, c0, c1) = resolve(doc, text)
    rows = _as_rows(body)
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    out = {"spreadsheetId": doc["spreadsheetId"]}
    table = tables.find_table(sheet, (r0, r1, c0, c1))
    if table is None:
        target_row, target_col = r0, c0
    else:
        out["tableRange"] = range_text(sheet, *table)
        target_row, target_col = table[1], table[2]
    grid = sheet["properties"]["gridProperties"]
    if insert_option == "INSERT_ROWS":
        insert_dimension(sheet, "ROWS", target_row, height, doc)
    grid["rowCount"] = max(grid["rowCount"], target_row + height)
    grid["columnCount"] = max(grid["columnCount"], target_col + width)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                _setcell_at(sheet, target_row + i, target_col + j, _parse(value, value_input))
    area = (target_row, target_row + max(height, 1), target_col, target_col + max(width, 1))
    updates = {"spreadsheetId": doc["spreadsheetId"], "updatedRange": range_text(sheet, *area)}
    updates.update(_written(rows))
    if include_values:
        updates["updatedData"] = {"range": updates["updatedRange"], "majorDimension": "ROWS",
                                  "values": read_values(sheet, area, "ROWS", render, Evaluator(doc))}
    out["updates"] = updates
    return out


def insert_dimension(sheet, dimension, start, count, doc=None, inherit_from_before=False):
    """Insert empty rows or columns; they take the format and validation of their
    neighbour, the one after unless `inherit_from_before` (InsertDimensionRequest)."""
    grid = sheet["properties"]["gridProperties"]
    source = start - 1 if inherit_from_before else start
    if dimension == "ROWS":
        model_row = sheet["cells"][source] if 0 <= source < len(sheet["cells"]) else []
        inherited = [_inheritable(cell) for cell in model_row]
        while inherited and inherited[-1] is None:
            inherited.pop()
        if start < len(sheet["cells"]):
            sheet["cells"][start:start] = [_copies(inherited) for _ in range(count)]
        elif inherited:
            while len(sheet["cells"]) < start:
                sheet["cells"].append([])
            sheet["cells"].extend(_copies(inherited) for _ in range(count))
        grid["rowCount"] += count
    else:
        for row in sheet["cells"]:
            kept = _inheritable(row[source]) if 0 <= source < len(row) else None
            if start < len(row) or kept:
                while len(row) < start:
                    row.append(None)
                row[start:start] = [dict(kept) if kept else None for _ in range(count)]
                while row and row[-1] is None:
                    row.pop()
        grid["columnCount"] += count
    if doc is not None:
        from localsheets import refs
        refs.dimension_changed(doc, sheet, dimension, start, count)


def _copies(cells):
    return [dict(c) if c else None for c in cells]


def _inheritable(cell):
    kept = {k: v for k, v in (cell or {}).items() if k in ("format", "dv")}
    return kept or None

"""spreadsheets.batchUpdate: the structural and formatting requests, applied in order.

The server runs a whole batch on a fresh copy of the document, so a failing
request leaves nothing of the batch behind, as Google's batches do.
"""
import itertools

from localsheets import sorting, values as cellvalues
from localsheets.model import (DEFAULT_COLS, DEFAULT_ROWS, add_sheet, bad, cell_at, insert_dimension,
                               public_view, put_cell, reindex, sheet_by_id, sheet_by_title)

FORMATTING_REQUESTS = {
    "repeatCell", "updateBorders", "updateDimensionProperties", "autoResizeDimensions",
    "mergeCells", "unmergeCells", "addConditionalFormatRule", "deleteConditionalFormatRule",
    "addBanding", "setBasicFilter", "clearBasicFilter", "addNamedRange",
}


def _delete(sheet, dimension, start, end):
    grid = sheet["properties"]["gridProperties"]
    key, size = ("rowCount", grid["rowCount"]) if dimension == "ROWS" else ("columnCount", grid["columnCount"])
    if start < 0 or end > size or start >= end:
        raise bad(f"Invalid requests[0].deleteDimension: Invalid range: {start}..{end}")
    if dimension == "ROWS":
        if end - start >= size:
            raise bad("Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.")
        del sheet["cells"][start:end]
    else:
        if end - start >= size:
            raise bad("Invalid requests[0].deleteDimension: You can't delete all the columns on the sheet.")
        for row in sheet["cells"]:
            del row[start:end]
    grid[key] -= end - start


def _apply_mask(target, source, fields):
    """Copy the fields named in a FieldMask (`a.b,c`, `*`) from source to target."""
    if fields.strip() == "*":
        target.update(source)
        return
    for path in fields.replace("/", ".").split(","):
        parts = [p for p in path.strip().split(".") if p]
        if not parts:
            continue
        src, dst = source, target
        for p in parts[:-1]:
            src = src.get(p, {}) if isinstance(src, dict) else {}
            dst = dst.setdefault(p, {})
        if isinstance(src, dict) and parts[-1] in src:
            dst[parts[-1]] = src[parts[-1]]
        else:
            dst.pop(parts[-1], None)


def _grid_range(doc, rng, where):
    sheet = sheet_by_id(doc, rng.get("sheetId", 0), where)
    rows, cols = sheet["properties"]["gridProperties"]["rowCount"], sheet["properties"]["gridProperties"]["columnCount"]
    return sheet, (rng.get("startRowIndex", 0), rng.get("endRowIndex", rows),
                   rng.get("startColumnIndex", 0), rng.get("endColumnIndex", cols))


def _set_cell_fields(sheet, r, c, data, fields):
    cell = dict(cell_at(sheet, r, c) or {})
    wanted = {f.strip().split(".")[0].split("/")[0] for f in fields.split(",")}
    everything = "*" in wanted
    if everything or "userEnteredValue" in wanted:
        for k in ("v", "f", "fmt"):
            cell.pop(k, None)
        cell.update(cellvalues.from_extended_value(data.get("userEnteredValue")) or {})
    for name, key in (("note", "note"), ("dataValidation", "dv"), ("userEnteredFormat", "format")):
        if everything or name in wanted:
            if data.get(name):
                cell[key] = data[name]
            else:
                cell.pop(key, None)
    put_cell(sheet, r, c, cell)


def batch_update(doc, body):
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise bad("Must specify at least one request.")
    replies = []
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise bad(f"Invalid requests[{i}]: exactly one kind of request must be set.")
        (kind, args), = request.items()
        where = f"requests[{i}].{kind}"
        replies.append(_one_request(doc, kind, args or {}, where))
    out = {"spreadsheetId": doc["spreadsheetId"], "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = public_view(doc)
    return out


def _one_request(doc, kind, args, where):
    if kind == "addSheet":
        sheet = add_sheet(doc, args.get("properties") or {})
        return {"addSheet": {"properties": sheet["properties"]}}
    if kind == "deleteSheet":
        sheet = sheet_by_id(doc, args.get("sheetId"), where)
        if len(doc["sheets"]) == 1:
            raise bad(f"Invalid {where}: You can't remove all the sheets in a document.")
        doc["sheets"].remove(sheet)
        reindex(doc)
        return {}
    if kind == "updateSheetProperties":
        props = args.get("properties") or {}
        fields = args.get("fields")
        if not fields:
            raise bad(f"Invalid {where}: At least one field must be updated, but 'fields' is empty.")
        sheet = sheet_by_id(doc, props.get("sheetId", 0), where)
        title = props.get("title")
        if title is not None and "title" in fields:
            other = sheet_by_title(doc, title)
            if other is not None and other is not sheet:
                raise bad(f'Invalid {where}: A sheet with the name "{title}" already exists. '
                          f'Please enter another name.')
        _apply_mask(sheet["properties"], props, fields)
        sheet["properties"]["sheetId"] = props.get("sheetId", 0)
        grid = sheet["properties"].setdefault("gridProperties", {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLS)
        if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
            raise bad(f"Invalid {where}: You can't freeze all visible rows on the sheet.")
        if "index" in props and "index" in fields:
            doc["sheets"].remove(sheet)
            doc["sheets"].insert(min(props["index"], len(doc["sheets"])), sheet)
            reindex(doc)
        return {}
    if kind == "updateSpreadsheetProperties":
        _apply_mask(doc["properties"], args.get("properties") or {}, args.get("fields") or "")
        return {}
    if kind in ("insertDimension", "deleteDimension"):
        rng = args.get("range") or {}
        sheet = sheet_by_id(doc, rng.get("sheetId", 0), where)
        dimension = rng.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise bad(f"Invalid {where}: dimension must be ROWS or COLUMNS")
        start, end = rng.get("startIndex", 0), rng.get("endIndex")
        if end is None or end <= start:
            raise bad(f"Invalid {where}: range must have startIndex < endIndex")
        if kind == "insertDimension":
            size = sheet["properties"]["gridProperties"]["rowCount" if dimension == "ROWS" else "columnCount"]
            if start > size:
                raise bad(f"Invalid {where}: range start index ({start}) is after the end of the grid ({size})")
            insert_dimension(sheet, dimension, start, end - start)
        else:
            _delete(sheet, dimension, start, end)
        return {}
    if kind == "appendDimension":
        sheet = sheet_by_id(doc, args.get("sheetId", 0), where)
        length = args.get("length", 0)
        if length <= 0:
            raise bad(f"Invalid {where}: length must be positive")
        key = "rowCount" if args.get("dimension") == "ROWS" else "columnCount"
        sheet["properties"]["gridProperties"][key] += length
        return {}
    if kind == "addProtectedRange":
        protected = dict(args.get("protectedRange") or {})
        sheet, _ = _grid_range(doc, protected.get("range") or {}, where)
        protected["protectedRangeId"] = doc["next_protected_id"]
        doc["next_protected_id"] += 1
        protected.setdefault("requestingUserCanEdit", True)
        sheet["protectedRanges"].append(protected)
        return {"addProtectedRange": {"protectedRange": protected}}
    if kind == "deleteProtectedRange":
        pid = args.get("protectedRangeId")
        for sheet in doc["sheets"]:
            for p in sheet["protectedRanges"]:
                if p["protectedRangeId"] == pid:
                    sheet["protectedRanges"].remove(p)
                    return {}
        raise bad(f"Invalid {where}: No protected range with id: {pid}")
    if kind == "setDataValidation":
        sheet, (r0, r1, c0, c1) = _grid_range(doc, args.get("range") or {}, where)
        for r, c in itertools.product(range(r0, r1), range(c0, c1)):
            _set_cell_fields(sheet, r, c, {"dataValidation": args.get("rule")}, "dataValidation")
        return {}
    if kind == "updateCells":
        fields = args.get("fields")
        if not fields:
            raise bad(f"Invalid {where}: At least one field must be updated, but 'fields' is empty.")
        if "start" in args:
            start = args["start"]
            sheet = sheet_by_id(doc, start.get("sheetId", 0), where)
            r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        else:
            sheet, (r0, _, c0, _) = _grid_range(doc, args.get("range") or {}, where)
        grid = sheet["properties"]["gridProperties"]
        for i, row in enumerate(args.get("rows") or []):
            for j, data in enumerate(row.get("values") or []):
                if r0 + i >= grid["rowCount"] or c0 + j >= grid["columnCount"]:
                    raise bad(f"Invalid {where}: the cells go past the edge of the grid.")
                _set_cell_fields(sheet, r0 + i, c0 + j, data or {}, fields)
        return {}
    if kind == "sortRange":
        sheet, bounds = _grid_range(doc, args.get("range") or {}, where)
        sorting.sort_range(sheet, bounds, args.get("sortSpecs"), where)
        return {}
    if kind in FORMATTING_REQUESTS:
        rng = args.get("range") or {}
        sheet = sheet_by_id(doc, rng.get("sheetId", 0), where) if "sheetId" in rng else doc["sheets"][0]
        sheet["formatting"].append({kind: args})
        if kind == "repeatCell" and "userEnteredFormat" in (args.get("fields") or ""):
            _, (r0, r1, c0, c1) = _grid_range(doc, rng, where)
            fmt = (args.get("cell") or {}).get("userEnteredFormat")
            for r, c in itertools.product(range(r0, r1), range(c0, c1)):
                _set_cell_fields(sheet, r, c, {"userEnteredFormat": fmt}, "userEnteredFormat")
        return {}
    raise bad(f'Invalid JSON payload received. Unknown name "{kind}" at \'requests[0]\': Cannot find field.')

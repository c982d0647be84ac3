"""Reading and writing through data filters, and the developerMetadata resource.

https://developers.google.com/sheets/api/reference/rest/v4/DataFilter
A DataFilter selects an A1 range, a grid range, or the rows, columns and
sheets whose developer metadata a lookup matches: a row tag selects the whole
row, a column tag the whole column, wherever they are at that moment.
https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.values/batchUpdateByDataFilter
"If more than one range is matched by the specified DataFilter the specified
values are applied to all of those ranges." Values land from the range's first
cell on: along a row from column A, down a column from row 1.
"""
from localsheets import devmeta, model
from localsheets.evaluate import Evaluator
from localsheets.model import bad


def range_of(doc, data_filter, kind):
    """The one range an a1Range or gridRange filter names: (sheet, bounds)."""
    if kind == "a1Range":
        return model.resolve(doc, data_filter["a1Range"])
    grid = data_filter["gridRange"]
    sheet = model.sheet_by_id(doc, grid.get("sheetId", 0), "dataFilter")
    rows, cols = model.full_bounds(sheet)[1], model.full_bounds(sheet)[3]
    bounds = (grid.get("startRowIndex", 0), grid.get("endRowIndex", rows),
              grid.get("startColumnIndex", 0), grid.get("endColumnIndex", cols))
    if bounds[1] > rows or bounds[3] > cols or bounds[0] >= bounds[1] or bounds[2] >= bounds[3]:
        raise bad(f"Range ({model.range_text(sheet, *bounds)}) exceeds grid limits. Max rows: {rows}, "
                  f"max columns: {cols}")
    return sheet, bounds


def ranges_of(doc, data_filter, where="dataFilter"):
    """Every range a DataFilter selects now, as (sheet, bounds)."""
    kind = devmeta.check_filter(data_filter, where)
    if kind != "developerMetadataLookup":
        return [range_of(doc, data_filter, kind)]
    lookup = data_filter[kind]
    devmeta.check_lookup(lookup, where)
    found = []
    wanted = devmeta.id_only(data_filter)
    if wanted is not None:
        hit = devmeta.locate(doc, wanted)
        candidates = [hit] if hit else []
    else:
        candidates = [(e, s) for e, s in devmeta.everything(doc) if devmeta.matches_lookup(lookup, e)]
    for entry, sheet in candidates:
        if sheet is None:
            continue  # spreadsheet-level metadata has no cells
        rows, cols = model.full_bounds(sheet)[1], model.full_bounds(sheet)[3]
        location = entry["location"]
        if location["locationType"] == "SHEET":
            found.append((sheet, (0, rows, 0, cols)))
            continue
        i = location["dimensionRange"]["startIndex"]
        found.append((sheet, (i, i + 1, 0, cols) if location["locationType"] == "ROW" else (0, rows, i, i + 1)))
    return found


def _filters(body, where="dataFilters"):
    filters = body.get("dataFilters")
    if not isinstance(filters, list) or not filters:
        raise bad(f"Invalid {where}: At least one data filter must be specified.")
    return filters


def _matched(doc, filters):
    """[(sheet, bounds, [filters that matched])], one entry per distinct range, in order."""
    out, seen = [], {}
    for i, data_filter in enumerate(filters):
        for sheet, bounds in ranges_of(doc, data_filter, f"dataFilters[{i}]"):
            key = (sheet["properties"]["sheetId"], bounds)
            if key in seen:
                out[seen[key]][2].append(data_filter)
            else:
                seen[key] = len(out)
                out.append((sheet, bounds, [data_filter]))
    return out


def batch_get(doc, body):
    """values:batchGetByDataFilter."""
    major, render = body.get("majorDimension"), body.get("valueRenderOption")
    model.check_options(major, render)
    major = "COLUMNS" if major == "COLUMNS" else "ROWS"
    value_ranges = []
    for sheet, bounds, matched in _matched(doc, _filters(body)):
        value_range = {"range": model.range_text(sheet, *bounds), "majorDimension": major}
        values = model.read_values(sheet, bounds, major, render or "FORMATTED_VALUE", Evaluator(doc))
        if values:
            value_range["values"] = values
        value_ranges.append({"valueRange": value_range, "dataFilters": matched})
    out = {"spreadsheetId": doc["spreadsheetId"]}
    if value_ranges:
        out["valueRanges"] = value_ranges
    return out


def batch_update(doc, body):
    """values:batchUpdateByDataFilter: each DataFilterValueRange written to every range its filter matches."""
    option = body.get("valueInputOption")
    model.check_options(value_input=option, require_input=True)
    include = bool(body.get("includeValuesInResponse"))
    render = body.get("responseValueRenderOption") or "FORMATTED_VALUE"
    model.check_options(render=render)
    responses = []
    for i, item in enumerate(body.get("data") or []):
        data_filter = item.get("dataFilter")
        if data_filter is None:
            raise bad(f"Invalid data[{i}]: A data filter must be specified.")
        major = "COLUMNS" if item.get("majorDimension") == "COLUMNS" else "ROWS"
        for sheet, bounds in ranges_of(doc, data_filter, f"data[{i}].dataFilter"):
            text = model.range_text(sheet, *bounds)
            try:
                written = model.write_values(doc, text, {"values": item.get("values") or [],
                                                         "majorDimension": major}, option)
            except model.ApiError as err:
                raise bad(f"Invalid data[{i}]: {err.message}") from None
            response = {k: v for k, v in written.items() if k != "spreadsheetId"}
            response["dataFilter"] = data_filter
            if include:
                # The whole matched range, as the guide's example answers (A7:Z7 for a row tag).
                value_range = {"range": text, "majorDimension": major}
                values = model.read_values(sheet, bounds, major, render, Evaluator(doc))
                if values:
                    value_range["values"] = values
                response["updatedData"] = value_range
            responses.append(response)
    totals = {"totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
              "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
              "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
              "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in responses
                                         if r.get("updatedCells")})}
    return {"spreadsheetId": doc["spreadsheetId"], **{k: v for k, v in totals.items() if v},
            "responses": responses}


def get_by_data_filter(doc, body):
    """spreadsheets:getByDataFilter: the sheets (and, with includeGridData, the cells) the filters select."""
    matched = _matched(doc, _filters(body))
    texts = [model.range_text(sheet, *bounds) for sheet, bounds, _ in matched]
    include = bool(body.get("includeGridData"))
    if not texts:
        view = model.public_view(doc, [], False)
        view["sheets"] = []
        return view
    return with_metadata(doc, model.public_view(doc, texts, include), texts)


def with_metadata(doc, view, ranges=()):
    """Developer metadata where Google shows it in a Spreadsheet: the spreadsheet's
    and each sheet's own, and row and column tags in GridData.rowMetadata and
    columnMetadata (DimensionProperties.developerMetadata)."""
    top = [devmeta.public(e) for e in doc.get("devmeta", {}).values()]
    if top:
        view["developerMetadata"] = top
    wanted = {}
    for text in ranges:
        sheet, bounds = model.resolve(doc, text)
        wanted.setdefault(sheet["properties"]["sheetId"], []).append(bounds)
    for out in view["sheets"]:
        sheet = model.sheet_by_id(doc, out["properties"]["sheetId"])
        own = [devmeta.public(e) for e in sheet.get("devmeta", {}).values()
               if e["location"]["locationType"] == "SHEET"]
        if own:
            out["developerMetadata"] = own
        areas = wanted.get(out["properties"]["sheetId"]) or [model.full_bounds(sheet)]
        for data, (r0, r1, c0, c1) in zip(out.get("data", ()), areas):
            data["rowMetadata"] = _dimension_properties(sheet, "ROWS", r0, r1, 21)
            data["columnMetadata"] = _dimension_properties(sheet, "COLUMNS", c0, c1, 100)
    return view


def _dimension_properties(sheet, dimension, start, end, pixels):
    tags = {}
    for entry in sheet.get("devmeta", {}).values():
        rng = entry["location"].get("dimensionRange")
        if rng and rng["dimension"] == dimension and start <= rng["startIndex"] < end:
            tags.setdefault(rng["startIndex"], []).append(devmeta.public(entry))
    out = []
    for i in range(start, end):
        props = {"pixelSize": pixels}
        if i in tags:
            props["developerMetadata"] = tags[i]
        out.append(props)
    return out


def search(doc, body):
    """developerMetadata:search: every tag any filter matches, with the filters that matched it."""
    found, order = {}, []
    filters = _filters(body)
    for i, data_filter in enumerate(filters):
        devmeta.validate(data_filter, f"dataFilters[{i}]")
    for i, data_filter in enumerate(filters):
        for entry, sheet in devmeta.everything(doc):
            if devmeta.matches_filter(doc, data_filter, entry, sheet, f"dataFilters[{i}]"):
                if entry["metadataId"] not in found:
                    found[entry["metadataId"]] = {"developerMetadata": devmeta.public(entry), "dataFilters": []}
                    order.append(entry["metadataId"])
                found[entry["metadataId"]]["dataFilters"].append(data_filter)
    return {"matchedDeveloperMetadata": [found[i] for i in order]} if order else {}


def get_one(doc, metadata_id):
    """developerMetadata.get."""
    try:
        wanted = int(metadata_id)
    except ValueError:
        raise bad(f"Invalid value at 'metadata_id' (TYPE_INT32), \"{metadata_id}\"") from None
    entry = devmeta.by_id(doc, wanted)
    if entry is None:
        raise model.ApiError(404, f"No developer metadata with ID {wanted}.")
    return devmeta.public(entry)


def register(app, api, store, json_body):
    """The routes, beside the others in server.create_app."""

    @app.post("/v4/spreadsheets/<sid>/values:batchGetByDataFilter")
    def values_batch_get_by_data_filter(sid):
        return api("values.batchGetByDataFilter", "read", sid,
                   lambda: store.read(sid, lambda d: batch_get(d, json_body())))

    @app.post("/v4/spreadsheets/<sid>/values:batchUpdateByDataFilter")
    def values_batch_update_by_data_filter(sid):
        return api("values.batchUpdateByDataFilter", "write", sid,
                   lambda: store.write(sid, lambda d: batch_update(d, json_body())))

    @app.post("/v4/spreadsheets/<sid>:getByDataFilter")
    def get_by_data_filter_route(sid):
        return api("spreadsheets.getByDataFilter", "read", sid,
                   lambda: store.read(sid, lambda d: get_by_data_filter(d, json_body())))

    @app.post("/v4/spreadsheets/<sid>/developerMetadata:search")
    def developer_metadata_search(sid):
        return api("developerMetadata.search", "read", sid,
                   lambda: store.read(sid, lambda d: search(d, json_body())))

    @app.get("/v4/spreadsheets/<sid>/developerMetadata/<metadata_id>")
    def developer_metadata_get(sid, metadata_id):
        return api("developerMetadata.get", "read", sid,
                   lambda: store.read(sid, lambda d: get_one(d, metadata_id)))

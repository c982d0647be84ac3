"""Developer metadata: tags on a row, a column, a sheet or the spreadsheet, that
move with what they tag.

https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.developerMetadata
"it will remain associated at those locations as they move around and the
spreadsheet is edited ... If the associated object is deleted its metadata is
deleted too." Row and column tags live on their sheet (`sheet["devmeta"]`, by id),
and every function that moves rows or columns moves them too (moves.py).
Spreadsheet-level tags live on the document.

Limits, from https://developers.google.com/sheets/api/guides/metadata#metadata_storage_limits:
30,000 characters for the spreadsheet and 30,000 for each sheet, counting
every character of metadataKey and metadataValue.
"""
import random

from localsheets import moves
from localsheets.model import bad, sheet_by_id

CHARACTER_LIMIT = 30_000
LOCATION_TYPES = ("ROW", "COLUMN", "SHEET", "SPREADSHEET")
VISIBILITIES = ("DOCUMENT", "PROJECT")
REQUESTS = ("createDeveloperMetadata", "updateDeveloperMetadata", "deleteDeveloperMetadata", "moveDimension")


# --- where tags are kept -------------------------------------------------------

def sheet_tags(sheet):
    """A sheet's own, row and column tags: {str(metadataId): entry}."""
    tags = sheet.get("devmeta")
    if tags is None:
        tags = sheet["devmeta"] = {}
    return tags


def _holder(doc, sheet):
    return sheet_tags(sheet) if sheet is not None else doc.setdefault("devmeta", {})


def everything(doc):
    """Every tag of the document, with the sheet it lives on (None: the spreadsheet's own)."""
    for entry in doc.get("devmeta", {}).values():
        yield entry, None
    for sheet in doc["sheets"]:
        for entry in sheet.get("devmeta", {}).values():
            yield entry, sheet


def public(entry):
    return {k: entry[k] for k in ("metadataId", "metadataKey", "metadataValue", "location", "visibility")
            if k in entry}


# Which sheet holds each id, for the last document seen, so a batch of ten thousand
# row tags is not ten thousand scans; checked on use, rebuilt when wrong.
_index = {"doc": None, "ids": {}}


def _ids(doc):
    if _index["doc"] is not doc:
        _index["doc"] = doc
        _index["ids"] = {e["metadataId"]: s for e, s in everything(doc)}
    return _index["ids"]


def locate(doc, metadata_id):
    """(entry, sheet) of this id, or None."""
    ids = _ids(doc)
    if metadata_id not in ids:
        return None  # every tag made goes through _attach: an id not indexed is nowhere
    sheet = ids[metadata_id]
    alive = sheet is None or any(sheet is s for s in doc["sheets"])
    entry = _holder(doc, sheet).get(str(metadata_id)) if alive else None
    if entry is not None:
        return entry, sheet
    for entry, sheet in everything(doc):  # its row or its sheet deleted meanwhile: look everywhere
        if entry["metadataId"] == metadata_id:
            ids[metadata_id] = sheet
            return entry, sheet
    ids.pop(metadata_id, None)
    return None


def by_id(doc, metadata_id):
    hit = locate(doc, metadata_id)
    return hit[0] if hit else None


def id_only(data_filter):
    """The id a filter asks for when it asks for nothing else (the quick path)."""
    lookup = data_filter.get("developerMetadataLookup") if isinstance(data_filter, dict) else None
    if isinstance(lookup, dict) and len(data_filter) == 1 and set(lookup) == {"metadataId"}:
        return lookup["metadataId"]
    return None


def _attach(doc, entry, sheet):
    _holder(doc, sheet)[str(entry["metadataId"])] = entry
    _ids(doc)[entry["metadataId"]] = sheet


def _detach(doc, entry, sheet):
    _holder(doc, sheet).pop(str(entry["metadataId"]), None)
    _ids(doc).pop(entry["metadataId"], None)


# --- the three batchUpdate requests, and moveDimension ---------------------------

def request(doc, kind, args, where):
    if kind == "createDeveloperMetadata":
        return {kind: {"developerMetadata": public(create(doc, args.get("developerMetadata"), where))}}
    if kind == "updateDeveloperMetadata":
        return {kind: {"developerMetadata": [public(e) for e in update(doc, args, where)]}}
    if kind == "deleteDeveloperMetadata":
        gone = delete(doc, args.get("dataFilter"), where)
        return {kind: {"deletedDeveloperMetadata": [public(e) for e in gone]}}
    if kind == "moveDimension":
        moves.move_dimension(doc, args, where)
        return {}
    raise AssertionError(kind)


def create(doc, given, where):
    """CreateDeveloperMetadataRequest, with the messages Google answers."""
    given = given or {}
    if not given.get("metadataKey"):
        raise bad(f"Invalid {where}: Developer metadata must always have a key specified.")
    if given.get("visibility") not in VISIBILITIES:
        raise bad(f"Invalid {where}: Developer metadata must always have visibility specified.")
    metadata_id = given.get("metadataId")
    if metadata_id is None:
        metadata_id = _fresh_id(doc)
    elif not isinstance(metadata_id, int) or metadata_id <= 0:
        raise bad(f"Invalid {where}: metadataId must be positive.")
    elif by_id(doc, metadata_id) is not None:
        raise bad(f"Invalid {where}: Developer metadata with ID {metadata_id} already exists.")
    location, sheet = _location(doc, given.get("location"), where)
    entry = {"metadataId": metadata_id, "metadataKey": given["metadataKey"], "location": location,
             "visibility": given["visibility"]}
    if given.get("metadataValue") not in (None, ""):
        entry["metadataValue"] = given["metadataValue"]
    _attach(doc, entry, sheet)
    return entry


def update(doc, args, where):
    """UpdateDeveloperMetadataRequest: the fields named in `fields`, on every tag the filters match."""
    fields = [f.strip() for f in (args.get("fields") or "").split(",") if f.strip()]
    if not fields:
        raise bad(f"Invalid {where}: At least one field must be updated, but 'fields' is empty.")
    if "*" in fields:
        fields = ["metadataKey", "metadataValue", "location", "visibility"]
    unknown = [f for f in fields if f not in ("metadataKey", "metadataValue", "location", "visibility")]
    if unknown:
        raise bad(f"Invalid {where}: Invalid field mask: {unknown[0]}")
    new = args.get("developerMetadata") or {}
    filters = args.get("dataFilters") or []
    if not filters:
        raise bad(f"Invalid {where}: At least one data filter must be specified.")
    for f in filters:
        validate(f, where)
    changed = [(e, s) for e, s in everything(doc) if any(matches_filter(doc, f, e, s, where) for f in filters)]
    for entry, sheet in changed:
        if "metadataKey" in fields:
            if not new.get("metadataKey"):
                raise bad(f"Invalid {where}: Developer metadata must always have a key specified.")
            entry["metadataKey"] = new["metadataKey"]
        if "metadataValue" in fields:
            if new.get("metadataValue") in (None, ""):
                entry.pop("metadataValue", None)
            else:
                entry["metadataValue"] = new["metadataValue"]
        if "visibility" in fields:
            if new.get("visibility") not in VISIBILITIES:
                raise bad(f"Invalid {where}: Developer metadata must always have visibility specified.")
            entry["visibility"] = new["visibility"]
        if "location" in fields:
            location, target = _location(doc, new.get("location"), where)
            _detach(doc, entry, sheet)
            entry["location"] = location
            _attach(doc, entry, target)
    return [e for e, _ in changed]


def delete(doc, data_filter, where):
    """DeleteDeveloperMetadataRequest: every tag the one filter matches (nothing matched is no error)."""
    if not data_filter:
        raise bad(f"Invalid {where}: A data filter must be specified.")
    validate(data_filter, where)
    wanted = id_only(data_filter)
    if wanted is not None:
        hit = locate(doc, wanted)
        gone = [hit] if hit else []
    else:
        gone = [(e, s) for e, s in everything(doc) if matches_filter(doc, data_filter, e, s, where)]
    for entry, sheet in gone:
        _detach(doc, entry, sheet)
    return [e for e, _ in gone]


def _fresh_id(doc):
    taken = {e["metadataId"] for e, _ in everything(doc)}
    rng = random.Random(len(taken))
    while True:
        candidate = rng.randint(1, 2**31 - 1)
        if candidate not in taken:
            return candidate


def _location(doc, location, where):
    """A DeveloperMetadataLocation as given, checked, with its read-only locationType filled in."""
    if not location:
        raise bad(f"Invalid {where}: Developer metadata must always have a location specified.")
    set_ = [k for k in ("sheetId", "dimensionRange") if location.get(k) is not None]
    if location.get("spreadsheet") is True:
        set_.append("spreadsheet")
    if len(set_) != 1:
        raise bad(f"Invalid {where}: Developer metadata must always have a location specified.")
    if set_ == ["spreadsheet"]:
        return {"locationType": "SPREADSHEET", "spreadsheet": True}, None
    if set_ == ["sheetId"]:
        sheet = sheet_by_id(doc, location["sheetId"], where)
        return {"locationType": "SHEET", "sheetId": location["sheetId"]}, sheet
    rng = location["dimensionRange"]
    sheet = sheet_by_id(doc, rng.get("sheetId", 0), where)
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad(f"Invalid {where}: DimensionRange must specify a dimension of ROWS or COLUMNS.")
    if rng.get("startIndex") is None or rng.get("endIndex") is None:
        raise bad(f"Invalid {where}: DimensionRange must specify both a startIndex and an endIndex.")
    start, end = rng["startIndex"], rng["endIndex"]
    if end - start != 1:
        raise bad(f"Invalid {where}: DimensionRange must represent a single row or column.")
    grid = sheet["properties"]["gridProperties"]
    size = grid["rowCount"] if dimension == "ROWS" else grid["columnCount"]
    if start < 0 or end > size:
        raise bad(f"Invalid {where}: DimensionRange is outside the grid (max {dimension.lower()}: {size}).")
    return {"locationType": "ROW" if dimension == "ROWS" else "COLUMN",
            "dimensionRange": {"sheetId": sheet["properties"]["sheetId"], "dimension": dimension,
                               "startIndex": start, "endIndex": end}}, sheet


def characters(entries):
    return sum(len(e["metadataKey"]) + len(e.get("metadataValue", "")) for e in entries)


def check_limits(doc):
    """Google's storage limits (guides/metadata#metadata_storage_limits), checked once a
    batch has applied (the batch then fails whole); the wording is ours."""
    if characters(doc.get("devmeta", {}).values()) > CHARACTER_LIMIT:
        raise bad(f"The developer metadata of the spreadsheet would be over the limit of {CHARACTER_LIMIT} "
                  f"characters.")
    for sheet in doc["sheets"]:
        if characters(sheet.get("devmeta", {}).values()) > CHARACTER_LIMIT:
            raise bad(f"The developer metadata of the sheet '{sheet['properties']['title']}' would be over the "
                      f"limit of {CHARACTER_LIMIT} characters.")


# --- lookups -----------------------------------------------------------------------

def check_filter(data_filter, where="dataFilter"):
    """A DataFilter sets exactly one of its three criteria (a proto `oneof`)."""
    if not isinstance(data_filter, dict):
        raise bad(f"Invalid {where}: a data filter must be an object.")
    set_ = [k for k in ("developerMetadataLookup", "a1Range", "gridRange") if data_filter.get(k) is not None]
    if len(set_) > 1:
        raise bad(f"Invalid JSON payload received. Oneof field 'filter' is already set. Cannot set '{set_[1]}'")
    if not set_:
        raise bad(f"Invalid {where}: The data filter must specify one of a1Range, gridRange or "
                  f"developerMetadataLookup.")
    return set_[0]


def validate(data_filter, where):
    """Refuse a malformed filter even when there is nothing for it to match."""
    kind = check_filter(data_filter, where)
    if kind == "developerMetadataLookup":
        check_lookup(data_filter[kind], where)


def check_lookup(lookup, where):
    strategy = lookup.get("locationMatchingStrategy")
    location = lookup.get("metadataLocation")
    if strategy not in (None, "EXACT_LOCATION", "INTERSECTING_LOCATION"):
        raise bad(f"Invalid value at '{where}.location_matching_strategy', \"{strategy}\"")
    if strategy and not location:
        raise bad(f"Invalid {where}: If locationMatchingStrategy is specified, a metadataLocation must also "
                  f"be specified.")
    if lookup.get("locationType") not in (None, *LOCATION_TYPES):
        raise bad(f"Invalid value at '{where}.location_type', \"{lookup['locationType']}\"")
    intersecting = (strategy or "INTERSECTING_LOCATION") == "INTERSECTING_LOCATION"
    if location and location.get("spreadsheet") and intersecting and strategy:
        raise bad(f"Invalid {where}: DeveloperMetadataLookup.spreadsheet is true, but locationMatchingStrategy "
                  f"was specified as INTERSECTING.")


def matches_filter(doc, data_filter, entry, sheet, where="dataFilter"):
    """Whether a DataFilter selects this tag (developerMetadata:search, update, delete).

    An A1 or grid range selects the tags whose row, column or sheet intersects it.
    """
    kind = check_filter(data_filter, where)
    if kind == "developerMetadataLookup":
        lookup = data_filter[kind]
        check_lookup(lookup, where)
        return matches_lookup(lookup, entry)
    from localsheets import datafilter

    target, (r0, r1, c0, c1) = datafilter.range_of(doc, data_filter, kind)
    if sheet is not target:
        return False
    location = entry["location"]
    if location["locationType"] == "SHEET":
        return True
    rng = location["dimensionRange"]
    lo, hi = (r0, r1) if rng["dimension"] == "ROWS" else (c0, c1)
    return lo <= rng["startIndex"] < hi


def matches_lookup(lookup, entry):
    """DeveloperMetadataLookup: every field given narrows; an empty lookup matches every tag."""
    for field in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if lookup.get(field) not in (None, "") and lookup[field] != entry.get(field):
            return False
    location = entry["location"]
    if lookup.get("locationType") and lookup["locationType"] != location["locationType"]:
        return False
    wanted = lookup.get("metadataLocation")
    if not wanted:
        return True
    exact = lookup.get("locationMatchingStrategy") == "EXACT_LOCATION"
    return _location_matches(wanted, location, exact)


def _location_matches(wanted, have, exact):
    if wanted.get("spreadsheet"):
        return have["locationType"] == "SPREADSHEET"
    if have["locationType"] == "SPREADSHEET":
        return False  # spreadsheet metadata intersects nothing else
    have_sheet = have["sheetId"] if have["locationType"] == "SHEET" else have["dimensionRange"]["sheetId"]
    if wanted.get("sheetId") is not None:
        if have_sheet != wanted["sheetId"]:
            return False
        return have["locationType"] == "SHEET" or not exact
    rng = wanted.get("dimensionRange") or {}
    if have_sheet != rng.get("sheetId", 0):
        return False
    if have["locationType"] == "SHEET":
        return not exact  # a sheet intersects its rows and columns
    mine = have["dimensionRange"]
    start, end = rng.get("startIndex"), rng.get("endIndex")
    if mine["dimension"] != rng.get("dimension"):
        return not exact  # a row and a column of one sheet cross
    if exact:
        return mine["startIndex"] == start and mine["endIndex"] == end
    return (start is None or mine["startIndex"] >= start) and (end is None or mine["startIndex"] < end)

"""actnet's developer-metadata tags: one on each of its columns, and, for a
moment, one on each row it adds.

Google keeps a tag on its column through sorts, inserts, moves and retyped
headers, and a data filter finds the column at the moment a write applies
(https://developers.google.com/sheets/api/guides/metadata). A column tag's id
is derived from the tab's and the column's names, so a job can read and write
through it without first asking where or what it is.

Google allows 30,000 characters of metadata keys and values per sheet (and as
much again for the spreadsheet itself). Column tags take a few hundred per tab.
A tag on every row would not fit: 100,000 members would need 100,000 tags.
Row tags are therefore transient: a two-character key on each row of one
append, deleted once the rows are checked; their ids carry the minute they
were made, so a sweep can remove any a crashed job left behind.
"""
import dataclasses
import hashlib
import random
import time

from services.rows import column_positions, quote
from services.schema import header_key

COLUMN_KEY = "actnet.column"
ROW_KEY = "ar"
CHARACTER_LIMIT = 30_000  # per sheet, keys and values together (guides/metadata#metadata_storage_limits)
ROW_TAGS_PER_APPEND = (CHARACTER_LIMIT - 5_000) // len(ROW_KEY)  # room kept for the column tags

READ_FIELDS = ("sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),"
               "data(startRow,startColumn,rowData(values(formattedValue)),columnMetadata(developerMetadata(metadataId))))")


def column_tag_id(tab_name, column_name):
    """A stable, spreadsheet-unique id for the tag of one column of one tab."""
    digest = hashlib.sha256(f"actnet|{header_key(tab_name)}|{column_name}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % (2**30) + 1  # positive; below the row tags' ids


def column_ids(tab):
    """{tag id: column name} for every column of a tab."""
    return {column_tag_id(tab.name, c.name): c.name for c in tab.columns}


@dataclasses.dataclass
class SheetRead:
    """One tab as one read saw it: its header, the cells of the columns read, where each tag was."""
    sheet_id: int
    title: str
    row_count: int
    column_count: int
    values: list  # rows of the cells' formatted text (the columns read), trailing blank rows left out
    tag_at: dict  # metadataId -> column index
    columns_read: frozenset = frozenset()  # indexes of the columns whose cells were read

    @property
    def header(self):
        return self.values[0] if self.values else []

    def tagged(self, tab):
        ids = column_ids(tab)
        return {ids[i]: index for i, index in self.tag_at.items() if i in ids}


def grid_text(grid_data):
    """GridData's rows as lists of formatted text."""
    rows = [[cell.get("formattedValue", "") for cell in row.get("values", ())]
            for row in grid_data.get("rowData", ())]
    while rows and not any(str(c).strip() for c in rows[-1]):
        rows.pop()
    return rows


def tag_positions(grid_data):
    """metadataId -> column index, from GridData.columnMetadata."""
    found = {}
    start = grid_data.get("startColumn", 0)
    for i, props in enumerate(grid_data.get("columnMetadata", ())):
        for entry in props.get("developerMetadata", ()):
            found[entry["metadataId"]] = start + i
    return found


def read(workbook, wanted, for_writing=False):
    """The header row and the tagged columns of each tab, and where every tag is, in
    one atomic read: the cells a job needs and their places at one instant.
    wanted: [(tab, title, column names, or None for all)].

    A reader asks values:batchGetByDataFilter (the compact answer; each tag's
    range says where its column is). A writer asks spreadsheets.getByDataFilter,
    whose answer also carries each tab's sheetId, which adding rows and tagging
    need. A column found only by its header (not yet tagged, or its cells cut
    and pasted elsewhere) cannot be read through a tag: such a tab is read again
    whole, in one more atomic read. Returns {header_key(title): SheetRead}.
    """
    if not wanted:
        return {}
    filters = []
    for tab, title, names in wanted:
        filters.append({"a1Range": f"{quote(title)}!1:1"})
        filters += [{"developerMetadataLookup": {"metadataId": column_tag_id(tab.name, n)}}
                    for n in (names if names is not None else [c.name for c in tab.columns])]
    ask = _sheets if for_writing else _values
    out = ask(workbook, filters)
    again = []
    for tab, title, names in wanted:
        sheet = out.get(header_key(title))
        if sheet is None:
            continue
        positions = column_positions(tab, sheet.header, sheet.tagged(tab), [])
        needed = names if names is not None else [c.name for c in tab.columns]
        if any(n in positions and positions[n] not in sheet.columns_read for n in needed):
            again.append(title)
    if again:
        whole = [{"a1Range": quote(t)} for t in again]
        if not for_writing:  # the tags' places, in the same answer as the cells
            whole += [f for f in filters if "developerMetadataLookup" in f]
        out.update(ask(workbook, whole, whole=True))
    return out


def _sheets(workbook, filters, whole=False):
    """Ask; answer SheetReads. `whole`: each filter is a whole tab, else a header row then tags' columns."""
    answer = workbook.call("post", ":getByDataFilter", {"dataFilters": filters, "includeGridData": True},
                           params={"fields": READ_FIELDS})
    out = {}
    for sheet in answer.get("sheets", ()):
        props = sheet["properties"]
        grid = props.get("gridProperties", {})
        datas = sheet.get("data") or [{}]
        # The header row's GridData spans every column; a tag's, one column from row 1.
        header = datas[0] if whole else max(datas, key=lambda d: (len(d.get("columnMetadata", ())),
                                                                   -len(d.get("rowData", ()))))
        columns, read_at = {}, set()
        for data in datas:
            start, top = data.get("startColumn", 0), data.get("startRow", 0)
            if whole or data is not header:
                read_at.update(range(start, start + max(1, len(data.get("columnMetadata", ())))))
            for r, row in enumerate(data.get("rowData", ())):
                for j, cell in enumerate(row.get("values", ())):
                    columns.setdefault(start + j, {})[top + r] = cell.get("formattedValue", "")
        out[header_key(props["title"])] = SheetRead(props["sheetId"], props["title"], grid.get("rowCount", 0),
                                                    grid.get("columnCount", 0), _rows(columns),
                                                    tag_positions(header), frozenset(read_at))
    return out


def _values(workbook, filters, whole=False):
    """values:batchGetByDataFilter by columns; answer SheetReads (without sheetIds)."""
    answer = workbook.call("post", "/values:batchGetByDataFilter", {
        "dataFilters": filters, "majorDimension": "COLUMNS", "valueRenderOption": "FORMATTED_VALUE"})
    sheets = {}
    for matched in answer.get("valueRanges", ()):
        value_range = matched["valueRange"]
        title, (r0, r1, c0, c1) = parse_range(value_range["range"])
        sheet = sheets.setdefault(header_key(title), {"title": title, "columns": {}, "tags": {}, "read": set(),
                                                      "rows": 0, "width": 0})
        sheet["rows"] = max(sheet["rows"], r1)
        if r0 == 0 and r1 == 1:
            sheet["width"] = max(sheet["width"], c1)
        for j, column in enumerate(value_range.get("values", ())):
            cells = sheet["columns"].setdefault(c0 + j, {})
            for i, text in enumerate(column):
                cells[r0 + i] = text
        for f in matched.get("dataFilters", ()):
            lookup = f.get("developerMetadataLookup")
            if lookup:
                sheet["tags"][lookup["metadataId"]] = c0
                sheet["read"].add(c0)
        if whole and not any("developerMetadataLookup" in f for f in matched.get("dataFilters", ())):
            sheet["read"].update(range(c0, c1))
    return {key: SheetRead(None, s["title"], s["rows"], s["width"], _rows(s["columns"]), s["tags"],
                           frozenset(s["read"])) for key, s in sheets.items()}


def parse_range(text):
    """'Tab name'!B1:B1000 -> ("Tab name", (0, 1000, 1, 2)): the title and bounds an API echoes."""
    sheet, _, cells = text.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    start, _, end = cells.partition(":")
    (a_col, a_row), (b_col, b_row) = _cell(start), _cell(end or start)
    return sheet, (a_row - 1, b_row, a_col, b_col + 1)


def _cell(text):
    letters = "".join(ch for ch in text if ch.isalpha())
    digits = "".join(ch for ch in text if ch.isdigit())
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1, int(digits) if digits else 1


def _rows(columns):
    """{column index: {row index: text}} as rows of text, trailing blank rows left out."""
    height = 1 + max((r for cells in columns.values() for r, text in cells.items() if str(text).strip()),
                     default=-1)
    width = 1 + max(columns, default=-1)
    rows = [[""] * width for _ in range(height)]
    for c, cells in columns.items():
        for r, text in cells.items():
            if r < height:
                rows[r][c] = text
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    return rows


def create_requests(sheet_id, tab_name, where):
    """Requests tagging columns at these indexes ({name: index}). A tag of the same
    id left elsewhere (on a tab since renamed) is removed first."""
    requests = []
    for name, index in where.items():
        metadata_id = column_tag_id(tab_name, name)
        requests.append({"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
            "metadataId": metadata_id}}}})
        requests.append({"createDeveloperMetadata": {"developerMetadata": {
            "metadataId": metadata_id, "metadataKey": COLUMN_KEY, "metadataValue": name, "visibility": "DOCUMENT",
            "location": {"dimensionRange": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                            "startIndex": index, "endIndex": index + 1}}}}})
    return requests


def misplaced(answer, tab_name, names):
    """Tags just made that sit on a column not headed with their name (a column
    moved between the read and the tagging): their ids, to delete and try again.

    `answer` is a batchUpdate's, with the header row in its response."""
    wanted = {column_tag_id(tab_name, n): n for n in names}
    for sheet in answer.get("updatedSpreadsheet", {}).get("sheets", ()):
        if header_key(sheet["properties"]["title"]) != header_key(tab_name):
            continue
        data = (sheet.get("data") or [{}])[0]
        header = (grid_text(data) or [[]])[0]
        at = tag_positions(data)
        return [i for i, name in wanted.items()
                if i not in at or at[i] >= len(header) or header_key(header[at[i]]) != header_key(name)]
    return list(wanted)


def ensure(workbook, snap, needs):
    """Tag the columns that need a tag and lack one (or whose tag was left behind
    when their cells were moved by cut and paste), where the read found them.

    needs: {tab name: set of column names}. Returns True if tags were made (the
    caller reads again); a tag that landed on the wrong column is taken off.
    """
    requests, made = [], []
    for tab_name, names in needs.items():
        data = snap.tabs.get(tab_name)
        sheet = snap.reads.get(header_key(tab_name))
        if data is None or sheet is None:
            continue
        where = {name: data.positions[name] for name in sorted(names)
                 if name in data.positions and data.tagged.get(name) != data.positions[name]}
        if where:
            tab = data.tab
            requests += create_requests(sheet.sheet_id, tab.name, where)
            made.append((tab.name, sheet.title, list(where)))
    if not requests:
        return False
    answer = workbook.batch(requests, response_ranges=[f"{quote(title)}!1:1" for _, title, _ in made])
    wrong = [i for tab_name, _, names in made for i in misplaced(answer, tab_name, names)]
    if wrong:
        workbook.batch([delete_request(i) for i in wrong])
    return True


def delete_request(metadata_id):
    return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": metadata_id}}}}


# --- transient row tags --------------------------------------------------------------

_MINUTES = 2**14


def row_tag_ids(count, rng=random):
    """Ids for the tags of new rows: above the column tags' ids, with the minute in them."""
    minute = int(time.time() // 60) % _MINUTES
    base = 2**30 + (minute << 16)
    start = rng.randrange(1, 2**16 - count) if count < 2**16 - 1 else 1
    if count >= 2**16 - 1:
        raise ValueError("too many rows for one append")
    return [base + start + k for k in range(count)]


def row_tag_request(sheet_id, row_index, metadata_id):
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataId": metadata_id, "metadataKey": ROW_KEY, "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": sheet_id, "dimension": "ROWS",
                                        "startIndex": row_index, "endIndex": row_index + 1}}}}}


def stale_row_tags(found, now=None, older_than_minutes=10):
    """Ids of row tags a job made more than `older_than_minutes` ago (it died before
    taking them off). `found` is a developerMetadata:search answer."""
    minute = int((now or time.time()) // 60) % _MINUTES
    stale = []
    for match in found.get("matchedDeveloperMetadata", ()):
        metadata_id = match["developerMetadata"]["metadataId"]
        if match["developerMetadata"].get("metadataKey") != ROW_KEY or metadata_id < 2**30:
            continue
        made = (metadata_id - 2**30) >> 16
        if (minute - made) % _MINUTES > older_than_minutes:
            stale.append(metadata_id)
    return stale

"""`flask sheets init`: make the workbook ready without touching anyone's data.

Three reads (the tab list, the first two rows of every tab, the Groups tab)
and at most one write (a single batchUpdate) per spreadsheet. A second run
finds nothing to do and writes nothing.
"""
import dataclasses

import gspread
from gspread.utils import rowcol_to_a1

from services import schema, tags
from services.schema import header_key
from services.sheets import SheetsError
from services.rows import column_positions
from services.workbook import Workbook, group_lists, quote

PROTECTION_PREFIX = "actnet: "


def init_workbook(workbook, tab_names=None):
    """Create missing tabs and headers, freeze, validate, protect, annotate.

    With no `tab_names`: every tab, and each partner group's list named in
    Groups (a `List – NAME` tab here, or the Members tab of its own
    spreadsheet). Returns the changes made, in words (empty when none were).
    """
    if tab_names is not None:
        return _init_tabs(workbook, [schema.tab_for(n) for n in tab_names])
    changes = _init_tabs(workbook, list(schema.TABS))
    lists = group_lists(workbook.snapshot(["Groups"], titles=["Groups"])["Groups"])
    here = [schema.tab_for(gl.tab) for gl in lists if gl.sheet_id is None]
    if here:
        changes += _init_tabs(workbook, here)
    for gl in lists:
        if gl.sheet_id is None:
            continue
        elsewhere = Workbook(workbook.client, gl.sheet_id, retry=workbook.retry, account=workbook.account)
        try:
            changes += [f"{gl.group}'s list: {c}" for c in _init_tabs(elsewhere, [schema.MEMBERS])]
        except SheetsError as exc:
            changes.append(f"{gl.group}'s list spreadsheet could not be prepared: {exc}")
    return changes


@dataclasses.dataclass
class _TabState:
    """What init needs to know of a tab as it stands: its first two rows and protections."""
    sheet_id: int
    columns: int = 26
    rows: int = 1000
    header: list = dataclasses.field(default_factory=list)  # row 1's cells (value, note)
    second: list = dataclasses.field(default_factory=list)  # row 2's cells (validation)
    protected: list = dataclasses.field(default_factory=list)  # protection descriptions
    new: bool = False
    tag_at: dict = dataclasses.field(default_factory=dict)  # metadataId -> column index

    @classmethod
    def of(cls, sheet, detail):
        grid = sheet["properties"].get("gridProperties", {})
        rows = ((detail.get("data") or [{}])[0].get("rowData") or [])
        return cls(sheet_id=sheet["properties"]["sheetId"], columns=grid.get("columnCount", 26),
                   rows=grid.get("rowCount", 1000),
                   header=(rows[0].get("values") or []) if rows else [],
                   second=(rows[1].get("values") or []) if len(rows) > 1 else [],
                   protected=[p.get("description", "") for p in detail.get("protectedRanges", [])],
                   tag_at=tags.tag_positions((detail.get("data") or [{}])[0]))


def _init_tabs(workbook, tabs):
    """One metadata read, one read of the tabs' first two rows, at most one batchUpdate."""
    meta = workbook.metadata()
    titles = {header_key(s["properties"]["title"]): s for s in meta["sheets"]}
    existing = [titles[header_key(t.name)]["properties"]["title"] for t in tabs if header_key(t.name) in titles]
    grid = {}
    if existing:
        full = workbook.metadata(includeGridData="true", ranges=[f"{quote(t)}!1:2" for t in existing])
        grid = {s["properties"]["title"]: s for s in full["sheets"]}
    next_id = max([s["properties"]["sheetId"] for s in meta["sheets"]] + [0]) + 1
    requests, changes, tagging = [], [], []
    for tab in tabs:
        sheet = titles.get(header_key(tab.name))
        if sheet is None:
            state = _TabState(next_id, columns=max(26, len(tab.columns)), new=True)
            next_id += 1
            requests.append({"addSheet": {"properties": {
                "sheetId": state.sheet_id, "title": tab.name,
                "gridProperties": {"rowCount": state.rows, "columnCount": state.columns, "frozenRowCount": 1}}}})
            changes.append(f"added the tab {tab.name}")
        else:
            state = _TabState.of(sheet, grid.get(sheet["properties"]["title"], {}))
            if sheet["properties"].get("gridProperties", {}).get("frozenRowCount", 0) != 1:
                requests.append({"updateSheetProperties": {"properties": {
                    "sheetId": state.sheet_id, "gridProperties": {"frozenRowCount": 1}},
                    "fields": "gridProperties.frozenRowCount"}})
                changes.append(f"froze the header row of {tab.name}")
        tagging.append((tab, _plan_tab(tab, state, requests, changes)))
    if requests:
        tagged = [(tab.name, names) for tab, names in tagging if names]
        try:
            answer = workbook.batch(requests, response_ranges=[f"{quote(name)}!1:1" for name, _ in tagged])
            # A column moved while init ran: its tag is taken off; the next write tags it again.
            wrong = [i for name, names in tagged for i in tags.misplaced(answer, name, names)]
            if wrong:
                workbook.batch([tags.delete_request(i) for i in wrong])
        except gspread.exceptions.APIError as exc:
            raise workbook.explain(exc) from exc
    return changes


def _plan_tab(tab, state, requests, changes):
    """Requests for what a tab lacks: headers (with notes), dropdowns, protection, and
    the tags by which jobs find its columns. Returns the columns it tags."""
    # Columns found as jobs find them: by tag, or by header where cells were moved (rows.column_positions).
    ids = tags.column_ids(tab)
    tagged = {ids[i]: at for i, at in state.tag_at.items() if i in ids}
    texts = [cell.get("formattedValue", "") for cell in state.header]
    found = {name: (i, state.header[i] if i < len(state.header) else {})
             for name, i in column_positions(tab, texts, tagged, []).items()}
    last = max([i for i, c in enumerate(state.header) if c.get("formattedValue", "").strip()] + [-1])
    width = state.columns
    to_tag = {}
    for column in tab.columns:
        if column.name in found:
            index, cell = found[column.name]
            if column.note and not cell.get("note"):
                requests.append(_cell_request(state.sheet_id, index, {"note": column.note}, "note"))
                changes.append(f"noted {tab.name}.{column.name}")
        else:
            last += 1
            index = last
            if index >= width:
                requests.append({"appendDimension": {"sheetId": state.sheet_id, "dimension": "COLUMNS",
                                                     "length": index - width + 1}})
                width = index + 1
            requests.append(_cell_request(state.sheet_id, index, {
                "userEnteredValue": {"stringValue": column.name}, "note": column.note or None},
                "userEnteredValue,note"))
            if not state.new:
                changes.append(f"added the header {tab.name}.{column.name} in column {rowcol_to_a1(1, index + 1)[:-1]}")
        rows = {"sheetId": state.sheet_id, "startRowIndex": 1, "endRowIndex": state.rows,
                "startColumnIndex": index, "endColumnIndex": index + 1}
        if column.kind == "choice" and not (index < len(state.second) and state.second[index].get("dataValidation")):
            requests.append({"setDataValidation": {"range": rows, "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in column.choices]},
                "strict": False, "showCustomUi": True}}})
            changes.append(f"added choices to {tab.name}.{column.name}")
        label = f"{PROTECTION_PREFIX}{tab.name}.{column.name}"
        if column.owner == "A" and label not in state.protected:
            requests.append({"addProtectedRange": {"protectedRange": {
                "range": {**rows, "startRowIndex": 0}, "description": label, "warningOnly": True}}})
            changes.append(f"protected {tab.name}.{column.name} (warning only)")
        if tagged.get(column.name) != index:
            to_tag[column.name] = index
    if to_tag:
        requests.extend(tags.create_requests(state.sheet_id, tab.name, to_tag))
        if not state.new:
            changes.append(f"tagged the columns of {tab.name} so jobs find them wherever they move")
    return list(to_tag)


def _cell_request(sheet_id, column, cell, fields):
    cell = {k: v for k, v in cell.items() if v is not None}
    return {"updateCells": {"rows": [{"values": [cell]}], "fields": fields,
                            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": column}}}

"""Adding rows so each value lands under its own header, whatever columns managers
insert or move meanwhile (the rows themselves are inserted, so nobody's cells
are written over).

New rows are inserted and filled in one atomic batchUpdate, which also tags
each new row and answers where every column tag was at that instant. If a
column moved before the batch applied, the rows are read and rewritten
through their row tags until they read right; the row tags are then taken off.
"""
import gspread

from services import schema, tags
from services.placement import MAX_ROUNDS, grid_moved, same
from services.rows import Problem
from services.sheets import SheetsUnavailable


def cell_data(value):
    """A value as updateCells takes it, stored as RAW would store it."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


ROWS_READ_FIELDS = ("sheets(properties(title,gridProperties(columnCount)),data(rowData(values(formattedValue)),"
                    "rowMetadata(developerMetadata(metadataId)),columnMetadata(developerMetadata(metadataId))))")


class RowAdder:
    """Adds new rows: inserted, filled and tagged in one atomic batch, checked against
    where the column tags were at that instant, rewritten through row tags if a
    column had moved."""

    def __init__(self, workbook, snap):
        self.wb = workbook
        self.snap = snap
        self.dropped = []
        self.rewritten = 0  # rows rewritten because a column moved as they went in

    def add(self, new_rows):
        """new_rows: {tab: [{column: value as written}]}. Returns the rows added.

        All tabs' rows go in one atomic call, so a journal batch lands whole. Only
        past tags.ROW_TAGS_PER_APPEND rows of one tab (a large import) does it take
        several calls, the row tags of one call having to fit Google's limit."""
        new_rows = {tab: rows for tab, rows in new_rows.items() if rows}
        size = tags.ROW_TAGS_PER_APPEND
        waves = max((len(rows) + size - 1) // size for rows in new_rows.values()) if new_rows else 0
        for k in range(waves):
            self._add_wave({tab: rows[k * size:(k + 1) * size] for tab, rows in new_rows.items()
                            if rows[k * size:(k + 1) * size]}, offset=k * size)
        return sum(len(rows) for rows in new_rows.values())

    def _add_wave(self, new_rows, offset):
        requests, placed = [], {}
        free = iter(tags.row_tag_ids(sum(len(rows) for rows in new_rows.values())))
        for tab, rows in new_rows.items():
            data = self.snap[tab]
            layout = dict(data.positions)
            ids = [next(free) for _ in rows]
            start = data.last_row + offset
            width = 1 + max(layout[name] for row in rows for name in row)
            cells = []
            for row in rows:
                line = [{} for _ in range(width)]
                for name, value in row.items():
                    line[layout[name]] = cell_data(value)
                cells.append({"values": line})
            requests.append({"insertDimension": {"range": {"sheetId": data.sheet_id, "dimension": "ROWS",
                                                           "startIndex": start, "endIndex": start + len(rows)},
                                                 "inheritFromBefore": start > 1}})
            requests.append({"updateCells": {"start": {"sheetId": data.sheet_id, "rowIndex": start, "columnIndex": 0},
                                             "rows": cells, "fields": "userEnteredValue"}})
            requests += [tags.row_tag_request(data.sheet_id, start + k, i) for k, i in enumerate(ids)]
            placed[tab] = (ids, rows, layout)
        titles = {tab: self.snap.reads[schema.header_key(tab)].title for tab in placed}
        try:
            answer = self.wb.batch(requests, response_ranges=[f"{_quote(t)}!1:1" for t in titles.values()],
                                   fields="updatedSpreadsheet(sheets(properties(title),"
                                          "data(columnMetadata(developerMetadata(metadataId)))))")
        except SheetsUnavailable:
            if not self._landed(next(iter(placed.values()))[0][0]):
                raise  # nothing was added; the plan is tried again from a fresh read
            answer = None  # added, but the answer was lost: check every tab
        except gspread.exceptions.APIError as exc:
            if grid_moved(exc):  # rows deleted at the end meanwhile: nothing added; again, from a fresh read
                raise SheetsUnavailable("The sheet changed as rows were added; they are added again.") from exc
            raise
        try:
            for tab, (ids, rows, layout) in placed.items():
                if answer is None or self._moved(answer, titles[tab], tab, layout, rows):
                    self._rewrite(tab, ids, rows)
        finally:
            self._untag([i for ids, _, _ in placed.values() for i in ids])

    def _landed(self, metadata_id):
        try:
            self.wb.call("get", f"/developerMetadata/{metadata_id}")
            return True
        except gspread.exceptions.APIError as exc:
            if exc.response.status_code == 404:
                return False
            raise

    def _moved(self, answer, title, tab, layout, rows):
        """Whether any column holding a new value was elsewhere when the batch applied."""
        ids = tags.column_ids(self.snap[tab].tab)
        for sheet in answer.get("updatedSpreadsheet", {}).get("sheets", ()):
            if schema.header_key(sheet["properties"]["title"]) != schema.header_key(title):
                continue
            now = {ids[i]: index for i, index in tags.tag_positions((sheet.get("data") or [{}])[0]).items()
                   if i in ids}
            used = {name for row in rows for name in row}
            return any(now.get(name) != layout[name] for name in used)
        return True

    def _rewrite(self, tab, ids, rows):
        """Rows whose columns moved: read them through their row tags, and write each
        whole row again (its values under their headers, blanks elsewhere) until they read right."""
        column_ids = tags.column_ids(self.snap[tab].tab)
        for _ in range(MAX_ROUNDS):
            answer = self.wb.call("post", ":getByDataFilter", {
                "includeGridData": True,
                "dataFilters": [{"developerMetadataLookup": {"metadataId": i}} for i in ids]},
                params={"fields": ROWS_READ_FIELDS})
            seen, width = {}, 0
            for sheet in answer.get("sheets", ()):
                width = max(width, sheet["properties"].get("gridProperties", {}).get("columnCount", 0))
                for data in sheet.get("data", ()):
                    row_ids = [m["metadataId"] for p in data.get("rowMetadata", ())
                               for m in p.get("developerMetadata", ())]
                    layout = {column_ids[i]: at for i, at in tags.tag_positions(data).items() if i in column_ids}
                    for i in row_ids:
                        seen[i] = ((tags.grid_text(data) or [[]])[0], layout)
            wrong = []
            for metadata_id, row in zip(ids, rows):
                if metadata_id not in seen:
                    continue  # the row was deleted by hand meanwhile
                shown, layout = seen[metadata_id]
                if not self._reads_right(tab, row, shown, layout):
                    wrong.append((metadata_id, row, layout))
            if not wrong:
                return
            self.rewritten += len(wrong)
            data = []
            for metadata_id, row, layout in wrong:
                for name in [n for n in row if n not in layout]:
                    # The manager deleted the column while the row went in: its value goes with it.
                    self.dropped.append(Problem(tab, None, name, f"the '{name}' column was deleted while a new row "
                                                                 f"was added; its {name} was not kept"))
                    row.pop(name)
                line = [""] * max(width, 1 + max(layout.values(), default=-1))
                for name, value in row.items():
                    line[layout[name]] = "" if value is None else value
                data.append({"dataFilter": {"developerMetadataLookup": {"metadataId": metadata_id}},
                             "majorDimension": "ROWS", "values": [line]})
            try:
                self.wb.call("post", "/values:batchUpdateByDataFilter", {"valueInputOption": "RAW", "data": data})
            except SheetsUnavailable:
                continue  # read again and see
        raise SheetsUnavailable("The sheet kept changing while new rows were put in place; they are kept and "
                                "will be checked on the next try.")

    def _reads_right(self, tab, row, shown, layout):
        spec = self.snap[tab].tab
        ours = {}
        for name, value in row.items():
            if name not in layout:
                return False
            ours[layout[name]] = (spec.column(name), value)
        for i in range(max(len(shown), 1 + max(ours, default=-1))):
            text = shown[i] if i < len(shown) else ""
            if i in ours:
                if not same(ours[i][0], text, ours[i][1]):
                    return False
            elif str(text).strip():
                return False
        return True

    def _untag(self, ids):
        if not ids:
            return
        for _ in range(3):
            try:
                self.wb.batch([tags.delete_request(i) for i in ids], fields="spreadsheetId")
                return
            except SheetsUnavailable:
                continue  # the sweep in the five-minute check takes off what is left


def _quote(title):
    return "'" + title.replace("'", "''") + "'"

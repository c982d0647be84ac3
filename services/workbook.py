"""The Google Sheet as actnet's record store: one read, one write plan.

Columns are found by header name, rows by key, fresh, right before a write.
A manager's cell is never written; what the app cannot read becomes a
Problem, not a failure.
"""
import dataclasses
import time

import gspread
from gspread.utils import rowcol_to_a1

from services import schema
from services.plan import PlanResult, WritePlan
from services.schema import CellProblem, header_key
from services.sheets import (
    RetryPolicy,
    SheetNotFound,
    SheetsError,
    SheetsUnavailable,
    open_client,
    service_account_email,
)


@dataclasses.dataclass(frozen=True)
class Problem:
    tab: str
    row: int | None
    column: str | None
    what: str

    def __str__(self):
        where = f"{self.tab} row {self.row}" if self.row else self.tab
        return f"{where}: {self.what}"


@dataclasses.dataclass
class Row:
    number: int  # the sheet's row number, 1-based, as a manager sees it
    values: dict  # column name -> parsed value (None when blank or unreadable)
    unreadable: frozenset = frozenset()  # columns listed under Problems

    def __getitem__(self, name):
        return self.values.get(name)


@dataclasses.dataclass
class TabData:
    tab: schema.Tab
    header: list  # the header row as typed
    positions: dict  # column name -> 0-based index
    rows: list
    present: bool = True
    last_row: int = 0  # the last row with any value, blank lines included
    row_count: int = 0  # the grid's rows, from the range Google echoes back

    def __post_init__(self):
        self._by_key = None

    def by_key(self):
        if self._by_key is None:
            self._by_key = {row_key(self.tab, r.values): r for r in self.rows}
        return self._by_key


def update_key(tab, key):
    """An update's key, compared as row keys are (case and spaces aside)."""
    return row_key(tab, dict(zip(tab.key, key, strict=True)))


def row_key(tab, values):
    parts = []
    for name in tab.key:
        v = values.get(name)
        parts.append(header_key(v) if isinstance(v, str) else v)
    return tuple(parts)


@dataclasses.dataclass
class Snapshot:
    tabs: dict  # name -> TabData
    problems: list

    def __getitem__(self, name):
        return self.tabs[name]


class Workbook:
    """One spreadsheet, through a gspread client (Google or localsheets alike)."""

    def __init__(self, client, sheet_id, retry=None, sleep=time.sleep, account=None):
        self.client = client
        self.sheet_id = sheet_id
        self.account = account  # the service account's address, for messages
        self.http = client.http_client
        self.retry = retry or RetryPolicy(attempts=6, base=2.0)
        self._sleep = sleep

    @classmethod
    def from_settings(cls, settings, retry=None, http_retry=None):
        if not settings.sheet_id:
            raise SheetsError("SHEET_ID is not set: put the spreadsheet's id (the long part of its URL) in SHEET_ID.")
        account = service_account_email(settings.google_credentials) if settings.google_credentials else None
        return cls(open_client(settings, retry=http_retry), settings.sheet_id, retry=retry, account=account)

    # --- reading ------------------------------------------------------------

    def metadata(self, **params):
        try:
            return self.http.fetch_sheet_metadata(self.sheet_id, params={"includeGridData": "false", **params})
        except gspread.exceptions.APIError as exc:
            raise self.explain(exc) from exc

    def explain(self, exc):
        """An API error in words a manager can act on."""
        code = exc.response.status_code
        if code in (403, 404):
            share = f" Share it, as an editor, with {self.account}." if self.account else ""
            return SheetNotFound(f"The spreadsheet {self.sheet_id} was not found or is not shared with actnet.{share}")
        message = exc.error.get("message", str(exc))
        if code == 400 and message.startswith("Unable to parse range"):
            return SheetsError(f"A tab actnet needs is missing or was renamed ({message}); "
                               f"run `flask sheets init` to add it back.")
        return SheetsError(f"The spreadsheet answered: {message}")

    def _batch_get(self, ranges):
        try:
            return self.http.values_batch_get(self.sheet_id, ranges, params={
                "valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"})["valueRanges"]
        except gspread.exceptions.APIError as exc:
            raise self.explain(exc) from exc

    def snapshot(self, tab_names, titles=None):
        """Every tab a job needs in one values:batchGet (plus one metadata read
        when the tab titles are not known)."""
        if titles is None:
            titles = [s["properties"]["title"] for s in self.metadata()["sheets"]]
        present = {header_key(t): t for t in titles}
        wanted = [(schema.tab_for(n), present.get(header_key(n))) for n in tab_names]
        ranges = [quote(title) for _, title in wanted if title]
        value_ranges = iter(self._batch_get(ranges)) if ranges else iter(())
        tabs, problems = {}, []
        for tab, title in wanted:
            if title is None:
                problems.append(Problem(tab.name, None, None, "this tab is missing; run `flask sheets init`"))
                tabs[tab.name] = TabData(tab, [], {}, [], present=False)
                continue
            value_range = next(value_ranges)
            data = read_tab(tab, value_range.get("values", []), problems)
            data.row_count = grid_rows(value_range.get("range", ""))
            tabs[tab.name] = data
        return Snapshot(tabs, problems)

    # --- writing ------------------------------------------------------------

    def apply(self, plan):
        """Apply a write plan whole: retried from a fresh read until it lands.

        Each attempt re-reads the keys, so a row that landed in an attempt whose
        answer was lost is not appended twice.
        """
        last = None
        for attempt in range(self.retry.attempts):
            try:
                return self._apply_once(plan)
            except SheetsUnavailable as exc:
                last = exc
            except gspread.exceptions.APIError as exc:
                if exc.response.status_code not in (408, 429) and exc.response.status_code < 500:
                    raise self.explain(exc) from exc
                last = exc
            self._sleep(self.retry.delay(attempt))
        raise SheetsUnavailable(f"The changes could not be written to the spreadsheet ({last}); "
                                f"they are kept and will be written on the next try.")

    def _apply_once(self, plan):
        names = sorted(set(plan.appends) | {u.tab for u in plan.updates} | set(plan.replacements)
                       | {f.tab for f in plan.fills})
        if not names:
            return PlanResult(0, 0, [])
        snap = self.snapshot(names, titles=names)
        problems = list(snap.problems)
        appends, updates, fills = _fold_updates_into_new_rows(snap, plan)
        data = self._cell_updates(snap, updates, problems)
        data.extend(_cell_fills(snap, fills, problems))
        for name, rows in plan.replacements.items():
            data.extend(_replacement(snap[name], rows, problems))
        if data:
            self.http.values_batch_update(self.sheet_id, {"valueInputOption": "RAW", "data": data})
        appended = 0
        for name, rows in appends.items():
            tab = snap[name]
            missing = [k for k in tab.tab.key if k not in tab.positions]
            if missing:
                # Rows added without their key could never be found again: keep them
                # waiting (the outbox holds the plan) until the header is back.
                raise SheetsError(f"Rows can't be added to {name}: its '{missing[0]}' header is missing. Put it back "
                                  f"or run `flask sheets init`; the rows wait until then.")
            new_rows = _new_rows(tab, rows)
            if new_rows:
                self._append(tab, new_rows)
                appended += len(new_rows)
        return PlanResult(appended, len(data), problems)

    def _cell_updates(self, snap, updates, problems):
        data = []
        for u in updates:
            tab = snap[u.tab]
            row = tab.by_key().get(update_key(tab.tab, u.key)) if tab.present else None
            if row is None:
                problems.append(Problem(u.tab, None, None, f"no row for {' / '.join(map(str, u.key))} to update"))
                continue
            for name, value in u.cells.items():
                column = tab.tab.column(name)
                if not column.app_writes and not u.by_manager:
                    raise ValueError(f"{u.tab}.{name} belongs to the manager; the app never writes it")
                if name not in tab.positions:
                    problems.append(Problem(u.tab, None, name, f"the column '{name}' is missing"))
                    continue
                cell = f"{quote(u.tab)}!{rowcol_to_a1(row.number, tab.positions[name] + 1)}"
                data.append({"range": cell, "values": [[schema.format_value(column, value)]]})
        return data

    def _append(self, tab, new_rows):
        """Add rows after the last row with anything in it, never over anyone's cells.

        The range starts on the first empty row, where Google finds no table,
        so the rows land there (INSERT_ROWS: nothing below is overwritten) even
        when a manager left blank lines higher up.
        """
        name = tab.tab.name
        if tab.last_row >= tab.row_count:
            # The grid is full to its last row: grow it first (rare, one more call).
            self.http.batch_update(self.sheet_id, {"requests": [{"appendDimension": {
                "sheetId": self._sheet_id(name), "dimension": "ROWS", "length": len(new_rows)}}]})
        self.http.values_append(self.sheet_id, f"{quote(name)}!A{tab.last_row + 1}", params={
            "valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, body={"values": new_rows})

    def _sheet_id(self, title):
        for sheet in self.metadata()["sheets"]:
            if header_key(sheet["properties"]["title"]) == header_key(title):
                return sheet["properties"]["sheetId"]
        raise SheetsError(f"The tab {title} is missing; run `flask sheets init`.")


@dataclasses.dataclass(frozen=True)
class GroupList:
    """Where a partner group's list lives: a tab here, or its own spreadsheet."""
    group: str
    sheet_id: str | None  # None: this workbook
    tab: str


def group_lists(groups):
    """Partner groups' lists, from the Groups tab (the first row is the home group).

    A blank List spreadsheet means the `List – NAME` tab of this workbook; a
    URL means that spreadsheet's Members tab (a group that must not see the
    others' members keeps its own).
    """
    lists = []
    for row in groups.rows[1:]:
        if "List spreadsheet" in row.unreadable:
            continue  # listed under Problems; guessing where the list is could leak it
        sheet_id = row["List spreadsheet"]
        if sheet_id:
            lists.append(GroupList(row["Name"], sheet_id, schema.MEMBERS.name))
        else:
            lists.append(GroupList(row["Name"], None, schema.list_tab(row["Name"]).name))
    return lists


def problems_plan(problems):
    """A plan that makes the Problems tab list exactly these problems (rewritten only on change)."""
    plan = WritePlan()
    plan.replace("Problems", [{"Tab": p.tab, "Row": str(p.row) if p.row else "—", "Column": p.column or "—",
                               "What is wrong": p.what} for p in problems])
    return plan


def _fold_updates_into_new_rows(snap, plan):
    """An update to a row this same plan adds (plans merged from the outbox: a
    signature, then its count) is written as part of the new row."""
    appends = {name: [dict(values) for values in rows] for name, rows in plan.appends.items()}
    new_rows = {}
    for name, rows in appends.items():
        tab = snap[name]
        existing = tab.by_key()
        for values in rows:
            key = row_key(tab.tab, values)
            if key not in existing:
                new_rows.setdefault((name, key), values)
    updates = []
    for u in plan.updates:
        row = new_rows.get((u.tab, update_key(snap[u.tab].tab, u.key)))
        if row is None:
            updates.append(u)
        else:
            row.update(u.cells)
    fills = []
    for f in plan.fills:
        row = new_rows.get((f.tab, update_key(snap[f.tab].tab, f.key)))
        if row is None:
            fills.append(f)
        else:
            for name, value in f.cells.items():
                if row.get(name) in (None, ""):
                    row[name] = value
    return appends, updates, fills


def _cell_fills(snap, fills, problems):
    """Cells of WritePlan.fill, written only where the fresh read finds them blank."""
    data = []
    for f in fills:
        tab = snap[f.tab]
        row = tab.by_key().get(update_key(tab.tab, f.key)) if tab.present else None
        if row is None:
            problems.append(Problem(f.tab, None, None, f"no row for {' / '.join(map(str, f.key))} to fill"))
            continue
        for name, value in f.cells.items():
            column = tab.tab.column(name)
            if name not in tab.positions:
                problems.append(Problem(f.tab, None, name, f"the column '{name}' is missing"))
                continue
            if row[name] is not None or name in row.unreadable:
                continue  # someone typed it: never overwritten
            cell = f"{quote(f.tab)}!{rowcol_to_a1(row.number, tab.positions[name] + 1)}"
            data.append({"range": cell, "values": [[schema.format_value(column, value)]]})
    return data


def _new_rows(tab, rows):
    """The rows not already in the tab (an earlier attempt may have landed them), in cell order."""
    existing = tab.by_key()
    width = max(tab.positions.values()) + 1
    new_rows, seen = [], set()
    for values in rows:
        key = row_key(tab.tab, values)
        if any(k is None for k in key):
            raise ValueError(f"a new {tab.tab.name} row needs {' and '.join(tab.tab.key)}")
        if key in existing or key in seen:
            continue
        seen.add(key)
        cells = [""] * width
        for col_name, value in values.items():
            if col_name in tab.positions:
                cells[tab.positions[col_name]] = schema.format_value(tab.tab.column(col_name), value)
        new_rows.append(cells)
    return new_rows


def _replacement(tab, rows, problems):
    """Cells that make an app-only tab hold exactly `rows`, or nothing if it already does."""
    if not tab.present or not tab.positions:
        problems.append(Problem(tab.tab.name, None, None, "cannot rewrite: the tab or its header row is missing"))
        return []
    current = [[r.values.get(c.name) for c in tab.tab.columns] for r in tab.rows]
    wanted = [[schema.parse(c, schema.format_value(c, v.get(c.name))) for c in tab.tab.columns] for v in rows]
    if current == wanted:
        return []
    width = max(tab.positions.values()) + 1
    out = []
    for values in rows:
        cells = [None] * width  # None leaves a manager's own columns alone
        for name, i in tab.positions.items():
            cells[i] = schema.format_value(tab.tab.column(name), values.get(name))
        out.append(cells)
    blank = [None] * width
    for i in tab.positions.values():
        blank[i] = ""
    out.extend([list(blank) for _ in range(max(0, tab.last_row - 1 - len(rows)))])
    end = max(tab.last_row, len(rows) + 1)
    return [{"range": f"{quote(tab.tab.name)}!A2:{rowcol_to_a1(end, width)}", "values": out}] if out else []


def grid_rows(echoed):
    """Rows in the grid, from a whole-tab range echoed back ('Members'!A1:Z1000)."""
    digits = "".join(ch for ch in echoed.rpartition(":")[2] if ch.isdigit())
    return int(digits) if digits else 0


def read_tab(tab, values, problems):
    """Parse a tab's rows by header name; what cannot be read becomes a Problem."""
    header = values[0] if values else []
    positions = {}
    for i, text in enumerate(header):
        try:
            column = tab.column(text)
        except KeyError:
            continue  # a manager's own column: kept, never written
        positions.setdefault(column.name, i)
    last_row = len(values)
    missing = [name for name in tab.key if name not in positions]
    if missing and values:
        for name in missing:
            problems.append(Problem(tab.name, 1, name, f"the header '{name}' is missing, so rows can't be matched"))
        return TabData(tab, header, positions, [], last_row=last_row)  # one problem, not one per row
    rows = []
    seen = {}
    columns = [(name, i, tab.column(name)) for name, i in positions.items()]  # once, not once per cell
    for number, raw in enumerate(values[1:], start=2):
        if not any(str(c).strip() for c in raw):
            continue  # a blank line a manager left
        parsed, unreadable = {}, set()
        for name, i, column in columns:
            cell = raw[i] if i < len(raw) else ""
            try:
                parsed[name] = schema.parse(column, cell)
            except CellProblem as exc:
                problems.append(Problem(tab.name, number, name, str(exc)))
                parsed[name] = None
                unreadable.add(name)
        ok = not unreadable.intersection(tab.key)
        key = row_key(tab, parsed)
        if any(k is None for k in key):
            if ok:
                blank = [name for name in tab.key if parsed.get(name) is None]
                problems.append(Problem(tab.name, number, blank[0], f"the {' and '.join(blank)} is blank"))
            continue
        if not ok:
            continue
        if key in seen:
            problems.append(Problem(tab.name, number, tab.key[0],
                                    f"{' / '.join(map(str, key))} is already on row {seen[key]}"))
            continue
        seen[key] = number
        rows.append(Row(number, parsed, frozenset(unreadable)))
    return TabData(tab, header, positions, rows, last_row=last_row)


def quote(title):
    return "'" + title.replace("'", "''") + "'"

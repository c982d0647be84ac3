"""The Google Sheet as actnet's record store: one read, one write plan.

Columns are found by their tag (or, before they have one, by header name),
rows by key, fresh, right before a write; placement.py puts each value on its
own row and under its own header whatever managers do meanwhile. A manager's
cell is never written; what the app cannot read becomes a Problem, not a failure.
"""
import dataclasses
import time

import gspread

from services import appending, placement, schema, tags
from services.plan import CellUpdate, PlanResult, WritePlan
from services.rows import (  # noqa: F401 (the row model is read from here by pages and jobs)
    Problem, Row, TabData, quote, read_tab, row_key, update_key)
from services.schema import header_key
from services.sheets import (
    RetryPolicy,
    SheetNotFound,
    SheetsError,
    SheetsUnavailable,
    open_client,
    service_account_email,
)

SPREADSHEETS = "https://sheets.googleapis.com/v4/spreadsheets/"


@dataclasses.dataclass
class Snapshot:
    tabs: dict  # name -> TabData
    problems: list
    reads: dict = dataclasses.field(default_factory=dict)  # header_key(title) -> tags.SheetRead

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

    def call(self, method, path, body=None, params=None):
        """One request to this spreadsheet's API (`path` after its id); the answer's JSON.
        Raises gspread's APIError as Google answered it, SheetsUnavailable when it would not."""
        response = self.http.request(method, SPREADSHEETS + self.sheet_id + path, params=params, json=body)
        return response.json()

    def batch(self, requests, response_ranges=None, fields=None):
        """spreadsheets.batchUpdate; with `response_ranges`, the answer shows those ranges'
        cells and tags as they were the moment the batch applied."""
        body = {"requests": requests}
        if response_ranges:
            body.update(includeSpreadsheetInResponse=True, responseRanges=response_ranges,
                        responseIncludeGridData=True)
        return self.call("post", ":batchUpdate", body, params={"fields": fields} if fields else None)

    def snapshot(self, tab_names, titles=None, columns=None, for_writing=False):
        """Every tab a job needs, with where its column tags are, in one atomic read
        (spreadsheets.getByDataFilter), plus one metadata read when the tab titles are
        not known. `columns` ({tab: names}) reads only those columns of a tab; its
        rows carry only them."""
        if titles is None:
            titles = [s["properties"]["title"] for s in self.metadata()["sheets"]]
        present = {header_key(t): t for t in titles}
        wanted = [(schema.tab_for(n), present.get(header_key(n))) for n in tab_names]
        columns = columns or {}
        try:
            reads = tags.read(self, [(tab, title, sorted(columns[tab.name]) if tab.name in columns else None)
                                     for tab, title in wanted if title], for_writing=for_writing)
        except gspread.exceptions.APIError as exc:
            raise self.explain(exc) from exc
        tabs, problems = {}, []
        for tab, title in wanted:
            sheet = reads.get(header_key(title)) if title else None
            if sheet is None:
                problems.append(Problem(tab.name, None, None, "this tab is missing; run `flask sheets init`"))
                tabs[tab.name] = TabData(tab, [], {}, [], present=False)
                continue
            data = read_tab(tab, sheet.values, problems, tagged=sheet.tagged(tab),
                            columns=columns.get(tab.name))
            data.row_count, data.sheet_id = sheet.row_count, sheet.sheet_id
            tabs[tab.name] = data
        return Snapshot(tabs, problems, reads)

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
        needs = _columns_needed(plan)
        snap = self.snapshot(names, titles=names, columns=needs, for_writing=True)
        if tags.ensure(self, snap, needs):
            snap = self.snapshot(names, titles=names, columns=needs, for_writing=True)
        _check_columns(snap, plan)
        appends, updates, fills = _fold_updates_into_new_rows(snap, plan)
        writer = placement.CellWriter(self, snap)
        updates += _blank_cells(snap, fills)
        for u in updates:
            tab = snap[u.tab]
            for name, value in u.cells.items():
                column = tab.tab.column(name)
                if not column.app_writes and not u.by_manager:
                    raise ValueError(f"{u.tab}.{name} belongs to the manager; the app never writes it")
                if column.name in tab.tab.key:
                    raise ValueError(f"{u.tab}.{name} is the row's key; an update never changes it")
                writer.set(u.tab, update_key(tab.tab, u.key), column.name, schema.format_value(column, value))
        for name, rows in plan.replacements.items():
            writer.extra += _replacement(snap[name], rows, snap.problems)
        written = writer.run()
        adder = appending.RowAdder(self, snap)
        appended = adder.add({name: _new_rows(snap[name], rows) for name, rows in appends.items()})
        dropped = writer.dropped + adder.dropped
        return PlanResult(appended, written, list(snap.problems) + dropped, dropped, writer.astray + adder.rewritten)

    def sweep_row_tags(self):
        """Take off the row tags a job left behind when it died mid-append. Returns how many."""
        found = self.call("post", "/developerMetadata:search", {"dataFilters": [
            {"developerMetadataLookup": {"metadataKey": tags.ROW_KEY}}]})
        stale = tags.stale_row_tags(found)
        if stale:
            self.batch([tags.delete_request(i) for i in stale], fields="spreadsheetId")
        return len(stale)


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


def _columns_needed(plan):
    """{tab: columns} the plan writes, and each tab's key: the columns it reads, and that need a tag."""
    needs = {}
    for name, rows in plan.appends.items():
        tab = schema.tab_for(name)
        needs.setdefault(name, set(tab.key)).update(tab.column(c).name for row in rows for c in row
                                                    if _is_column(tab, c))
    for u in plan.updates + plan.fills:
        tab = schema.tab_for(u.tab)
        needs.setdefault(u.tab, set(tab.key)).update(tab.column(c).name for c in u.cells)
    for name in plan.replacements:
        needs.setdefault(name, set()).update(c.name for c in schema.tab_for(name).columns)
    return needs


def _is_column(tab, name):
    try:
        tab.column(name)
        return True
    except KeyError:
        return False


def _check_columns(snap, plan):
    """Rows and cells wait (the outbox holds the plan, the Problems tab says why)
    while a column they need is missing: a header retyped or deleted is not a
    reason to drop anything."""
    for name, rows in plan.appends.items():
        tab = snap[name]
        if not tab.present:
            raise SheetsError(f"The tab {name} is missing; run `flask sheets init`. The rows wait until then.")
        missing = [k for k in tab.tab.key if k not in tab.positions]
        if missing:
            # Rows added without their key could never be found again.
            raise SheetsError(f"Rows can't be added to {name}: its '{missing[0]}' header is missing. Put it back "
                              f"or run `flask sheets init`; the rows wait until then.")
        wanted = {tab.tab.column(c).name for row in rows for c in row if _is_column(tab.tab, c)}
        _require(tab, wanted, "new rows")
    for u in plan.updates + plan.fills:
        tab = snap[u.tab]
        if not tab.present:
            raise SheetsError(f"The tab {u.tab} is missing; run `flask sheets init`. The changes wait until then.")
        _require(tab, set(tab.tab.key) | {tab.tab.column(c).name for c in u.cells}, "changes")


def _require(tab, wanted, what):
    missing = sorted(n for n in wanted if n not in tab.positions)
    if missing:
        raise placement.ColumnsMissing(
            f"{tab.tab.name}'s '{missing[0]}' header is missing (deleted, or retyped): put it back and the "
            f"{what} waiting for it are written.")


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
            row.update({name: value for name, value in f.cells.items() if row.get(name) in (None, "")})
    return appends, updates, fills


def _blank_cells(snap, fills):
    """WritePlan.fill: the cells the fresh read finds blank, as updates a manager may make
    (filling a blank overwrites nobody); a cell someone typed is left as it is."""
    updates = []
    for f in fills:
        tab = snap[f.tab]
        row = tab.by_key().get(update_key(tab.tab, f.key))
        if row is None:
            updates.append(CellUpdate(f.tab, f.key, dict(f.cells), by_manager=True))  # reported as not found
            continue
        blank = {name: value for name, value in f.cells.items()
                 if row[tab.tab.column(name).name] is None and tab.tab.column(name).name not in row.unreadable}
        if blank:
            updates.append(CellUpdate(f.tab, f.key, blank, by_manager=True))
    return updates


def _new_rows(tab, rows):
    """The rows not already in the tab (an earlier attempt may have landed them), as
    {column name: value as written}."""
    existing = tab.by_key()
    new_rows, seen = [], set()
    for values in rows:
        key = row_key(tab.tab, values)
        if any(k is None for k in key):
            raise ValueError(f"a new {tab.tab.name} row needs {' and '.join(tab.tab.key)}, none of them blank")
        if key in existing or key in seen:
            continue
        seen.add(key)
        cells = {}
        for col_name, value in values.items():
            if _is_column(tab.tab, col_name):
                column = tab.tab.column(col_name)
                cells[column.name] = schema.format_value(column, value)
        new_rows.append(cells)
    return new_rows


def _replacement(tab, rows, problems):
    """Whole columns that make an app-only tab hold exactly `rows`, or nothing if it already does.

    Written down each column's tag: every row of the table at once, so a sort or
    an inserted column changes nothing of what the tab ends up holding."""
    if not tab.present or not tab.positions:
        problems.append(Problem(tab.tab.name, None, None, "cannot rewrite: the tab or its header row is missing"))
        return []
    current = [[r.values.get(c.name) for c in tab.tab.columns] for r in tab.rows]
    wanted = [[schema.parse(c, schema.format_value(c, v.get(c.name))) for c in tab.tab.columns] for v in rows]
    if current == wanted:
        return []
    height = max(tab.last_row, len(rows) + 1)
    out = []
    for column in tab.tab.columns:
        if column.name not in tab.positions:
            continue
        values = [None] + [schema.format_value(column, v.get(column.name)) for v in rows]
        values += [""] * (height - len(values))
        out.append({"dataFilter": {"developerMetadataLookup": {"metadataId": tags.column_tag_id(tab.tab.name,
                                                                                                column.name)}},
                    "majorDimension": "COLUMNS", "values": [values]})
    return out

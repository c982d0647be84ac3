"""Writing a plan so every value lands on its own row and under its own header,
whatever managers sort, insert, delete or retype meanwhile.

Google gives no handle on a single cell: a data filter selects a whole column
(or row) by its tag, wherever it is when the write applies. So:

- Cells of existing rows are written down their column's tag, a column of
  values by row position with nulls elsewhere: a value can never land in
  another column, whatever was inserted or moved. The same call echoes the
  key columns as they were at that instant (includeValuesInResponse), so
  actnet knows exactly which row each value reached. A value that reached
  the wrong row (a sort slipped in between) is written again on its own
  row, and the cell it hit is put back as it was read; each round is one
  call, and a round with nothing astray ends it.
- New rows: appending.py.
"""
import dataclasses

import gspread

from services import schema, tags
from services.rows import Problem, key_of_cells, restore_value
from services.sheets import SheetsError, SheetsUnavailable

MAX_ROUNDS = 20  # each round is one write; a manager would have to edit faster than the API answers
HEADER = ("<header>",)


def _keyless(index):
    return ("<row>", index)


@dataclasses.dataclass
class Goal:
    """One cell as it must end: the plan's value, or what was there before a stray write."""
    value: object
    intended: bool


class ColumnsMissing(SheetsError):
    """A column the plan writes has gone (deleted, or its header retyped before it had a tag)."""


def grid_moved(exc):
    """A 400 that only says the grid is not as the read saw it (rows deleted at its end):
    the request wrote nothing, and trying again from a fresh look is right."""
    message = exc.error.get("message", "") if exc.response.status_code == 400 else ""
    return any(part in message for part in ("exceeds grid limits", "Requested writing within range",
                                            "after the end of the grid", "outside the grid"))


def _text(value):
    return "" if value is None else str(value)


def same(column, shown, value):
    """Whether a cell showing `shown` holds `value` (as written RAW)."""
    try:
        return schema.parse(column, shown) == schema.parse(column, _text(value))
    except schema.CellProblem:
        return _text(shown) == _text(value)


def _columns_of(answer_data):
    """An updatedData / valueRange as a list of columns of text."""
    values = answer_data.get("values", [])
    if answer_data.get("majorDimension") == "COLUMNS":
        return values
    width = max((len(r) for r in values), default=0)
    return [[r[i] if i < len(r) else "" for r in values] for i in range(width)]


class CellWriter:
    """Sets app-owned cells of existing rows through column tags, checked by an echo of the keys."""

    def __init__(self, workbook, snap):
        self.wb = workbook
        self.snap = snap
        self.goals = {}  # (tab, key, column) -> Goal
        self.done = set()
        self.dropped = []  # Problems: updates whose row is gone (deleted by hand), a legitimate end
        self.astray = 0  # values that reached another row and were put right
        self.missing = {}  # tab -> columns whose tag vanished before the write
        self.where = {name: self._rows_of(name) for name in snap.tabs}
        self.extra = []  # whole-column rewrites (the Problems tab), sent with the first round
        self.lost = set()  # goals that cannot land: their row or column is gone

    def _rows_of(self, name):
        data = self.snap[name]
        where = {key: row.number - 1 for key, row in data.by_key().items()}
        where[HEADER] = 0
        return where

    def set(self, tab, key, column, value):
        self.goals[(tab, key, column)] = Goal(value, True)

    def _expected(self, tab, key, column):
        if key == HEADER:
            data = self.snap[tab]
            i = data.positions.get(column)
            return data.header[i] if i is not None and i < len(data.header) else column
        if key[0] == "<row>":
            return ""
        row = self.snap[tab].by_key().get(key)
        return restore_value(self.snap[tab].tab, row, column) if row is not None else ""

    def _tag(self, tab, column):
        return tags.column_tag_id(tab, column)

    def run(self):
        """Write until every goal is confirmed on its own row. Returns the plan's cells written."""
        for _ in range(MAX_ROUNDS):
            sent, data = self._round([k for k in self.goals if k not in self.done])
            if not data:
                break
            try:
                answer = self.wb.call("post", "/values:batchUpdateByDataFilter", {
                    "valueInputOption": "RAW", "includeValuesInResponse": True,
                    "responseValueRenderOption": "FORMATTED_VALUE", "data": data})
            except SheetsUnavailable:
                # The write may or may not have landed: look, then go on from what is there.
                self._reconcile(sent)
                continue
            except gspread.exceptions.APIError as exc:
                if not grid_moved(exc):
                    raise
                self._reconcile(sent)  # rows deleted at the bottom meanwhile: nothing was written; look again
                continue
            self.extra = []
            self._check(sent, answer)
        if any(k not in self.done for k in self.goals):
            raise SheetsUnavailable("The sheet kept changing under every write; the changes are kept and "
                                    "will be written on the next try.")
        written = sum(1 for k, goal in self.goals.items() if goal.intended and k not in self.lost)
        if self.missing:
            tab, columns = next(iter(self.missing.items()))
            raise ColumnsMissing(f"The column '{sorted(columns)[0]}' of {tab} is missing (deleted, or its header "
                                 f"changed): put the header back and the changes waiting for it are written.")
        return written

    def _round(self, pending):
        """The data of one write: a column of values per tag, the key columns echoed."""
        vectors, sent = {}, []
        for tab, key, column in pending:
            index = self.where[tab].get(key)
            if index is None:
                self.done.add((tab, key, column))
                self.lost.add((tab, key, column))
                if self.goals[(tab, key, column)].intended:
                    self.dropped.append(Problem(tab, None, column, f"no row for {' / '.join(map(str, key))} "
                                                                   f"to set {column} (deleted by hand?)"))
                continue
            vectors.setdefault((tab, column), {})[index] = self.goals[(tab, key, column)].value
            sent.append((tab, key, column, index))
        data = []
        for (tab, column), cells in vectors.items():
            values = [None] * (max(cells) + 1)
            for i, value in cells.items():
                values[i] = value
            data.append(self._range(tab, column, values))
        for tab in sorted({tab for tab, _, _, _ in sent}):
            for name in self.snap[tab].tab.key:
                data.append(self._range(tab, name, [None]))  # writes nothing; echoes the keys
        return sent, data + self.extra

    def _range(self, tab, column, values):
        return {"dataFilter": {"developerMetadataLookup": {"metadataId": self._tag(tab, column)}},
                "majorDimension": "COLUMNS", "values": [values]}

    def _keys_at(self, tab, key_columns):
        """Row index -> key (HEADER, or a keyless marker) from the key columns' text."""
        data = self.snap[tab]
        header = [data.header[data.positions[n]] if data.positions[n] < len(data.header) else n
                  for n in data.tab.key]
        height = max((len(c) for c in key_columns), default=0)
        out = []
        for i in range(height):
            texts = [c[i] if i < len(c) else "" for c in key_columns]
            if [str(t).strip() for t in texts] == [str(h).strip() for h in header]:
                out.append(HEADER)
            else:
                out.append(key_of_cells(data.tab, texts) or _keyless(i))
        return out

    def _check(self, sent, answer):
        """Compare where each value went with where it was meant to go; plan the next round."""
        by_id = {}
        for response in answer.get("responses", ()):
            lookup = response.get("dataFilter", {}).get("developerMetadataLookup", {})
            by_id.setdefault(lookup.get("metadataId"), response)
        keys_at = {}
        for tab in {tab for tab, _, _, _ in sent}:
            columns = []
            for name in self.snap[tab].tab.key:
                response = by_id.get(self._tag(tab, name))
                if response is None:
                    raise ColumnsMissing(f"The key column '{name}' of {tab} is missing: put its header back.")
                echoed = _columns_of(response.get("updatedData", {}))
                columns.append(echoed[0] if echoed else [])
            keys_at[tab] = self._keys_at(tab, columns)
            self.where[tab] = {key: i for i, key in enumerate(keys_at[tab]) if key[0] != "<row>"}
        for tab, key, column, index in sent:
            if self._tag(tab, column) not in by_id:
                self.missing.setdefault(tab, set()).add(column)
                self.done.add((tab, key, column))
                self.lost.add((tab, key, column))
                continue
            at = keys_at[tab]
            hit = at[index] if index < len(at) else _keyless(index)
            if hit == key:
                self.done.add((tab, key, column))
            else:
                self.astray += 1
                self._astray(tab, hit, column)

    def _astray(self, tab, hit, column):
        """A value landed on row `hit`: that cell must go back to what it was, unless
        the plan has its own value for it."""
        goal = (tab, hit, column)
        if goal not in self.goals:
            self.goals[goal] = Goal(self._expected(tab, hit, column), False)
            if hit[0] == "<row>":
                self.where[tab][hit] = hit[1]
        self.done.discard(goal)

    def _reconcile(self, sent):
        """After a write whose answer was lost: read the keys and the columns written,
        and take as done only what reads right; a cell that holds a value sent to
        another row is put back."""
        tabs = sorted({tab for tab, _, _, _ in sent})
        wanted = [(tab, name) for tab in tabs for name in self.snap[tab].tab.key]
        wanted += sorted({(tab, column) for tab, _, column, _ in sent} - set(wanted))
        answer = self.wb.call("post", "/values:batchGetByDataFilter", {
            "majorDimension": "COLUMNS", "valueRenderOption": "FORMATTED_VALUE",
            "dataFilters": [{"developerMetadataLookup": {"metadataId": self._tag(t, c)}} for t, c in wanted]})
        found = {}
        for matched in answer.get("valueRanges", ()):
            for f in matched.get("dataFilters", ()):
                echoed = _columns_of(matched["valueRange"])
                found[f["developerMetadataLookup"]["metadataId"]] = echoed[0] if echoed else []
        sent_values = {}
        for tab, key, column, _ in sent:
            sent_values.setdefault((tab, column), []).append(self.goals[(tab, key, column)].value)
        for tab in tabs:
            key_columns = [found.get(self._tag(tab, n), []) for n in self.snap[tab].tab.key]
            keys_at = self._keys_at(tab, key_columns)
            self.where[tab] = {key: i for i, key in enumerate(keys_at) if key[0] != "<row>"}
            for (t, column), values in sent_values.items():
                if t != tab:
                    continue
                spec = self.snap[tab].tab.column(column)
                cells = found.get(self._tag(tab, column), [])
                for i, key in enumerate(keys_at):
                    shown = cells[i] if i < len(cells) else ""
                    goal = self.goals.get((tab, key, column))
                    if goal is not None:
                        if same(spec, shown, goal.value):
                            self.done.add((tab, key, column))
                        else:
                            self.done.discard((tab, key, column))
                    elif key[0] != "<row>" and not same(spec, shown, self._expected(tab, key, column)) \
                            and any(same(spec, shown, v) for v in values):
                        self._astray(tab, key, column)

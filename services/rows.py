"""A tab's cells as actnet reads them: columns by tag or header, rows by key.

Pure: no I/O. `read_tab` turns a tab's cells (rows of text, as Google shows
them) into rows of parsed values, and what it cannot read into Problems.
"""
import dataclasses

from services import schema
from services.schema import CellProblem


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
    raw: dict = dataclasses.field(default_factory=dict)  # column name -> the cell's text, as read

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
    row_count: int = 0  # the grid's rows
    sheet_id: int | None = None
    tagged: dict = dataclasses.field(default_factory=dict)  # name -> index of its developer-metadata tag

    def __post_init__(self):
        self._by_key = None

    def by_key(self):
        if self._by_key is None:
            self._by_key = {row_key(self.tab, r.values): r for r in self.rows}
        return self._by_key


def update_key(tab, key):
    """An update's key, compared as row keys are."""
    return row_key(tab, dict(zip(tab.key, key, strict=True)))


def row_key(tab, values):
    """A row's key, each part compared as its kind demands (schema.key_value)."""
    return tuple(schema.key_value(tab.column(name), values.get(name)) for name in tab.key)


def key_of_cells(tab, texts):
    """The key of a row from its key cells' text, or None when it has none (blank,
    unreadable): what an echo of the key columns is read with."""
    parsed = {}
    for name, text in zip(tab.key, texts, strict=True):
        try:
            parsed[name] = schema.parse(tab.column(name), text)
        except CellProblem:
            return None
    key = row_key(tab, parsed)
    return None if any(k is None for k in key) else key


def restore_value(tab, row, name):
    """What to write (RAW) to put a cell back as it was read."""
    column = tab.column(name)
    if name in row.unreadable:
        return row.raw.get(name, "")
    return schema.format_value(column, row.values.get(name))


def read_tab(tab, values, problems, tagged=None, columns=None):
    """Parse a tab's rows; what cannot be read becomes a Problem.

    Columns are found by their tag (`tagged`: name -> index) where they have
    one, so a header retyped for a minute changes nothing; else by header text
    (any case, surrounding spaces ignored).
    """
    header = values[0] if values else []
    found = []
    positions = column_positions(tab, header, tagged or {}, found)
    if columns is not None:  # only these were read: the others' cells are not known here
        positions = {name: i for name, i in positions.items() if name in columns}
        found = [p for p in found if p.column in columns]
    problems.extend(found)
    last_row = len(values)
    missing = [name for name in tab.key if name not in positions]
    if missing and values:
        for name in missing:
            problems.append(Problem(tab.name, 1, name, f"the header '{name}' is missing, so rows can't be matched"))
        return TabData(tab, header, positions, [], last_row=last_row, tagged=dict(tagged or {}))
    rows = []
    seen = {}
    columns = {name: tab.column(name) for name in positions}
    for number, cells in enumerate(values[1:], start=2):
        if not any(str(c).strip() for c in cells):
            continue  # a blank line a manager left
        parsed, unreadable, raw = {}, set(), {}
        for name, i in positions.items():
            cell = cells[i] if i < len(cells) else ""
            raw[name] = cell
            try:
                parsed[name] = schema.parse(columns[name], cell)
            except CellProblem as exc:
                problems.append(Problem(tab.name, number, name, str(exc)))
                parsed[name] = None
                unreadable.add(name)
        ok = not unreadable.intersection(tab.key)
        key = row_key(tab, parsed)
        if any(k is None for k in key):
            if ok:
                blank = [name for name in tab.key if parsed.get(name) is None or key[tab.key.index(name)] is None]
                problems.append(Problem(tab.name, number, blank[0], f"the {' and '.join(blank)} is blank"))
            continue
        if not ok:
            continue
        if key in seen:
            problems.append(Problem(tab.name, number, tab.key[0],
                                    f"{' / '.join(map(str, key))} is already on row {seen[key]}"))
            continue
        seen[key] = number
        rows.append(Row(number, parsed, frozenset(unreadable), raw))
    return TabData(tab, header, positions, rows, last_row=last_row, tagged=dict(tagged or {}))


def column_positions(tab, header, tagged, problems):
    """Where each column is: {name: index}.

    A column whose tagged column is still headed with its name is there. A
    column whose header now stands elsewhere (its cells were cut and pasted
    there) is where its header is. A tagged column whose header was retyped,
    or blanked, and stands nowhere else is still found by its tag (the
    Problems tab asks for the name back); nothing waits on a retyped header.
    """
    def named(i, name):
        return i < len(header) and schema.header_key(header[i]) == schema.header_key(name)

    positions = {name: i for name, i in tagged.items() if named(i, name)}
    taken = set(positions.values())
    for i, text in enumerate(header):
        try:
            name = tab.column(text).name
        except KeyError:
            continue  # a manager's own column: kept, never written
        if name not in positions and i not in taken:
            positions[name] = i
            taken.add(i)
    for name, i in tagged.items():
        if name in positions or i in taken:
            continue
        positions[name] = i
        taken.add(i)
        shown = f"reads '{header[i]}'" if i < len(header) and str(header[i]).strip() else "is blank"
        problems.append(Problem(tab.name, 1, name, f"the header of the '{name}' column {shown}; actnet still "
                                                   f"finds the column, but put its name back for people"))
    return positions


def quote(title):
    return "'" + title.replace("'", "''") + "'"

"""Write plans: what a job wants changed in the sheet, without the means to change it.

A plan names rows to add and app-owned cells to set by row key; the workbook
applies it, the outbox keeps it in Redis until then. Kept apart from the
Sheets gateway so that the outbox and the pages can build and store plans
without importing gspread.

A plan refuses, when it is made, what no sheet could take: a row whose key is
blank after trimming (it could never be found again, and a retry would add it
twice) and a value longer than a cell holds.
"""
import dataclasses

from services import schema


@dataclasses.dataclass
class CellUpdate:
    tab: str
    key: tuple
    cells: dict  # column name -> value (app-owned columns only, unless by_manager)
    # A manager's own edit made on a page (an action's title, a sponsor's limit):
    # it may set the manager's columns, as if they had typed it in the sheet.
    by_manager: bool = False


@dataclasses.dataclass
class WritePlan:
    """What a job wants changed: rows to add and app-owned cells to set, by key."""
    appends: dict = dataclasses.field(default_factory=dict)  # tab -> [ {column: value} ]
    updates: list = dataclasses.field(default_factory=list)
    replacements: dict = dataclasses.field(default_factory=dict)  # tab -> [ {column: value} ]
    fills: list = dataclasses.field(default_factory=list)  # CellUpdate: set only where the cell is blank

    def append(self, tab, values):
        spec = schema.tab_for(tab)
        blank = [name for name in spec.key if schema.key_value(spec.column(name), values.get(name)) is None]
        if blank:
            raise ValueError(f"a new {tab} row needs {' and '.join(spec.key)}: the {blank[0]} is blank")
        _check_lengths(spec, values)
        self.appends.setdefault(tab, []).append(values)

    def update(self, tab, key, **cells):
        spec = schema.tab_for(tab)
        key = tuple(key)
        if len(key) != len(spec.key) or any(schema.key_value(spec.column(name), part) is None
                                            for name, part in zip(spec.key, key)):
            raise ValueError(f"an update of {tab} needs its {' and '.join(spec.key)}, none of them blank")
        _check_lengths(spec, cells)
        self.updates.append(CellUpdate(tab, key, cells))

    def edit(self, tab, key, **cells):
        """A manager's change made on a page: may set columns the app otherwise never writes."""
        self.updates.append(CellUpdate(tab, tuple(key), cells, by_manager=True))

    def fill(self, tab, key, **cells):
        """Set cells of an existing row only where they are blank when the plan lands.

        May name a manager's column: filling a blank is not overwriting what
        someone typed (an import completing a person's ZIP, say). A cell typed
        between the plan's making and its landing is left as typed.
        """
        self.fills.append(CellUpdate(tab, tuple(key), cells))

    def replace(self, tab, rows):
        """Make an app-only tab (Problems) hold exactly these rows; no write if it already does."""
        self.replacements[tab] = list(rows)


def _check_lengths(spec, values):
    for name, value in values.items():
        try:
            column = spec.column(name)
        except KeyError:
            continue  # not a column of the tab: never written
        text = schema.format_value(column, value)
        if isinstance(text, str) and len(text) > schema.CELL_CHARACTERS:
            raise ValueError(f"{spec.name}.{column.name} {schema.TOO_LONG} ({len(text):,})")


@dataclasses.dataclass
class PlanResult:
    appended: int
    cells_updated: int
    problems: list
    dropped: list = dataclasses.field(default_factory=list)  # Problems: what could not be written, and why
    put_right: int = 0  # values and rows a manager's edit sent astray mid-write, put right

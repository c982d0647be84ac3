"""Write plans: what a job wants changed in the sheet, without the means to change it.

A plan names rows to add and app-owned cells to set by row key; the workbook
applies it, the outbox keeps it in Redis until then. Kept apart from the
Sheets gateway so that the outbox and the pages can build and store plans
without importing gspread.
"""
import dataclasses


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
        self.appends.setdefault(tab, []).append(values)

    def update(self, tab, key, **cells):
        self.updates.append(CellUpdate(tab, tuple(key), cells))

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


@dataclasses.dataclass
class PlanResult:
    appended: int
    cells_updated: int
    problems: list

"""What importing a file into a list would do, and the one write plan that does it.

Pure: the file (services/import_file) and the list as the sheet holds it now
(a TabData from one snapshot) in; a preview with exact counts and a WritePlan
out. A person is their email, trimmed and lower-cased, against the list and
within the file. An existing person's blank cells may be filled; a cell
someone typed is never overwritten: the preview lists it as a conflict, and
the plan fills only what is still blank when it lands (WritePlan.fill).
"""
import dataclasses
import re
import secrets
from datetime import date

from services import schema
from services.import_file import FIELDS, FULL_NAME, choice_value, split_name
from services.plan import WritePlan
from services.schema import CellProblem, header_key, normalise_email

SAMPLE_ROWS = 5
PROGRESS_EVERY = 1000
LISTED = 200  # skipped rows, conflicts and notes kept for the page; the counts cover them all


@dataclasses.dataclass
class Skipped:
    row: int
    email: str
    why: str


@dataclasses.dataclass
class Conflict:
    row: int
    email: str
    column: str
    kept: str  # what the list has, left as it is
    offered: str  # what the file has


@dataclasses.dataclass
class ImportPreview:
    tab: str
    file_name: str
    source: str
    rows: int = 0  # rows in the file with anything in them, the header aside
    added: int = 0
    updated: int = 0  # already on the list, with blank cells the file fills
    unchanged: int = 0  # already on the list, nothing to fill
    bad_email: int = 0
    no_email: int = 0
    duplicate: int = 0  # a later row with an email already seen in the file
    conflict_count: int = 0
    skipped: list = dataclasses.field(default_factory=list)  # Skipped, the first LISTED
    conflicts: list = dataclasses.field(default_factory=list)  # Conflict, the first LISTED
    notes: list = dataclasses.field(default_factory=list)  # cells left blank, and why
    sample: list = dataclasses.field(default_factory=list)  # the first new rows as they will land
    columns: list = dataclasses.field(default_factory=list)  # (file header, list column or "")

    @property
    def skipped_count(self):
        return self.bad_email + self.no_email + self.duplicate

    def as_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["skipped"] = [Skipped(**s) for s in data.get("skipped", [])]
        data["conflicts"] = [Conflict(**c) for c in data.get("conflicts", [])]
        data["columns"] = [tuple(c) for c in data.get("columns", [])]
        return cls(**data)


def new_person_id():
    """A short stable id for a list row (workbook.md, Id): hex, so no spreadsheet reads it as a formula."""
    return secrets.token_hex(5)


def source_label(file_name):
    """Source on each new row: `import FILE` (workbook.md)."""
    name = " ".join(str(file_name).split())[:80]
    return f"import {name}" if name else "import"


def _comparable(column, value):
    if value is None:
        return ""
    if column == "Phone":
        return re.sub(r"\D", "", str(value))  # (206) 555-0100 and 206-555-0100 are one number
    return header_key(str(value))


def _person(cells, mapping, number, notes):
    """A file row as list values: {column: value}, with what could not be used noted."""
    values, full_name = {}, None
    for text, field in zip(cells, mapping):
        if not field or not text:
            continue
        if field == FULL_NAME:
            full_name = text
            continue
        if field == "Email":
            values["Email"] = text
            continue
        column = schema.MEMBERS.column(field)
        if column.kind == "choice":
            try:
                values[field] = schema.parse(column, choice_value(field, text))
            except CellProblem as exc:
                if len(notes) < LISTED:
                    notes.append(f"Row {number}: {field} {exc}; left blank.")
            continue
        values[field] = text
    if full_name:
        first, last = split_name(full_name)
        values.setdefault("First name", first or None)
        values.setdefault("Last name", last or None)
    return {k: v for k, v in values.items() if v not in (None, "")}


def build_import(people_file, mapping, tab_data, *, today=None, new_id=new_person_id, progress=None):
    """Preview and plan for importing `people_file` into the list `tab_data` holds.

    `mapping` gives each of the file's columns a list column (or "" to leave it).
    Returns (ImportPreview, WritePlan). Running the plan twice adds nobody twice:
    new rows are keyed by Email, and fills only touch cells still blank.
    `progress(rows_done)` is called every PROGRESS_EVERY rows, for a page to show.
    """
    today = today or date.today()
    tab = tab_data.tab.name
    source = source_label(people_file.name)
    preview = ImportPreview(tab=tab, file_name=people_file.name, source=source,
                            columns=list(zip(people_file.header, mapping)))
    plan = WritePlan()
    on_list = {normalise_email(r["Email"]): r for r in tab_data.rows if r["Email"]}
    seen = {}  # email -> the file row that brought it first
    mapped = set(mapping) | ({"First name", "Last name"} if FULL_NAME in mapping else set())
    shown_columns = [c for c in FIELDS if c in mapped or c == "Status"] + ["Source", "Joined"]
    email_column = schema.MEMBERS.column("Email")

    def skip(number, email, why, counter):
        setattr(preview, counter, getattr(preview, counter) + 1)
        if len(preview.skipped) < LISTED:
            preview.skipped.append(Skipped(number, email, why))

    for row in people_file.rows:
        preview.rows += 1
        if progress and preview.rows % PROGRESS_EVERY == 0:
            progress(preview.rows)
        values = _person(row.cells, mapping, row.number, preview.notes)
        typed = values.get("Email", "")
        if not typed:
            skip(row.number, "", "no email address", "no_email")
            continue
        try:
            email = schema.parse(email_column, typed)
        except CellProblem as exc:
            skip(row.number, typed, str(exc), "bad_email")
            continue
        if email in seen:
            skip(row.number, typed, f"the same email as row {seen[email]}", "duplicate")
            continue
        seen[email] = row.number
        existing = on_list.get(email)
        if existing is None:
            new_row = {**values, "Email": typed, "Status": values.get("Status", "subscribed"),
                       "Source": source, "Joined": today, "Id": new_id()}
            plan.append(tab, new_row)
            preview.added += 1
            if len(preview.sample) < SAMPLE_ROWS:
                preview.sample.append({c: _shown(new_row.get(c)) for c in shown_columns})
            continue
        fills = {}
        for field, value in values.items():
            if field == "Email" or field not in tab_data.positions:
                continue
            current = existing[field]
            if current is None and field not in existing.unreadable:
                fills[field] = value
            elif _comparable(field, current) != _comparable(field, value):
                preview.conflict_count += 1
                if len(preview.conflicts) < LISTED:
                    kept = _shown(current) if field not in existing.unreadable else "(a value actnet can't read)"
                    preview.conflicts.append(Conflict(row.number, typed, field, kept, _shown(value)))
        if fills:
            plan.fill(tab, (existing["Email"],), **fills)
            preview.updated += 1
        else:
            preview.unchanged += 1
    return preview, plan


def _shown(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)

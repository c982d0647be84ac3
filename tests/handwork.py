"""A manager's hands on the sheet, and real `rq worker` processes flushing the outbox,
for the tests of writes under concurrent edits.

The manager talks to localsheets over HTTP like the app does, marked as by hand
(localsheets never holds such a request). Every cell the manager types is
remembered by the person's key and the column's header, so the end can check
that none changed, wherever sorts and inserts moved it.
"""
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import requests

from localsheets.holds import BY_HAND

ROOT = Path(__file__).resolve().parent.parent
HAND = {BY_HAND: "1"}
APP_COLUMNS = ("Status", "Source", "Joined", "Actions taken", "Last action", "Id")


class Hands:
    """The manager: edits by hand, and what they typed."""

    def __init__(self, url, sheet_id, tab="Members", seed=0):
        self.base = f"{url}/v4/spreadsheets/{sheet_id}"
        self.tab = tab
        self.rng = random.Random(seed)
        self.typed = {}  # (email, header) -> text typed by hand
        self.columns_made = 0
        self.retyped = []  # (header as the app named it, what it was retyped to, when to fix it)
        self.edits = []
        self._sheet_id = None

    # --- plumbing ---
    def sheet_id(self):
        if self._sheet_id is None:
            sheets = requests.get(self.base, headers=HAND, timeout=30).json()["sheets"]
            self._sheet_id = next(s["properties"]["sheetId"] for s in sheets if s["properties"]["title"] == self.tab)
        return self._sheet_id

    def batch(self, *reqs):
        r = requests.post(f"{self.base}:batchUpdate", json={"requests": list(reqs)}, headers=HAND, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def grid(self):
        """The tab's rows of text, and its size."""
        body = requests.get(f"{self.base}/values/{self.tab}", headers=HAND, timeout=30).json()
        return body.get("values", [])

    def put(self, rng, rows):
        r = requests.put(f"{self.base}/values/{rng}", params={"valueInputOption": "RAW"}, json={"values": rows},
                         headers=HAND, timeout=30)
        assert r.status_code == 200, r.text

    # --- edits ---
    def sort(self, header=None, descending=None):
        rows = self.grid()
        names = rows[0] if rows else []
        column = names.index(header) if header in names else self.rng.randrange(max(1, len(names)))
        order = "DESCENDING" if (self.rng.random() < 0.5 if descending is None else descending) else "ASCENDING"
        self.batch({"sortRange": {"range": {"sheetId": self.sheet_id(), "startRowIndex": 1},
                                  "sortSpecs": [{"dimensionIndex": column, "sortOrder": order}]}})
        self.edits.append("sort")

    def insert_column(self, at=None, cells=3):
        """A column of the manager's own, with a few cells typed in it, in one go."""
        rows = self.grid()
        width = max((len(r) for r in rows), default=1)
        at = self.rng.randrange(width + 1) if at is None else at
        self.columns_made += 1
        header = f"Hand {self.columns_made}"
        keyed = [(i, r) for i, r in enumerate(rows) if i and self._email(rows[0], r)]
        chosen = self.rng.sample(keyed, min(cells, len(keyed)))
        sheet = self.sheet_id()
        reqs = [{"insertDimension": {"range": {"sheetId": sheet, "dimension": "COLUMNS", "startIndex": at,
                                               "endIndex": at + 1}}},
                self._cell(sheet, 0, at, header)]
        for i, row in chosen:
            text = f"{header} for {self._email(rows[0], row)}"
            reqs.append(self._cell(sheet, i, at, text))
            self.typed[(self._email(rows[0], row), header)] = text
        self.batch(*reqs)
        self.edits.append("column")

    def insert_rows(self, at=1, count=3):
        self.batch({"insertDimension": {"range": {"sheetId": self.sheet_id(), "dimension": "ROWS",
                                                  "startIndex": at, "endIndex": at + count}}})
        self.edits.append("rows")

    def delete_row(self, email):
        rows = self.grid()
        i = next(i for i, r in enumerate(rows) if i and self._email(rows[0], r) == email)
        self.batch({"deleteDimension": {"range": {"sheetId": self.sheet_id(), "dimension": "ROWS",
                                                  "startIndex": i, "endIndex": i + 1}}})
        self.typed = {k: v for k, v in self.typed.items() if k[0] != email}
        self.edits.append("delete")

    def retype_header(self, header, to=None, fix_after=0.0):
        rows = self.grid()
        i = rows[0].index(header)
        to = to or f"{header} (was)"
        self.put(f"{self.tab}!{_col(i)}1", [[to]])
        self.retyped.append((header, to, time.monotonic() + fix_after))
        self.edits.append("retype")

    def fix_headers(self, now=None):
        """Put back the headers retyped long enough ago (all of them when now is None)."""
        keep = []
        for header, to, when in self.retyped:
            if now is not None and when > now:
                keep.append((header, to, when))
                continue
            rows = self.grid()
            if to in rows[0]:
                self.put(f"{self.tab}!{_col(rows[0].index(to))}1", [[header]])
        self.retyped = keep

    def type_note(self):
        rows = self.grid()
        keyed = [(i, r) for i, r in enumerate(rows) if i and self._email(rows[0], r)]
        if not keyed or "Notes" not in rows[0]:
            return
        i, row = self.rng.choice(keyed)
        email = self._email(rows[0], row)
        text = f"note {self.rng.randrange(10**6)} on {email}"
        self.batch(self._cell(self.sheet_id(), i, rows[0].index("Notes"), text))
        self.typed[(email, "Notes")] = text
        self.edits.append("note")

    def any_edit(self):
        """One edit of the kinds a manager makes while the app works: sorts, inserted
        columns and rows, retyped headers (put back a few seconds later), notes."""
        self.fix_headers(time.monotonic())
        roll = self.rng.random()
        if roll < 0.3:
            self.sort()
        elif roll < 0.5:
            self.insert_column()
        elif roll < 0.65:
            self.insert_rows(at=self.rng.choice([1, 1, 5, 20]), count=self.rng.randint(1, 3))
        elif roll < 0.85 and not self.retyped:
            header = self.rng.choice(["Actions taken", "Last action", "Email", "Notes", "Status", "Id"])
            if header in self.grid()[0]:
                self.retype_header(header, fix_after=self.rng.uniform(2, 5))
        else:
            self.type_note()

    @staticmethod
    def _email(header, row):
        i = header.index("Email") if "Email" in header else None
        if i is None or i >= len(row) or "@" not in row[i]:
            return None
        return row[i].strip().lower()

    @staticmethod
    def _cell(sheet, row, column, text):
        return {"updateCells": {"rows": [{"values": [{"userEnteredValue": {"stringValue": text}}]}],
                                "fields": "userEnteredValue",
                                "start": {"sheetId": sheet, "rowIndex": row, "columnIndex": column}}}


def _col(index):
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Workers:
    """Real `rq worker` processes on the actnet queue, pointed at one spreadsheet."""

    def __init__(self, redis_url, sheets_url, sheet_id, count=1, log_dir=None):
        env = dict(os.environ, REDIS_URL=redis_url, SHEETS_URL=sheets_url, SHEET_ID=sheet_id,
                   SHEETS_READS_PER_MINUTE="600", SHEETS_WRITES_PER_MINUTE="600")
        rq = str(Path(sys.executable).parent / "rq")
        self.procs, self.logs = [], []
        for n in range(count):
            out = open(Path(log_dir) / f"worker{n}.log", "w") if log_dir else subprocess.DEVNULL
            if log_dir:
                self.logs.append(out)
            self.procs.append(subprocess.Popen([rq, "worker", "--url", redis_url, "actnet"], env=env, cwd=ROOT,
                                               stdout=out, stderr=subprocess.STDOUT))

    def stop(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()


def wait_for(predicate, seconds=60, every=0.05, what="it"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"waited {seconds} s for {what}")


def member(n, day0=date(2026, 11, 1)):
    """The values of the n-th new member, as a page would add them."""
    return {"Email": f"m{n}@example.org", "First name": f"M{n}", "Status": "subscribed",
            "Source": "action soak", "Joined": day0 + timedelta(days=n % 300), "Id": f"id-{n}"}


def tally(rows, members, figures, typed, journal_columns=APP_COLUMNS):
    """The four counts of the soak, from the tab's final rows (text, as read by hand).

    members: {email: {column: value}} every member the app added (and the seed);
    figures: {email: {column: [values written, in order]}} from updates;
    typed: {(email, header): text} the manager typed.
    Returns (values on a wrong row, manager cells changed, plans lost, rows doubled).
    """
    header = rows[0]
    where = {name: header.index(name) for name in header if name}
    seen, wrong, lost, doubled, changed = {}, 0, 0, 0, 0
    email_at = where["Email"]
    for row in rows[1:]:
        cell = (lambda name: row[where[name]] if name in where and where[name] < len(row) else "")
        email = cell("Email").strip().lower() if email_at < len(row) else ""
        if not email:
            wrong += sum(1 for name in journal_columns if cell(name).strip())  # app values on a row of nobody
            continue
        if email in seen:
            doubled += 1
            continue
        seen[email] = row
        if email not in members:
            wrong += 1
            continue
        for name in journal_columns:
            history = figures.get(email, {}).get(name)
            expected = history[-1] if history else members[email].get(name)
            shown = cell(name)
            if _same(shown, expected):
                continue
            if history and any(_same(shown, v) for v in history[:-1] + [members[email].get(name)]):
                lost += 1  # an older value of this very person: an update that never landed
            else:
                wrong += 1
    lost += sum(1 for email in members if email not in seen)
    for (email, name), text in typed.items():
        row = seen.get(email)
        if row is None or name not in where or where[name] >= len(row) or row[where[name]] != text:
            changed += 1
    return wrong, changed, lost, doubled


def _same(shown, value):
    if value is None:
        return not str(shown).strip()
    return str(shown).strip() == (value.isoformat() if isinstance(value, date) else str(value))

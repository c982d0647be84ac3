"""Spreadsheets kept in SQLite, one JSON document each; every request is atomic."""
import json
import sqlite3
import threading
from pathlib import Path

from localsheets import model


class Store:
    def __init__(self, data_dir):
        path = Path(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path / "sheets.sqlite3", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS spreadsheets (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
        self._db.commit()
        self._lock = threading.Lock()
        self._cache = {}  # id -> (text, parsed doc), the parsed doc read-only

    def ids(self):
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT id FROM spreadsheets ORDER BY rowid")]

    def _load(self, spreadsheet_id):
        if spreadsheet_id not in self._cache:
            row = self._db.execute("SELECT doc FROM spreadsheets WHERE id = ?", (spreadsheet_id,)).fetchone()
            if row is None:
                raise model.ApiError(404, "Requested entity was not found.")
            self._cache[spreadsheet_id] = (row[0], json.loads(row[0]))
        return self._cache[spreadsheet_id]

    def read(self, spreadsheet_id, fn):
        """Run `fn(doc)` on the current document without changing it."""
        with self._lock:
            return fn(self._load(spreadsheet_id)[1])

    def write(self, spreadsheet_id, fn):
        """Run `fn(doc)` on a fresh copy; keep the copy only if `fn` succeeds."""
        with self._lock:
            text, _ = self._load(spreadsheet_id)
            doc = json.loads(text)
            result = fn(doc)
            model.check_cell_limit(doc)
            self._save(doc)
            return result

    def create(self, body):
        doc = model.new_spreadsheet(body)
        with self._lock:
            self._db.execute("INSERT INTO spreadsheets (id, doc) VALUES (?, ?)", (doc["spreadsheetId"], "{}"))
            self._save(doc)
        return doc

    def _save(self, doc):
        text = json.dumps(doc, separators=(",", ":"))
        with self._db:
            self._db.execute("UPDATE spreadsheets SET doc = ? WHERE id = ?", (text, doc["spreadsheetId"]))
        self._cache[doc["spreadsheetId"]] = (text, doc)

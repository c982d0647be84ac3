"""CSV downloads that no spreadsheet can run as a formula (OWASP CSV injection).

Every cell whose text starts with `=`, `+`, `-`, `@`, tab, CR, LF or NUL
(after any leading spaces) gets a leading apostrophe, which Excel, LibreOffice
and Google Sheets take as "this is text" and do not show; every field is
quoted and inner quotes doubled (RFC 4180). Exports are built by a job from
one snapshot of the sheet (pages never call Google) and kept in Redis a short
while for the download.
"""
import csv
import io
import os
import re
import secrets
from datetime import date, datetime, timezone

import rq

from services import schema
from services.config import Settings
from services.sheets import SheetsError

KEEP_SECONDS = 15 * 60  # a prepared download waits this long for its click
# OWASP's list, and ASVS 1.2.10's NUL; LF too, which some readers treat like CR.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")

KINDS = {
    "members": "Members",
    "list": "a partner's list",
    "signatures": "an action's signatures",
    "shares": "the Shares audit trail",
}
SIGNATURE_COLUMNS = ("At", "Email", "First name", "Last name", "ZIP", "Referrer code", "Source code", "Subscribe",
                     "Via", "Answers")


def safe_cell(value):
    """A value as CSV text that opens as text in any spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, datetime):
        text = value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    stripped = text.lstrip(" ")
    if stripped and stripped[0] in TRIGGERS:
        return "'" + text
    return text


def csv_text(header, rows):
    """RFC 4180 CSV (CRLF, every field quoted) of `rows` (each a dict keyed by `header`)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(row.get(h)) for h in header])
    return out.getvalue()


def _file_name(*parts):
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts if p)
    return f"{slug or 'export'}.csv"


def build_export(open_list, kind, subject=None, today=None):
    """(file name, CSV text, rows) for one export, from one read of the sheet.

    `open_list(group)` gives (Workbook, tab) as services.imports.open_list_from
    does; `subject` is the group for "list", the action's Slug for "signatures".
    """
    today = (today or date.today()).isoformat()
    if kind in ("members", "list"):
        workbook, tab = open_list(subject if kind == "list" else None)
        data = workbook.snapshot([tab])[tab]
        header = [c.name for c in data.tab.columns]
        rows = [r.values for r in data.rows]
        return _file_name(subject or "members", today), csv_text(header, rows), len(rows)
    workbook, _ = open_list(None)
    if kind == "signatures":
        data = workbook.snapshot(["Submissions"])["Submissions"]
        rows = [r.values for r in data.rows if (r["Action"] or "").strip() == subject]
        return _file_name("signatures", subject, today), csv_text(SIGNATURE_COLUMNS, rows), len(rows)
    if kind == "shares":
        data = workbook.snapshot(["Shares"])["Shares"]
        rows = [r.values for r in data.rows]
        return _file_name("shares", today), csv_text([c.name for c in schema.SHARES.columns], rows), len(rows)
    raise ValueError(f"unknown export {kind!r}")


def list_export(redis, group=None, today=None):
    """(file name, CSV text, rows) of Members (group None) or a group's list, from the mirror:
    no sheet read, so the download is immediate."""
    from services.api_directory import list_people
    from services.mirror import HOME
    from services.mirror_refresh import snake

    people = sorted(list_people(redis, HOME if group is None else group), key=lambda p: p.get("email") or "")
    header = [c.name for c in schema.MEMBERS.columns]
    rows = [{name: person.get(snake(name)) for name in header} for person in people]
    today = (today or date.today()).isoformat()
    return _file_name(group or "members", today), csv_text(header, rows), len(rows)


class ExportNotFound(KeyError):
    """No such export: never made, or its download time ran out."""


class Exports:
    """Downloads being prepared or waiting to be fetched, in Redis."""

    def __init__(self, redis):
        self.redis = redis

    def _key(self, export_id):
        return f"actnet:export:{export_id}"

    def create(self, kind, subject=None):
        if kind not in KINDS:
            raise ValueError(f"unknown export {kind!r}")
        export_id = secrets.token_urlsafe(12)
        key = self._key(export_id)
        self.redis.hset(key, mapping={"kind": kind, "subject": subject or "", "state": "queued", "message": ""})
        self.redis.expire(key, KEEP_SECONDS)
        return export_id

    def get(self, export_id):
        raw = self.redis.hgetall(self._key(export_id))
        if not raw:
            raise ExportNotFound(export_id)
        data = {k.decode(): v.decode() for k, v in raw.items() if k != b"csv"}
        data["id"] = export_id
        return data

    def content(self, export_id):
        """(file name, CSV bytes) of a prepared export."""
        name, text = self.redis.hmget(self._key(export_id), "name", "csv")
        if text is None:
            raise ExportNotFound(export_id)
        return name.decode(), text

    def prepare(self, export_id, open_list):
        meta = self.get(export_id)
        self.redis.hset(self._key(export_id), "state", "preparing")
        try:
            name, text, rows = build_export(open_list, meta["kind"], meta["subject"] or None)
        except SheetsError as exc:
            self.redis.hset(self._key(export_id), mapping={"state": "failed", "message": str(exc)})
            raise
        # A BOM so Excel reads the file as UTF-8 (names with accents survive).
        self.redis.hset(self._key(export_id), mapping={"state": "ready", "name": name,
                                                       "csv": ("\ufeff" + text).encode("utf-8"),
                                                       "rows": rows})
        return name


def export_job(export_id):
    """RQ job: prepare one export with the worker's settings."""
    from services.imports import open_list_from

    job = rq.get_current_job()
    try:
        return Exports(job.connection).prepare(export_id, open_list_from(Settings.from_env(os.environ)))
    except SheetsError:
        return None  # the export's state says what went wrong

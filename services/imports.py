"""Imports between the upload and the landing: kept in Redis, checked and landed by jobs.

A manager uploads (or pastes); the file waits in Redis (never in a URL or a
log) while a job reads the list from the sheet and works out the preview.
Once the manager confirms, a second job reads the list afresh, builds the
plan again (so a cell typed in the meantime is still kept) and applies it as
one write plan: one batchUpdate for the blank cells it fills, one append for
the new rows. The plan is keyed by email, so a job killed halfway and run
again, or the same file imported twice, adds nobody twice.

Progress lives in the import's Redis hash, where the page polls it.
"""
import json
import os
import secrets
from datetime import datetime, timezone

import rq

from services import import_file, schema
from services.config import Settings
from services.import_file import FileProblem
from services.import_plan import ImportPreview, build_import
from services.sheets import SheetsError, SheetsUnavailable
from services.workbook import Workbook, group_lists

KEEP_SECONDS = 6 * 3600  # an upload nobody confirms is forgotten after this
JOB_TIMEOUT = 1800

# The states an import goes through, in order; the page shows them in these words.
STATES = {
    "queued": "Waiting for a worker",
    "checking": "Checking against the list",
    "ready": "Ready to import",
    "importing": "Importing",
    "done": "Imported",
    "failed": "Stopped",
}


class ImportNotFound(KeyError):
    """No such import: never made, or forgotten after KEEP_SECONDS."""


class Imports:
    """The imports waiting or running, by id, in Redis."""

    def __init__(self, redis):
        self.redis = redis

    def _key(self, import_id):
        return f"actnet:import:{import_id}"

    def create(self, data, name, list_group=None):
        """Keep an uploaded file (bytes) or pasted text; returns the import's id.

        `list_group` None is the home group's Members; a group's Name is its list.
        Raises FileProblem when the file cannot be read at all.
        """
        text = import_file.decode(data) if isinstance(data, bytes) else data
        people = import_file.read(text, name)  # refuse what cannot be read now, not in a job
        import_id = secrets.token_urlsafe(12)
        key = self._key(import_id)
        with self.redis.pipeline() as pipe:
            pipe.set(f"{key}:file", text.encode("utf-8"), ex=KEEP_SECONDS)
            pipe.hset(key, mapping={
                "name": people.name, "list_group": list_group or "", "state": "queued", "done": 0,
                "total": len(people.rows), "message": "", "mapping": json.dumps(import_file.guess_mapping(people.header)),
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds")})
            pipe.expire(key, KEEP_SECONDS)
            pipe.execute()
        return import_id

    def get(self, import_id):
        raw = self.redis.hgetall(self._key(import_id))
        if not raw:
            raise ImportNotFound(import_id)
        data = {k.decode(): v.decode() for k, v in raw.items()}
        data["id"] = import_id
        data["done"], data["total"] = int(data["done"]), int(data["total"])
        data["mapping"] = tuple(json.loads(data["mapping"]))
        for part in ("preview", "result"):
            data[part] = ImportPreview.from_dict(json.loads(data[part])) if data.get(part) else None
        data["state_words"] = STATES[data["state"]]
        return data

    def file(self, import_id):
        text = self.redis.get(f"{self._key(import_id)}:file")
        if text is None:
            raise ImportNotFound(import_id)
        meta = self.get(import_id)
        return import_file.read(text.decode("utf-8"), meta["name"])

    def set_mapping(self, import_id, mapping):
        self.get(import_id)
        self.redis.hset(self._key(import_id), mapping={"mapping": json.dumps(list(mapping)), "preview": ""})

    def _set(self, import_id, **fields):
        self.redis.hset(self._key(import_id), mapping={k: (v if isinstance(v, (str, int)) else json.dumps(v))
                                                       for k, v in fields.items()})

    def claim(self, import_id, state):
        """Move an import into `state` once: a double click enqueues one job, not two."""
        claimed = self.redis.set(f"{self._key(import_id)}:{state}", 1, nx=True, ex=KEEP_SECONDS)
        if claimed:
            self._set(import_id, state="queued", done=0, message="")
        return bool(claimed)

    def release(self, import_id, state):
        """Allow `state` again (after a failure, to try once more)."""
        self.redis.delete(f"{self._key(import_id)}:{state}")

    # --- the work the jobs do ------------------------------------------------

    def check(self, import_id, open_list):
        """Work out the preview against the list as the sheet holds it now."""
        return self._work(import_id, open_list, land=False)

    def land(self, import_id, open_list):
        """Build the plan afresh and apply it: the import lands whole or not at all."""
        return self._work(import_id, open_list, land=True)

    def _work(self, import_id, open_list, land):
        meta = self.get(import_id)
        state = "importing" if land else "checking"
        self._set(import_id, state=state, done=0, message="Reading the list from the sheet")
        try:
            problem = import_file.check_mapping(meta["mapping"])
            if problem:
                raise FileProblem(problem)
            people = self.file(import_id)
            workbook, tab = open_list(meta["list_group"] or None)
            snap = workbook.snapshot([tab])
            if not snap[tab].present:
                raise SheetsError(f"The tab {tab} is missing from the spreadsheet; run `flask sheets init`.")
            self._set(import_id, message="Comparing the file with the list")
            preview, plan = build_import(people, meta["mapping"], snap[tab],
                                         progress=lambda done: self._set(import_id, done=done))
            if not land:
                self._set(import_id, state="ready", done=len(people.rows), message="", preview=preview.as_dict())
                return preview
            self._set(import_id, message=f"Writing {preview.added + preview.updated} people to the sheet")
            result = workbook.apply(plan)
            self._set(import_id, state="done", done=len(people.rows), message="", result=preview.as_dict(),
                      appended=result.appended, cells=result.cells_updated)
            return preview
        except SheetsUnavailable:
            self._fail(import_id, state, "The spreadsheet could not be reached, so nothing was written. "
                                         "Try again in a few minutes.")
            raise
        except (FileProblem, SheetsError, ImportNotFound) as exc:
            self._fail(import_id, state, str(exc))
            raise
        except Exception:
            self._fail(import_id, state, "Something went wrong on our side, and nothing was written. "
                                         "Try again in a few minutes.")
            raise

    def _fail(self, import_id, state, message):
        self._set(import_id, state="failed", message=message)
        self.release(import_id, state)


def open_list_from(settings, workbook=None):
    """A function giving (Workbook, tab name) for the home list (None) or a group's list."""
    home = workbook or Workbook.from_settings(settings)

    def open_list(group):
        if group is None:
            return home, schema.MEMBERS.name
        groups = home.snapshot(["Groups"])["Groups"]
        for where in group_lists(groups):
            if where.group == group:
                if where.sheet_id is None:
                    return home, where.tab
                return Workbook(home.client, where.sheet_id, retry=home.retry, account=home.account), where.tab
        raise SheetsError(f"{group} is not in the Groups tab any more, so its list can't be found.")

    return open_list


# --- RQ jobs (the worker has the environment's settings) ----------------------

def check_job(import_id):
    job = rq.get_current_job()
    return _run(Imports(job.connection).check, import_id)


def land_job(import_id):
    job = rq.get_current_job()
    return _run(Imports(job.connection).land, import_id)


def _run(work, import_id):
    try:
        preview = work(import_id, open_list_from(Settings.from_env(os.environ)))
    except (FileProblem, SheetsError, ImportNotFound):
        return None  # the import's state says what went wrong, for the page to show
    return {"added": preview.added, "updated": preview.updated}

"""The state of each part actnet depends on, for /healthz and the dashboard."""
import time

import redis
from rq import Worker

from services import intake, schedule, worker_queue
from services.mirror import Mirror
from services.outbox import Outbox
from services.sheets import RetryPolicy, SheetsError
from services.workbook import Workbook


def redis_state(connection):
    try:
        connection.ping()
    except redis.RedisError as exc:
        return {"ok": False, "detail": f"Redis is not answering ({type(exc).__name__})."}
    return {"ok": True}


def queue_state(connection):
    try:
        q = worker_queue.queue(connection)
        workers = Worker.count(connection=connection, queue=q)
        outbox = Outbox(connection)
        held, why = outbox.held_back()
        return {"ok": True, "depth": q.count, "workers": workers,
                "last_cron_heartbeat": schedule.last_heartbeat(connection),
                "waiting_for_sheet": intake.depth(connection), "held_for_a_fix": held, "held_because": why}
    except redis.RedisError:
        return {"ok": False, "detail": "The queue lives in Redis, which is not answering."}


class SheetsProbe:
    """Checks the spreadsheet answers, at most once per `ttl` seconds while it does.

    Each check costs one read of the per-minute quota, so a health checker
    polling every second must not spend the budget the jobs need. A failure is
    kept for `retry_after` seconds only, so a fix shows up at once.
    """

    def __init__(self, settings, ttl=15.0, retry_after=2.0):
        self.settings = settings
        self.ttl = ttl
        self.retry_after = retry_after
        self._checked_at = None
        self._state = None

    def __call__(self):
        now = time.monotonic()
        keep = self.ttl if self._state and self._state["ok"] else self.retry_after
        if self._checked_at is None or now - self._checked_at > keep:
            self._state = self._check()
            self._checked_at = now
        return self._state

    def _check(self):
        backend = self.settings.sheets_backend
        if backend is None:
            return {"ok": False, "detail": "No spreadsheet backend is configured (SHEETS_URL or "
                                           "GOOGLE_APPLICATION_CREDENTIALS)."}
        if not self.settings.sheet_id:
            return {"ok": False, "backend": backend, "detail": "SHEET_ID is not set."}
        try:
            meta = Workbook.from_settings(self.settings, http_retry=RetryPolicy(attempts=1)).metadata(
                fields="properties.title")
        except SheetsError as exc:
            return {"ok": False, "backend": backend, "detail": str(exc)}
        return {"ok": True, "backend": backend, "title": meta.get("properties", {}).get("title")}


def mirror_state(connection):
    """How old the pages' copy of the sheet is, and how many changes are on their way to it."""
    try:
        fresh = Mirror(connection).freshness()
    except redis.RedisError:
        return {"ok": False, "detail": "The mirror lives in Redis, which is not answering."}
    read_at = fresh["read_at"]
    return {"ok": True, "read_at": read_at.isoformat(timespec="seconds") if read_at else None,
            "age_seconds": fresh["age_seconds"], "outbox_depth": fresh["outbox_depth"]}


def sheets_state(connection, sheets_probe):
    """The spreadsheet as the jobs last found it, so /healthz makes no Google call of its own.

    Before any job has read the sheet (a fresh start), the probe asks it once.
    """
    try:
        state = Mirror(connection).state()
    except redis.RedisError:
        state = None
    if not state or not state["tried_at"]:
        return sheets_probe()
    out = {"ok": state["ok"], "backend": sheets_probe.settings.sheets_backend, "read_at": state["read_at"],
           "checked_by": "the mirror's refresh"}
    if not state["ok"]:
        out["detail"] = state["detail"]
    return out


def report(connection, sheets_probe):
    parts = {"redis": redis_state(connection), "sheets": sheets_state(connection, sheets_probe),
             "queue": queue_state(connection), "mirror": mirror_state(connection)}
    ok = all(part["ok"] for part in parts.values())
    return ok, {"status": "ok" if ok else "down", **parts}

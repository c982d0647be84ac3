"""A sharing run's state in Redis: the lock that lets one run at a time, and its progress.

Progress (phase, actions done of total, outcome) is a small hash a page can
poll; it stays after the run ends, so the last outcome can be read until the
next run starts.
"""
import json
import secrets
import threading
from datetime import datetime, timezone

import redis

LOCK_KEY = "actnet:run:lock"
PROGRESS_KEY = "actnet:run:progress"
# A run renews its lock every third of this; a run killed outright frees it this long after.
LOCK_SECONDS = 30
DONE, FAILED = "done", "failed"


class RunInProgress(Exception):
    """Another run holds the lock; the message says since when."""


def _utc(text):
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


class RunLock:
    """One sharing run at a time, across every process that shares this Redis."""

    def __init__(self, connection, since):
        self.connection = connection
        self.since = since
        self._lock = connection.lock(LOCK_KEY, timeout=LOCK_SECONDS, blocking=False, thread_local=False)
        self._done = threading.Event()
        self._keeper = None

    def __enter__(self):
        token = json.dumps({"since": self.since.isoformat(), "nonce": secrets.token_hex(8)})
        if not self._lock.acquire(token=token):
            raise RunInProgress(f"A sharing run is already in progress (since {holder_since(self.connection)}); "
                                f"this one did not start. Try again when it has finished.")
        self._keeper = threading.Thread(target=self._keep_alive, daemon=True)
        self._keeper.start()
        return self

    def _keep_alive(self):
        while not self._done.wait(LOCK_SECONDS / 3):
            try:
                self._lock.reacquire()
            except redis.RedisError:
                return  # Redis is gone: the run's own calls will say so

    def __exit__(self, *exc):
        self._done.set()
        self._keeper.join()
        try:
            self._lock.release()
        except redis.RedisError:
            pass  # it lapsed; nothing to free
        return False


def holder_since(connection):
    """When the run holding the lock started, in words ("17:00:02 UTC"), or "a moment ago"."""
    raw = connection.get(LOCK_KEY)
    try:
        since = _utc(json.loads(raw)["since"]) if raw else None
    except (ValueError, KeyError, TypeError):
        since = None
    return f"{since:%Y-%m-%d %H:%M:%S} UTC" if since else "a moment ago"


class Progress:
    """Where the run is, for a page to poll. A no-op without Redis (a dry run)."""

    def __init__(self, connection):
        self.connection = connection

    def _set(self, **fields):
        if self.connection is None:
            return
        fields["updated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.connection.hset(PROGRESS_KEY, mapping={k: "" if v is None else str(v) for k, v in fields.items()})

    def start(self, trigger, started):
        if self.connection is not None:
            self.connection.delete(PROGRESS_KEY)
        self._set(phase="reading the sheet", trigger=trigger, started=started.isoformat(),
                  actions_done=0, actions_total=0, outcome="", finished="", run="", seed="")

    def identify(self, run_id, seed, actions_total):
        self._set(run=run_id, seed=seed, actions_total=actions_total, phase="deciding")

    def action_done(self, done):
        self._set(actions_done=done)

    def phase(self, phase):
        self._set(phase=phase)

    def finish(self, outcome, finished):
        self._set(phase=DONE, outcome=outcome, finished=finished.isoformat())

    def fail(self, outcome):
        self._set(phase=FAILED, outcome=outcome, finished=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def progress(connection):
    """The current or last run as a page shows it.

    Keys: running (bool), phase, run, seed, trigger, started, finished,
    actions_done, actions_total (ints), outcome. A run that stopped without a
    word (a killed worker) reads as phase "interrupted".
    """
    raw = {k.decode(): v.decode() for k, v in connection.hgetall(PROGRESS_KEY).items()}
    running = bool(connection.exists(LOCK_KEY))
    if not raw:
        return {"running": running, "phase": "never run" if not running else "starting", "outcome": ""}
    state = dict(raw, running=running)
    for key in ("actions_done", "actions_total"):
        state[key] = int(raw.get(key) or 0)
    if not running and state.get("phase") not in (DONE, FAILED):
        state["phase"] = "interrupted"
        state["outcome"] = state.get("outcome") or "stopped before it finished; the next run completes its work"
    return state

"""A test hook: hold the next request of a given method before it does its work.

A test that must place a manager's edit exactly between a job's read and its
write asks localsheets to hold the job's next write, waits until it is held,
makes the edit (by hand: requests carrying the BY_HAND header are never held),
then releases it. Nothing in actnet is mocked; the job's request simply waits
at the door, as a slow network would make it wait.

    POST /admin/hold {"method": "values.batchUpdateByDataFilter", "count": 1}
    GET  /admin/held      -> {"held": ["values.batchUpdateByDataFilter"], "armed": [...]}
    POST /admin/release   -> lets every held request go on
"""
import threading
import time

BY_HAND = "X-Localsheets-By-Hand"
LONGEST_HOLD = 30.0  # a forgotten hold lets go by itself, so no test hangs for ever


class Holds:
    def __init__(self):
        self._lock = threading.Condition()
        self._armed = []  # methods still to hold, one entry per request
        self._held = []  # methods of requests waiting now
        self._generation = 0

    def arm(self, method, count=1):
        with self._lock:
            self._armed.extend([method] * count)

    def release(self):
        with self._lock:
            self._armed.clear()
            self._generation += 1
            self._lock.notify_all()

    def state(self):
        with self._lock:
            return {"held": list(self._held), "armed": list(self._armed)}

    def wait_if_held(self, method, headers):
        """Called by every API request before its work; returns when it may go on."""
        if headers.get(BY_HAND):
            return
        with self._lock:
            if method not in self._armed:
                return
            self._armed.remove(method)
            self._held.append(method)
            generation = self._generation
            deadline = time.monotonic() + LONGEST_HOLD
            while self._generation == generation and time.monotonic() < deadline:
                self._lock.wait(timeout=max(0.0, deadline - time.monotonic()))
            self._held.remove(method)


def register(app, holds):
    from flask import jsonify, request

    @app.post("/admin/hold")
    def admin_hold():
        body = request.get_json(force=True) or {}
        holds.arm(body["method"], int(body.get("count", 1)))
        return jsonify(holds.state())

    @app.get("/admin/held")
    def admin_held():
        return jsonify(holds.state())

    @app.post("/admin/release")
    def admin_release():
        holds.release()
        return jsonify(holds.state())

"""The HTTP face of localsheets: Google's URLs, quotas, injected faults and a request log."""
import collections
import random
import threading
import time

from flask import Flask, abort, jsonify, request

from localsheets import batch, fields, grid, model
from localsheets.store import Store


class Faults:
    """Per-instance quota, latency and failure settings, changeable at run time."""

    def __init__(self, reads_per_minute=60, writes_per_minute=60, latency_ms=0, fail_rate=0.0, drop_rate=0.0,
                 seed=None):
        self.reads_per_minute = reads_per_minute
        self.writes_per_minute = writes_per_minute
        self.latency_ms = latency_ms
        self.fail_rate = fail_rate
        self.drop_rate = drop_rate
        self.rng = random.Random(seed)

    def as_dict(self):
        return {k: getattr(self, k) for k in
                ("reads_per_minute", "writes_per_minute", "latency_ms", "fail_rate", "drop_rate")}

    def update(self, values):
        for key in self.as_dict():
            if key in values:
                setattr(self, key, type(getattr(self, key))(values[key]))
        if "seed" in values:
            self.rng = random.Random(values["seed"])


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self.entries = []
        self._window = collections.defaultdict(collections.deque)  # (user, read|write) -> times

    def admit(self, user, kind, limit, now):
        """Google's per-minute-per-user quota; False means answer 429."""
        with self._lock:
            sent = self._window[(user, kind)]
            while sent and now - sent[0] >= 60:
                sent.popleft()
            if limit and len(sent) >= limit:
                return False
            sent.append(now)
            return True

    def record(self, **entry):
        with self._lock:
            self.entries.append(entry)

    def summary(self):
        with self._lock:
            counts = collections.Counter(e["method"] for e in self.entries)
            outcomes = collections.Counter(str(e["status"]) for e in self.entries)
            return {"total": len(self.entries), "counts": dict(counts), "statuses": dict(outcomes),
                    "reads": sum(1 for e in self.entries if e["kind"] == "read"),
                    "writes": sum(1 for e in self.entries if e["kind"] == "write"),
                    "requests": list(self.entries)}

    def reset(self):
        with self._lock:
            self.entries.clear()
            self._window.clear()


class DropConnection(Exception):
    """Close the socket without an answer, as a flaky network does."""


def create_app(data_dir, faults=None):
    app = Flask(__name__)
    store = Store(data_dir)
    faults = faults or Faults()
    log = RequestLog()
    app.extensions["localsheets"] = {"store": store, "faults": faults, "log": log}

    def perform(method_name, kind, spreadsheet_id, fn, user, via="api"):
        """One call under the quota, injected faults and the log: its body, or ApiError.

        The API's routes and the page's edits both come through here, so an edit
        typed on the page is counted and logged as the API call it is.
        """
        entry = {"at": time.time(), "method": method_name, "kind": kind, "spreadsheet": spreadsheet_id, "via": via}
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
            entry["delayed_ms"] = faults.latency_ms
        limit = faults.reads_per_minute if kind == "read" else faults.writes_per_minute
        if not log.admit(user, kind, limit, time.monotonic()):
            metric = "Read requests" if kind == "read" else "Write requests"
            err = model.ApiError(429, f"Quota exceeded for quota metric '{metric}' and limit '{metric} per "
                                      f"minute per user' of service 'sheets.googleapis.com' for consumer "
                                      f"'project_number:0'.")
            log.record(**entry, status=err.code)
            raise err
        roll = faults.rng.random()
        if roll < faults.fail_rate:
            code = 503 if faults.rng.random() < 0.5 else 500
            message = "The service is currently unavailable." if code == 503 else "Internal error encountered."
            log.record(**entry, status=code)
            raise model.ApiError(code, message)
        try:
            body = fn()
        except model.ApiError as err:
            log.record(**entry, status=err.code)
            raise
        log.record(**entry, status=200)
        return body

    def api(method_name, kind, spreadsheet_id, fn):
        """An API route's call, answered as JSON in Google's shapes."""
        user = request.headers.get("Authorization", "anonymous")
        try:
            body = perform(method_name, kind, spreadsheet_id, fn, user)
        except model.ApiError as err:
            response = jsonify(err.body())
            response.status_code = err.code
            return response
        if faults.rng.random() < faults.drop_rate:
            # After the work is done: the client cannot tell whether it landed.
            raise DropConnection()
        if request.args.get("fields"):
            body = fields.select(body, fields.parse(request.args["fields"]))
        return jsonify(body)

    def params_list(name):
        return request.args.getlist(name) or request.args.getlist(name + "[]")

    def response_options():
        """includeValuesInResponse and responseValueRenderOption, from the query string."""
        return (request.args.get("includeValuesInResponse", "false").lower() == "true",
                request.args.get("responseValueRenderOption") or "FORMATTED_VALUE")

    def json_body():
        body = request.get_json(silent=True)
        if body is None and request.data:
            raise model.ApiError(400, "Invalid JSON payload received.")
        return body or {}

    @app.errorhandler(DropConnection)
    def drop(_):
        sock = request.environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(2)
                sock.close()
            except OSError:
                pass
        return "", 500

    @app.post("/v4/spreadsheets")
    def create():
        return api("spreadsheets.create", "write", None, lambda: model.public_view(store.create(json_body())))

    @app.get("/v4/spreadsheets/<sid>")
    def get(sid):
        grid = request.args.get("includeGridData", "false").lower() == "true"
        return api("spreadsheets.get", "read", sid,
                   lambda: store.read(sid, lambda doc: model.public_view(doc, params_list("ranges"), grid)))

    @app.post("/v4/spreadsheets/<sid>:batchUpdate")
    def batch_update(sid):
        return api("spreadsheets.batchUpdate", "write", sid,
                   lambda: store.write(sid, lambda doc: batch.batch_update(doc, json_body())))

    @app.get("/v4/spreadsheets/<sid>/values:batchGet")
    def values_batch_get(sid):
        def run(doc):
            ranges = params_list("ranges")
            if not ranges:
                raise model.ApiError(400, "ranges must be specified")
            major, render = request.args.get("majorDimension"), request.args.get("valueRenderOption")
            return {"spreadsheetId": sid, "valueRanges": [model.get_values(doc, r, major, render) for r in ranges]}
        return api("values.batchGet", "read", sid, lambda: store.read(sid, run))

    @app.post("/v4/spreadsheets/<sid>/values:batchUpdate")
    def values_batch_update(sid):
        def run(doc):
            body = json_body()
            option = body.get("valueInputOption")
            include = bool(body.get("includeValuesInResponse"))
            render = body.get("responseValueRenderOption") or "FORMATTED_VALUE"
            model.check_options(value_input=option, require_input=True)
            responses = [model.write_values(doc, vr.get("range", ""), vr, option, include, render)
                         for vr in body.get("data") or []]
            # Totals count what was written (a range of nulls adds nothing); zeros are left out.
            totals = {"totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
                      "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
                      "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
                      "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in responses
                                                 if r.get("updatedCells")})}
            return {"spreadsheetId": sid, **{k: v for k, v in totals.items() if v}, "responses": responses}
        return api("values.batchUpdate", "write", sid, lambda: store.write(sid, run))

    @app.post("/v4/spreadsheets/<sid>/values:batchClear")
    def values_batch_clear(sid):
        def run(doc):
            cleared = [model.clear_values(doc, r) for r in json_body().get("ranges") or []]
            return {"spreadsheetId": sid, "clearedRanges": cleared}
        return api("values.batchClear", "write", sid, lambda: store.write(sid, run))

    @app.get("/v4/spreadsheets/<sid>/values/<path:rng>")
    def values_get(sid, rng):
        major, render = request.args.get("majorDimension"), request.args.get("valueRenderOption")
        return api("values.get", "read", sid, lambda: store.read(sid, lambda doc: model.get_values(doc, rng, major, render)))

    @app.put("/v4/spreadsheets/<sid>/values/<path:rng>")
    def values_update(sid, rng):
        option = request.args.get("valueInputOption")
        include, render = response_options()
        return api("values.update", "write", sid,
                   lambda: store.write(sid, lambda doc: model.write_values(doc, rng, json_body(), option, include, render)))

    @app.post("/v4/spreadsheets/<sid>/values/<path:rng>")
    def values_post(sid, rng):
        rng, _, verb = rng.rpartition(":")
        if verb == "append":
            option = request.args.get("valueInputOption")
            insert = request.args.get("insertDataOption") or "OVERWRITE"
            include, render = response_options()
            return api("values.append", "write", sid, lambda: store.write(
                sid, lambda doc: model.append_values(doc, rng, json_body(), option, insert, include, render)))
        if verb == "clear":
            return api("values.clear", "write", sid, lambda: store.write(
                sid, lambda doc: {"spreadsheetId": sid, "clearedRange": model.clear_values(doc, rng)}))
        abort(404)

    # --- admin: quota, faults and the request log, for tests and benchmarks ---

    @app.get("/admin/config")
    def admin_config():
        return jsonify(faults.as_dict())

    @app.post("/admin/config")
    def admin_config_update():
        faults.update(request.get_json(force=True) or {})
        return jsonify(faults.as_dict())

    @app.get("/admin/log")
    def admin_log():
        return jsonify(log.summary())

    @app.delete("/admin/log")
    def admin_log_reset():
        log.reset()
        return jsonify({"total": 0})

    @app.errorhandler(404)
    def not_found(_):
        return jsonify(model.ApiError(404, "Requested entity was not found.").body()), 404

    @app.errorhandler(405)
    def not_allowed(_):
        return jsonify(model.ApiError(400, "Method not allowed for this URL.").body()), 400

    grid.register(app, store, perform)
    return app

"""A bare request path around intake.accept, for bench/intake.py to serve with gunicorn.

POST /sign with the submission as JSON; answers the id and the count. It is
what an action page's POST does on the request path, without the page.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, jsonify, request  # noqa: E402

from services import intake, worker_queue  # noqa: E402

app = Flask(__name__)
connection = worker_queue.connect(os.environ["REDIS_URL"])


@app.post("/sign")
def sign():
    try:
        accepted = intake.accept(connection, request.get_json())
    except intake.Invalid as exc:
        return jsonify(exc.errors), 400
    return jsonify({"id": accepted.id, "signatures": accepted.signatures})

"""Pages anyone may open: the home page and the health check."""
from flask import Blueprint, jsonify, render_template

from services import health
from views import redis_connection, sheets_probe

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    """Say what this instance is and for whom."""
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    """Each part's state as JSON; 503 when any part is down."""
    ok, report = health.report(redis_connection(), sheets_probe())
    response = jsonify(report)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response

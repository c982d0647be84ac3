"""Flask blueprints: parse the request, call a service, render. Nothing more."""
from flask import current_app
from flask_htmx import HTMX

from services import worker_queue
from services.health import SheetsProbe

htmx = HTMX()  # request.headers seen as htmx sends them; app.py binds it to the app


def settings():
    return current_app.config["SETTINGS"]


def redis_connection():
    ext = current_app.extensions
    if "actnet.redis" not in ext:
        ext["actnet.redis"] = worker_queue.connect(settings().redis_url or "redis://127.0.0.1:6379/0")
    return ext["actnet.redis"]


def sheets_probe():
    ext = current_app.extensions
    if "actnet.sheets_probe" not in ext:
        ext["actnet.sheets_probe"] = SheetsProbe(settings())
    return ext["actnet.sheets_probe"]

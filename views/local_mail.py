"""What the local SMTP sink caught (`make run`): the alerts that would have gone out.

Only when MAIL_SINK_DIR is set (make run sets it) and only to this machine:
the page shows people's addresses, so it never answers another computer.
"""
from ipaddress import ip_address

from flask import Blueprint, abort, render_template, request

from services import mail_sink
from views import settings

bp = Blueprint("local_mail", __name__, url_prefix="/mail")


@bp.before_request
def local_only():
    folder = settings().mail_sink_dir
    try:
        loopback = ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if folder is None or not loopback:
        abort(404)


@bp.get("")
def caught_mail():
    """Every message the sink kept, newest first."""
    messages = mail_sink.caught(settings().mail_sink_dir)
    return render_template("local_mail.html", messages=messages, folder=settings().mail_sink_dir)


@bp.get("/<name>")
def caught_message(name):
    """One message as its recipient would read it, with its list headers."""
    message = mail_sink.read(settings().mail_sink_dir, name)
    if message is None:
        abort(404)
    return render_template("local_mail_message.html", message=message)


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response

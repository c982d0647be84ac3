"""Runs: the history, "Run now" with its progress, and "Preview" (the dry run).

A run reads Google, so no page runs one: the page enqueues a job
(services/run_jobs.py) and polls its state from Redis; polling stops with
HTTP 286 when the job is over.
"""
from flask import abort, make_response, redirect, render_template, request, url_for

from services import run_jobs
from views import redis_connection
from views.access import requires_scope
from views.manage import bp
from views.manager_forms import ConfirmForm


def run_in_progress():
    return run_jobs.current(redis_connection()) is not None


def run_summary():
    """The last run's outcome and when the next is due, for the dashboard."""
    redis = redis_connection()
    history = run_jobs.history(redis, limit=1)
    return {"last": history[0] if history else None, "next": run_jobs.next_hourly(redis),
            "current": run_jobs.current(redis)}


@bp.get("/runs")
@requires_scope("network")
def run_list():
    """The Runs tab as a page, the button to run now and the one to preview."""
    redis = redis_connection()
    preview_id = request.args.get("preview")
    return render_template("manage/runs.html", section="Runs", history=run_jobs.history(redis, limit=50),
                           status=run_jobs.status(redis), confirm_form=ConfirmForm(),
                           preview=run_jobs.preview_state(redis, preview_id) if preview_id else None,
                           preview_id=preview_id, next_run=run_jobs.next_hourly(redis))


@bp.post("/runs")
@requires_scope("network")
def run_start():
    """Run the share run now (in the worker); the page shows its progress."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_jobs.start(redis_connection())
    return redirect(url_for("manage.run_list") + "#run-status", 303)


@bp.get("/runs/status")
@requires_scope("network")
def run_status():
    """The run's progress. As an htmx swap: polls while it goes, 286 (stop) once it is over."""
    if request.headers.get("HX-Target") != "run-status":
        return redirect(url_for("manage.run_list") + "#run-status", 303)
    status = run_jobs.status(redis_connection())
    html = render_template("manage/_run_status.html", status=status)
    return make_response(html, 200 if status["running"] else 286)


@bp.post("/runs/preview")
@requires_scope("network")
def run_preview_start():
    """Ask the worker for a dry run: who would be shared with which group, and by which rule."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    preview_id = run_jobs.start_preview(redis_connection())
    return redirect(url_for("manage.run_list", preview=preview_id) + "#preview", 303)


@bp.get("/runs/preview/<preview_id>")
@requires_scope("network")
def run_preview(preview_id):
    """The dry run's result; as an htmx swap it polls until the worker has it (then 286)."""
    if request.headers.get("HX-Target") != "preview":
        return redirect(url_for("manage.run_list", preview=preview_id) + "#preview", 303)
    state = run_jobs.preview_state(redis_connection(), preview_id)
    if state is None:
        abort(404)
    html = render_template("manage/_preview.html", preview=state, preview_id=preview_id)
    return make_response(html, 286 if state["done"] else 200)

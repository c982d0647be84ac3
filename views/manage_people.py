"""People in and out: import a file or pasted rows, record paper signatures, download CSVs.

Reading a list to compare or export it reads Google, so the page never does:
it enqueues a job (services/imports, services/exports) and polls its state in
Redis; the fragment stops polling by how it renders once the job is over.
Members and partner lists download at once from the mirror.
"""
from flask import abort, make_response, redirect, render_template, request, url_for

from services import exports, import_file, imports, paper, worker_queue
from views import redis_connection
from views.access import requires_scope
from views.manage import bp
from views.manager_forms import ConfirmForm
from views.network_data import mirror, partner_group_names
from views.people_forms import ImportForm, PaperForm


def import_form():
    return ImportForm(home=mirror().home_group().get("name"), groups=partner_group_names())


def enqueue(job, *args):
    worker_queue.queue(redis_connection()).enqueue(job, *args, job_timeout=imports.JOB_TIMEOUT, result_ttl=3600)


@bp.get("/people")
@requires_scope("network")
def people_page():
    """Import people, record paper signatures, and the CSV downloads."""
    return render_template("manage/people.html", section="People", form=import_form(), confirm=ConfirmForm(),
                           groups=partner_group_names(), actions=mirror().actions())


@bp.post("/people/import")
@requires_scope("network")
def import_start():
    """Keep the file (or pasted rows) and have a worker compare it with the list."""
    form = import_form()
    if not form.validate_on_submit():
        abort(400)
    upload = form.upload.data
    try:
        if upload and upload.filename:
            import_id = imports.Imports(redis_connection()).create(
                upload.read(import_file.MAX_BYTES + 1), upload.filename, form.into.data or None)
        elif (form.pasted.data or "").strip():
            import_id = imports.Imports(redis_connection()).create(form.pasted.data, "pasted rows",
                                                                   form.into.data or None)
        else:
            form.upload.errors = ["Choose a CSV file, or paste rows below."]
            return _people_again(form)
    except import_file.FileProblem as exc:
        form.upload.errors = [str(exc)]
        return _people_again(form)
    imports.Imports(redis_connection()).claim(import_id, "checking")
    enqueue(imports.check_job, import_id)
    return redirect(url_for("manage.import_page", import_id=import_id), 303)


def _people_again(form):
    return render_template("manage/people.html", section="People", form=form, confirm=ConfirmForm(),
                           groups=partner_group_names(), actions=mirror().actions())


def _import_or_404(import_id):
    try:
        return imports.Imports(redis_connection()).get(import_id)
    except imports.ImportNotFound:
        abort(404)


@bp.get("/people/import/<import_id>")
@requires_scope("network")
def import_page(import_id):
    """An import: its progress, then its preview (exact counts) and the button to import."""
    state = _import_or_404(import_id)
    context = {"state": state, "confirm": ConfirmForm(), "fields": ("",) + import_file.FIELDS + (import_file.FULL_NAME,)}
    if request.headers.get("HX-Target") == "import-status":
        busy = state["state"] in ("queued", "checking", "importing")
        return make_response(render_template("manage/_import_status.html", **context), 200 if busy else 286)
    return render_template("manage/import.html", section="People", **context)


@bp.post("/people/import/<import_id>/columns")
@requires_scope("network")
def import_columns(import_id):
    """The manager's own choice of which column is which; the preview is worked out again."""
    state = _import_or_404(import_id)
    if not ConfirmForm().validate_on_submit() or state["state"] not in ("ready", "failed"):
        abort(400)
    allowed = set(import_file.FIELDS) | {import_file.FULL_NAME, ""}
    mapping = [request.form.get(f"column-{i}", "") for i in range(len(state["mapping"]))]
    if any(m not in allowed for m in mapping):
        abort(400)
    store = imports.Imports(redis_connection())
    store.set_mapping(import_id, mapping)
    store.release(import_id, "checking")
    if store.claim(import_id, "checking"):
        enqueue(imports.check_job, import_id)
    return redirect(url_for("manage.import_page", import_id=import_id), 303)


@bp.post("/people/import/<import_id>/land")
@requires_scope("network")
def import_land(import_id):
    """Import: one write plan, built afresh from the sheet so no typed cell is overwritten."""
    state = _import_or_404(import_id)
    if not ConfirmForm().validate_on_submit() or state["state"] not in ("ready", "failed", "done"):
        abort(400)
    if imports.Imports(redis_connection()).claim(import_id, "importing"):  # a double click imports once
        enqueue(imports.land_job, import_id)
    return redirect(url_for("manage.import_page", import_id=import_id), 303)


# --- paper signatures -----------------------------------------------------------------

def paper_form():
    return PaperForm(actions=[a for a in mirror().actions() if a.get("status") in ("Live", "Closed")])


@bp.route("/paper", methods=["GET", "POST"])
@requires_scope("network")
def paper_page():
    """Record signatures gathered on paper or by phone: check them, then record them (Via paper)."""
    form, checked, recorded, twice = paper_form(), None, None, False
    if request.method == "GET":
        recorded = {"count": request.args.get("recorded", type=int), "problems": request.args.get("problems", type=int),
                    "action": mirror().action(request.args.get("action", "")) if request.args.get("action") else None}
    elif form.validate_on_submit():
        redis = redis_connection()
        try:
            people, mapping = paper.read(form.table.data)
            checked = paper.check(people, mapping, form.action.data, form.everyone_subscribes.data)
        except import_file.FileProblem as exc:
            form.table.errors = [str(exc)]
        if checked and request.form.get("record"):
            if paper.use_once(redis, form.once.data):
                taken, problems = paper.record(redis, checked.ready)
                return redirect(url_for("manage.paper_page", recorded=taken, problems=len(problems),
                                        action=form.action.data), 303)
            twice = True  # the button was pressed again: these were recorded by the first press
        form.once.data = paper.new_once(redis)
    return render_template("manage/paper.html", section="People", form=form, checked=checked, recorded=recorded,
                           twice=twice)


# --- downloads ------------------------------------------------------------------------

def csv_download(name, body):
    response = make_response(body)
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/exports/members.csv")
@requires_scope("network")
def members_csv():
    """Members as CSV, at once from the mirror (no cell can run as a formula)."""
    name, text, _ = exports.list_export(redis_connection())
    return csv_download(name, "\ufeff" + text)


@bp.get("/exports/lists/<group>.csv")
@requires_scope("network")
def list_csv(group):
    """A partner group's list as CSV."""
    if group not in partner_group_names():
        abort(404)
    name, text, _ = exports.list_export(redis_connection(), group)
    return csv_download(name, "\ufeff" + text)


@bp.post("/exports")
@requires_scope("network")
def export_start():
    """An action's signatures or the Shares trail: a worker reads them from the sheet."""
    kind, subject = request.form.get("kind"), request.form.get("subject") or None
    if not ConfirmForm().validate_on_submit() or kind not in ("signatures", "shares"):
        abort(400)
    if kind == "signatures" and mirror().action(subject or "") is None:
        abort(404)
    export_id = exports.Exports(redis_connection()).create(kind, subject)
    enqueue(exports.export_job, export_id)
    return redirect(url_for("manage.export_page", export_id=export_id), 303)


def _export_or_404(export_id):
    try:
        return exports.Exports(redis_connection()).get(export_id)
    except exports.ExportNotFound:
        abort(404)


@bp.get("/exports/<export_id>")
@requires_scope("network")
def export_page(export_id):
    """A download being prepared; the link appears when it is ready."""
    state = _export_or_404(export_id)
    if request.headers.get("HX-Target") == "export-status":
        busy = state["state"] in ("queued", "preparing")
        return make_response(render_template("manage/_export_status.html", state=state), 200 if busy else 286)
    action = mirror().action(state["subject"]) if state["kind"] == "signatures" else None
    return render_template("manage/export.html", section="People", state=state, action=action)


@bp.get("/exports/<export_id>/download")
@requires_scope("network")
def export_download(export_id):
    try:
        name, body = exports.Exports(redis_connection()).content(export_id)
    except exports.ExportNotFound:
        abort(404)
    return csv_download(name, body)


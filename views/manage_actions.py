"""Actions and their sponsors: create, edit, open and close, flip the mode, invite and remove
sponsors, set limits. Reads the mirror; writes through the outbox (services/action_changes)."""
import io
from urllib.parse import urlencode

import segno
from flask import abort, make_response, redirect, render_template, request, url_for

from services import action_changes, overview
from views import redis_connection, settings
from views.access import requires_scope
from views.manage import bp
from views.manager_forms import ActionForm, ConfirmForm, LimitForm, ModeForm, SponsorForm
from views.network_data import mirror


def action_link(slug, code=None):
    """The public action page, with a sponsor's referrer code when given (R10)."""
    query = f"?{urlencode({'ref': code})}" if code else ""
    return f"{settings().base_url}/a/{slug}{query}"


def qr_svg(text):
    """A QR code as SVG markup (segno: pure Python), dark on white for any phone camera."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, dark="#1d2430", light="#ffffff",
                                     title="QR code for the link")
    return out.getvalue()


def _action_or_404(slug):
    found = action_changes.action(redis_connection(), mirror(), slug)
    if found is None:
        abort(404)
    return found


def _groups():
    return mirror().groups()


def _group_by_slug(group_slug):
    for group in _groups():
        if group.get("slug") == group_slug:
            return group
    abort(404)


@bp.get("/actions")
@requires_scope("network")
def action_list():
    """Every action, live first."""
    actions = action_changes.actions(redis_connection(), mirror())
    order = {"Live": 0, "Draft": 1, "Closed": 2}
    actions.sort(key=lambda a: order.get(a.get("status"), 3))
    return render_template("manage/actions.html", section="Actions", actions=actions)


@bp.get("/actions/new")
@requires_scope("network")
def action_new():
    """The form for a new action."""
    form = ActionForm(status="Draft", mode="Share All")
    return render_template("manage/action_new.html", section="Actions", form=form)


@bp.post("/actions/new")
@requires_scope("network")
def action_create():
    """Add the action's row (through the outbox) and show it at once."""
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("manage/action_new.html", section="Actions", form=form)
    redis, m = redis_connection(), mirror()
    taken = [a["slug"] for a in action_changes.actions(redis, m)]
    slug = action_changes.create_action(redis, _fields(form), taken, m.home_group().get("name"))
    return redirect(url_for("manage.action_detail", slug=slug), 303)


def _fields(form):
    return {"title": form.title.data.strip(), "ask": form.ask.data.strip(), "target": (form.target.data or "").strip(),
            "questions": (form.questions.data or "").strip(), "thank_you": (form.thank_you.data or "").strip(),
            "status": form.status.data, "mode": form.mode.data}


def _detail(action, form=None, sponsor_form=None, status=200):
    redis, m = redis_connection(), mirror()
    slug = action["slug"]
    form = form or ActionForm(data={**action, "questions": action_changes.questions_to_text(action.get("questions"))})
    sponsors = _sponsor_rows(slug)
    taken = {s["group"] for s in sponsors if s.get("status") != "Removed"}
    home = m.home_group().get("name")
    candidates = [g["name"] for g in m.groups() if g["name"] not in taken and g["name"] != home]
    sponsor_form = sponsor_form or SponsorForm(groups=candidates)
    chart = overview.signatures_chart(action["title"], overview.signatures_by_day(redis, slug))
    from views.manage_runs import run_in_progress

    return render_template("manage/action.html", section="Actions", action=action, form=form,
                           mode_form=ModeForm(mode="Proportional" if action.get("mode") == "Share All"
                                              else "Share All"),
                           sponsor_form=sponsor_form, candidates=candidates, sponsors=sponsors,
                           polling=run_in_progress(), chart=chart, public_url=action_link(slug)), status


@bp.get("/actions/<slug>")
@requires_scope("network")
def action_detail(slug):
    """One action: what it says, its sponsors and their figures, and the forms to change them."""
    return _detail(_action_or_404(slug))


@bp.post("/actions/<slug>")
@requires_scope("network")
def action_update(slug):
    """Save the edits (only the fields that changed are written)."""
    action = _action_or_404(slug)
    form = ActionForm()
    if not form.validate_on_submit():
        return _detail(action, form=form)
    action_changes.edit_action(redis_connection(), action, _fields(form))
    return redirect(url_for("manage.action_detail", slug=slug) + "#saved", 303)


@bp.post("/actions/<slug>/mode")
@requires_scope("network")
def action_mode_flip(slug):
    """Flip Share All / Proportional; the flip goes into Mode history with its time (R4)."""
    action = _action_or_404(slug)
    form = ModeForm()
    if not form.validate_on_submit():
        abort(400)
    action_changes.edit_action(redis_connection(), action, {"mode": form.mode.data})
    return redirect(url_for("manage.action_detail", slug=slug) + "#mode", 303)


def _sponsor_rows(slug):
    groups = {g["name"]: g for g in _groups()}
    rows = action_changes.sponsors(redis_connection(), mirror(), slug)
    for row in rows:
        group = groups.get(row["group"], {})
        row["group_slug"] = group.get("slug")
        row["link"] = action_link(slug, row.get("referrer_code")) if row.get("referrer_code") else None
    rows.sort(key=lambda r: (r.get("status") == "Removed", r["group"]))
    return rows


@bp.get("/actions/<slug>/sponsors")
@requires_scope("network")
def sponsor_table(slug):
    """The sponsors' figures. As an htmx swap it polls while a run goes and stops (HTTP 286) after."""
    action = _action_or_404(slug)
    if request.headers.get("HX-Target") != "sponsors-table":
        return redirect(url_for("manage.action_detail", slug=slug) + "#sponsors", 303)
    from views.manage_runs import run_in_progress

    polling = run_in_progress()
    html = render_template("manage/_sponsors.html", action=action, sponsors=_sponsor_rows(slug), polling=polling,
                           limit_form=LimitForm(), confirm_form=ConfirmForm())
    # 286 tells htmx to stop polling: the run is over and these are its figures.
    return make_response(html, 200 if polling else 286)


@bp.post("/actions/<slug>/sponsors")
@requires_scope("network")
def sponsor_add(slug):
    """Add a group as an Active sponsor from now on (R3), with its referrer code."""
    action = _action_or_404(slug)
    redis, m = redis_connection(), mirror()
    rows = _sponsor_rows(slug)
    active = {s["group"] for s in rows if s.get("status") != "Removed"}
    home = m.home_group().get("name")
    candidates = [g["name"] for g in m.groups() if g["name"] not in active and g["name"] != home]
    form = SponsorForm(groups=candidates)
    if not form.validate_on_submit():
        return _detail(action, sponsor_form=form)
    group = next(g for g in m.groups() if g["name"] == form.group.data)
    existing = next((s for s in rows if s["group"] == group["name"]), None)
    if existing:  # a removed sponsor comes back: same row, same code
        action_changes.set_sponsor(redis, slug, group["name"], status="Active", limit=form.limit.data)
    else:
        action_changes.add_sponsor(redis, slug, group["name"], group.get("slug"), form.limit.data,
                                   [s.get("referrer_code") for s in rows])
    return redirect(url_for("manage.action_detail", slug=slug) + "#sponsors", 303)


@bp.post("/actions/<slug>/sponsors/<group_slug>/limit")
@requires_scope("network")
def sponsor_limit_update(slug, group_slug):
    """Set or clear a sponsor's limit (R5): blank means no limit."""
    _action_or_404(slug)
    group = _group_by_slug(group_slug)
    form = LimitForm()
    if not form.validate_on_submit():
        return _detail(_action_or_404(slug), status=200)
    action_changes.set_sponsor(redis_connection(), slug, group["name"], limit=form.limit.data)
    return redirect(url_for("manage.action_detail", slug=slug) + "#sponsors", 303)


@bp.post("/actions/<slug>/sponsors/<group_slug>/remove")
@requires_scope("network")
def sponsor_remove(slug, group_slug):
    """Remove a sponsor: it receives no one from now on; what it received stays on its list."""
    _action_or_404(slug)
    group = _group_by_slug(group_slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action_changes.set_sponsor(redis_connection(), slug, group["name"], status="Removed")
    return redirect(url_for("manage.action_detail", slug=slug) + "#sponsors", 303)


@bp.get("/actions/<slug>/sponsors/<group_slug>/qr.svg")
@requires_scope("network")
def sponsor_qr(slug, group_slug):
    """The sponsor's referrer link as a QR code, for a flyer or a table at an event."""
    group = _group_by_slug(group_slug)
    row = next((s for s in _sponsor_rows(slug) if s["group"] == group["name"]), None)
    if row is None or not row.get("referrer_code"):
        abort(404)
    return svg_response(action_link(slug, row["referrer_code"]))


def svg_response(text):
    response = make_response(qr_svg(text))
    response.mimetype = "image/svg+xml"
    return response

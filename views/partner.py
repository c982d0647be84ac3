"""A partner group's view: its own row of each action it sponsors, its referrer links and
its own list. Nothing here names another group's figures or anyone not on its list."""

from flask import Blueprint, abort, g, make_response, redirect, render_template, url_for

from services import action_changes, exports, partner_view
from services import overview as figures
from views import redis_connection
from views.access import requires_scope
from views.manage_actions import action_link, join_as_sponsor, svg_response
from views.manager_forms import ConfirmForm
from views.network_data import mirror

bp = Blueprint("partner", __name__, url_prefix="/partner")


@bp.get("")
@requires_scope("group")
def overview():
    """The group's row of each action it sponsors, its links and how many are on its list."""
    redis, m = redis_connection(), mirror()
    group = g.link.group
    rows = partner_view.sponsorships(action_changes.actions(redis, m),
                                     lambda slug: action_changes.sponsors(redis, m, slug), group)
    for row in rows:
        row["link"] = action_link(row["slug"], row["referrer_code"]) if row.get("referrer_code") else None
        if row.get("status") != "Invited":
            row["chart"] = figures.sponsor_history_chart(
                "Your group", figures.sponsor_history(redis, row["slug"], group))
    return render_template("partner/overview.html", group=group, sponsorships=rows,
                           list_size=partner_view.list_size(redis, group), home_name=m.home_group().get("name"),
                           confirm_form=ConfirmForm())


@bp.post("/actions/<slug>/join")
@requires_scope("group")
def join_action(slug):
    """Accept the invitation to co-sponsor: the group is Active from now on (R3)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    redis, m = redis_connection(), mirror()
    mine = next((s for s in action_changes.sponsors(redis, m, slug) if s["group"] == g.link.group), None)
    if mine is None or mine.get("status") != "Invited":
        abort(404)  # not invited to this one: the same answer as an action that doesn't exist
    group = next((x for x in m.groups() if x["name"] == g.link.group), {"name": g.link.group})
    join_as_sponsor(slug, group)
    return redirect(url_for("partner.overview") + f"#action-{slug}", 303)


@bp.get("/list.csv")
@requires_scope("group")
def list_csv():
    """The people on this group's own list, as CSV (no cell can run as a formula: services/exports)."""
    name, text, _ = exports.list_export(redis_connection(), g.link.group)
    response = make_response("\ufeff" + text)
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/actions/<slug>/qr.svg")
@requires_scope("group")
def referrer_qr(slug):
    """This group's referrer link for one action, as a QR code."""
    redis, m = redis_connection(), mirror()
    row = next((s for s in action_changes.sponsors(redis, m, slug) if s["group"] == g.link.group), None)
    if row is None or not row.get("referrer_code"):
        abort(404)  # not this group's action: the same answer as an action that doesn't exist
    return svg_response(action_link(slug, row["referrer_code"]))


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response

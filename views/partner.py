"""A partner group's view: its own row of each action it sponsors, its referrer links and
its own list. Nothing here names another group's figures or anyone not on its list."""
from flask import Blueprint, abort, g, make_response, render_template

from services import action_changes, exports, partner_view
from views import redis_connection
from views.access import requires_scope
from views.manage_actions import action_link, svg_response
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
    return render_template("partner/overview.html", group=group, sponsorships=rows,
                           list_size=partner_view.list_size(redis, group), home_name=m.home_group().get("name"))


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

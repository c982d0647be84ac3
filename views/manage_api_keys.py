"""API keys: a manager makes one per tool and group, sees it once, and revokes it at once."""
from flask import abort, g, redirect, render_template, url_for

from services import api_keys
from views import redis_connection
from views.access import requires_scope
from views.manage import bp
from views.manager_forms import ConfirmForm
from views.network_data import mirror, partner_group_names
from views.people_forms import ApiKeyForm


def key_form():
    return ApiKeyForm(home=mirror().home_group().get("name"), groups=partner_group_names())


def show(form, new_key=None, status=200):
    return render_template("manage/api_keys.html", section="API keys", form=form, new_key=new_key,
                           keys=api_keys.all_keys(redis_connection()), confirm=ConfirmForm()), status


@bp.get("/api-keys")
@requires_scope("network")
def api_key_list():
    """The keys in use, and the form to make one."""
    return show(key_form())


@bp.post("/api-keys")
@requires_scope("network")
def api_key_create():
    """Make a key; its token is on this answer only, never stored or shown again."""
    form = key_form()
    if not form.validate_on_submit():
        return show(form)
    token, key = api_keys.create(redis_connection(), form.group.data, form.label.data, created_by=g.link.name)
    response, status = show(key_form(), new_key={"token": token, "key": key})
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/api-keys/<key_hash>/revoke")
@requires_scope("network")
def api_key_revoke(key_hash):
    """Turn a key off: the next request with it is refused."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not api_keys.revoke(redis_connection(), key_hash):
        abort(404)
    return redirect(url_for("manage.api_key_list"), 303)

"""Capability links: opening one, and the Co-leaders page where managers make and turn them off."""
from flask import Blueprint, abort, g, redirect, render_template, session, url_for

from services import links
from views import redis_connection, settings
from views.access import SESSION_KEY, refused, requires_scope, turned_off, who_to_ask
from views.manager_forms import LinkForm, RevokeForm

bp = Blueprint("links", __name__)


@bp.get("/l/<path:token>")
def open_link(token):
    """Open a link: remember it in the session cookie, then redirect, so the token
    leaves the address bar and the history."""
    link = links.find(redis_connection(), token)
    if link is None:
        # Unknown, guessed or cut short: one lookup and this same page for all of them.
        return refused("This link doesn't work",
                       "This link isn't one we know. Check that you copied all of it, or ask "
                       f"{who_to_ask()} for a new one.", 404)
    if link.revoked:
        return turned_off(link)
    session.clear()
    session[SESSION_KEY] = link.token_hash
    session.permanent = True
    return redirect(url_for("manage.dashboard" if link.network else "partner.overview"), 303)


@bp.post("/l/forget")
def forget_link():
    """Forget the link on this device (a shared computer)."""
    session.clear()
    return redirect(url_for("public.home"), 303)


def _share_url(token):
    return f"{settings().base_url}{url_for('links.open_link', token=token)}"


@bp.get("/manage/links")
@requires_scope("network")
def link_list():
    """Everyone holding a link, and the form to make one."""
    form = LinkForm()
    return _link_page(form)


def _link_page(form, status=200):
    new = session.pop("new_link", None)
    new_link = None
    if new:
        new_link = {"url": _share_url(new["token"]), "name": new["name"], "scope": new["scope"]}
    return render_template("manage/links.html", form=form, links=links.all_links(redis_connection()),
                           new_link=new_link, revoke_form=RevokeForm()), status


@bp.post("/manage/links")
@requires_scope("network")
def link_create():
    """Make a link for a co-leader (the whole network) or a partner group's contact (that group)."""
    form = LinkForm()
    if not form.validate_on_submit():
        return _link_page(form)  # 200 with the messages beside the fields: htmx swaps it
    token, link = links.create(redis_connection(), form.name.data, form.scope.data, email=form.email.data,
                               created_by=g.link.name)
    # Shown once, on the page the redirect leads to; never kept anywhere else.
    session["new_link"] = {"token": token, "name": link.name, "scope": link.scope}
    return redirect(url_for("links.link_list") + "#new-link", 303)


@bp.post("/manage/links/<token_hash>/revoke")
@requires_scope("network")
def link_revoke(token_hash):
    """Turn a link off: it stops at once; the sheet's Revoked says yes after the next flush."""
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    if token_hash == g.link.token_hash:
        return refused("That is your own link",
                       "You can't turn off the link you are using. Ask another manager, or type yes in "
                       "its Revoked cell in the Co-leaders tab.", 409)
    if links.revoke(redis_connection(), token_hash) is None:
        abort(404)
    return redirect(url_for("links.link_list"), 303)


@bp.after_request
def no_store(response):
    # A manager page or a token must not linger in a shared cache or the back button's copy.
    response.headers["Cache-Control"] = "no-store"
    return response

"""Who may open a manager or partner page: the link in the session, checked on every request.

Opening a capability link puts its hash in the session cookie; `requires_scope`
reads it back on each request and aborts before the view runs. A test walks
`app.url_map` and fails on any manage.*, links.* or partner.* view without it.
"""
import functools

from flask import abort, g, make_response, render_template, request, session

from services import links
from views import redis_connection, settings

SESSION_KEY = "link"
SCOPES = ("network", "group")


def current_link():
    """The link this browser opened, as Redis knows it now (None if none or unknown)."""
    hashed = session.get(SESSION_KEY)
    if not hashed:
        return None
    return links.by_hash(redis_connection(), hashed)


def who_to_ask(link=None):
    """The person to ask for a new link: who made this one, else the home group's contact."""
    if link is not None and link.created_by:
        return link.created_by
    from views.network_data import home_contact

    return home_contact() or "the person who sent you the link"


def refused(heading, message, status):
    """A plain page; an htmx poll (which ignores 4xx) is told to reload, so it shows too."""
    response = make_response(render_template("error.html", heading=heading, message=message), status)
    if request.headers.get("HX-Request"):
        response.headers["HX-Refresh"] = "true"
    response.headers["Cache-Control"] = "no-store"
    return response


def turned_off(link):
    return refused("This link was turned off",
                   f"This link was turned off; ask {who_to_ask(link)} for a new one.", 403)


def requires_scope(scope):
    """Let the view run only for a live link of this scope: "network" (managers and
    co-leaders) or "group" (a partner group's contact; the view reads `g.link.group`)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            link = current_link()
            if link is None:
                return refused("Open your link first",
                               "This page opens from the link you were given. Open that link again "
                               "on this device, or ask for a new one.", 403)
            if link.revoked:
                return turned_off(link)
            if scope == "network" and not link.network:
                abort(403)
            if scope == "group" and (link.network or not link.group):
                abort(403)
            g.link = link
            links.note_use(redis_connection(), link)
            return view(*args, **kwargs)

        checked.required_scope = scope
        return checked

    return decorate


def secure_cookies():
    return settings().base_url.startswith("https://")

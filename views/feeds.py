"""The alert calendar as an .ics feed a manager subscribes to in their calendar app.

A calendar app cannot carry the session cookie, so the feed's address holds
its own capability: the manager link's hash, signed for this purpose only.
It opens the feed and nothing else, and stops when the link is turned off.
"""
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, url_for
from itsdangerous import BadData, URLSafeSerializer

from services import alert_calendar, links
from services.roster import Roster
from views import redis_connection, settings

bp = Blueprint("feeds", __name__)
SALT = "actnet-alert-calendar"


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def feed_url():
    """The feed's address for the link in use (call from a view behind requires_scope)."""
    token = _serializer().dumps(g.link.token_hash)
    return f"{settings().base_url}{url_for('feeds.alert_calendar_feed', token=token)}"


@bp.get("/calendar/<token>.ics")
def alert_calendar_feed(token):
    """The next six alert Mondays (and planned alerts), for a calendar app."""
    try:
        hashed = _serializer().loads(token)
    except BadData:
        abort(404)
    link = links.by_hash(redis_connection(), hashed) if isinstance(hashed, str) else None
    if link is None or link.revoked or not link.network:
        abort(404)
    roster = Roster(redis_connection())
    cal = alert_calendar.build(settings(), roster.sheet_time_zone())
    planned = [(r["date"], r["subject"]) for r in roster.alerts() if r["date"]]
    body = alert_calendar.ics_feed(cal, planned, now=datetime.now(timezone.utc),
                                   name=roster.meta().get("home_group") or settings().instance_name,
                                   host=urlsplit(settings().base_url).hostname or "localhost")
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store",
                       "Content-Disposition": 'inline; filename="alerts.ics"'}

"""The manager's pages: the dashboard here; actions and sponsors (manage_actions.py) and
runs (manage_runs.py) on the same blueprint. Every view needs a network link."""
from flask import Blueprint, render_template

from services import action_changes, overview
from views import redis_connection, settings
from views.access import requires_scope
from views.network_data import mirror, sheet_link

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.get("")
@requires_scope("network")
def dashboard():
    """The network at a glance: people, live actions, the last and next run, the sheet's problems."""
    redis, m = redis_connection(), mirror()
    figures = overview.network(m)
    actions = action_changes.actions(redis, m)
    live = overview.live_actions(actions, redis)
    charts = [overview.stage_chart(figures)]
    for action in live[:3]:
        charts.append(overview.signatures_chart(action["title"], overview.signatures_by_day(redis, action["slug"])))
    from views.manage_runs import run_summary

    return render_template("manage/dashboard.html", section="Dashboard", figures=figures, live=live,
                           drafts=[a for a in actions if a.get("status") == "Draft"], charts=charts,
                           runs=run_summary(), problems=problems_with_links(m), alerts=upcoming_alerts(m))


def problems_with_links(m):
    """The sheet's Problems, each with a link that opens the spreadsheet at that row."""
    import json

    raw = m.redis.get("actnet:mirror:problems")  # kept by the mirror's refresh, as the Problems tab lists them
    return [{**p, "href": sheet_link(p["tab"], p["row"])} for p in overview.problems(json.loads(raw or "[]"))]


def upcoming_alerts(m):
    from datetime import date

    today = date.today()
    return [a for a in m.alerts() if a.get("date") and a["date"] >= today][:3]


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("HX-Target")
    return response


def base_url():
    return settings().base_url


from views import manage_actions, manage_runs  # noqa: E402,F401  (their routes join this blueprint)
from views import manage_alerts, manage_ladder  # noqa: E402,F401  (alerts, calls, texts, the ladder)
from views import manage_api_keys, manage_people  # noqa: E402,F401  (import, export, paper, API keys)

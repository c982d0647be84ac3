"""Scope is one decorator on every manager and partner view; links are made from the command line."""
import re

from services import links


def test_every_manager_and_partner_view_requires_a_scope(app):
    """Scope is one decorator; no manage.*, links.* or partner.* view may be without it."""
    open_to_anyone = {"links.open_link", "links.forget_link"}
    guarded = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint.split(".")[0] in ("manage", "links", "partner")]
    assert len(guarded) > 15
    missing = [e for e in guarded if e not in open_to_anyone
               and getattr(app.view_functions[e], "required_scope", None) not in ("network", "group")]
    assert missing == []
    partner_views = [e for e in guarded if e.startswith("partner.")]
    assert all(app.view_functions[e].required_scope == "group" for e in partner_views)
    manage_views = [e for e in guarded if e.startswith("manage.")]
    assert all(app.view_functions[e].required_scope == "network" for e in manage_views)


def test_flask_links_create_prints_a_manager_link(runner, redis_conn, app):
    result = runner.invoke(args=["links", "create", "--manager", "Maria Lopez"])
    assert result.exit_code == 0, result.output
    url = re.search(r"(http\S+/l/(\S+))", result.output)
    link = links.find(redis_conn, url.group(2))
    assert link.name == "Maria Lopez" and link.network

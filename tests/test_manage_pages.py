"""A manager creates an action, edits it, flips its mode and adds sponsors; a partner sees only its own row."""
import json

import pytest
from bs4 import BeautifulSoup

from services import links, outbox
from services.outbox import Outbox

pytest.importorskip("services.mirror", reason="needs services/mirror.py from the mirror branch")


def csrf(response):
    return BeautifulSoup(response.data, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def groups(redis_conn):
    from services import mirror

    redis_conn.set(mirror.GROUPS, json.dumps([
        {"name": "Seattle RESULTS", "slug": "seattle", "home": True, "contact_name": "Maria Lopez"},
        {"name": "Tacoma Hunger Coalition", "slug": "tacoma", "home": False},
        {"name": "Olympia Faith Network", "slug": "olympia", "home": False}]))


@pytest.fixture
def manager(client, redis_conn, groups):
    token, link = links.create(redis_conn, "Maria", links.NETWORK)
    client.get(f"/l/{token}")
    return link


def queued(redis):
    return [outbox.loads(raw) for raw in redis.lrange(Outbox(redis).pending, 0, -1)]


def test_a_new_action_shows_at_once_and_its_row_goes_through_the_outbox(client, manager, redis_conn):
    page = client.get("/manage/actions/new")
    response = client.post("/manage/actions/new", data={
        "csrf_token": csrf(page), "title": "Fund global nutrition", "ask": "Ask Congress to fund nutrition.",
        "status": "Live", "mode": "Share All", "questions": "Why do you care? *"})
    assert response.status_code == 303 and response.headers["Location"] == "/manage/actions/fund-global-nutrition"
    shown = client.get("/manage/actions/fund-global-nutrition")
    assert shown.status_code == 200 and "Fund global nutrition" in BeautifulSoup(shown.data, "html.parser").h1.text
    row = [p for p in queued(redis_conn) if "Actions" in p.appends][0].appends["Actions"][0]
    assert row["Slug"] == "fund-global-nutrition" and row["Status"] == "Live"
    assert row["Original sponsor"] == "Seattle RESULTS" and row["Questions"] == "Why do you care? *"
    assert "fund-global-nutrition" in client.get("/manage/actions").get_data(as_text=True)


def test_a_title_left_blank_is_explained_beside_the_field(client, manager):
    page = client.get("/manage/actions/new")
    response = client.post("/manage/actions/new", data={"csrf_token": csrf(page), "title": "", "ask": "x",
                                                         "status": "Draft", "mode": "Share All"})
    assert response.status_code == 200
    assert "Give the action a title." in BeautifulSoup(response.data, "html.parser").find(id="title-error").text


def test_flipping_the_mode_is_recorded_with_its_time(client, manager, redis_conn):
    page = client.get("/manage/actions/new")
    client.post("/manage/actions/new", data={"csrf_token": csrf(page), "title": "Protect SNAP", "ask": "Call.",
                                             "status": "Live", "mode": "Share All"})
    detail = client.get("/manage/actions/protect-snap")
    assert client.post("/manage/actions/protect-snap/mode", data={"csrf_token": csrf(detail),
                                                                  "mode": "Proportional"}).status_code == 303
    edit = [u for p in queued(redis_conn) for u in p.updates if u.tab == "Actions"]
    assert any(u.by_manager and u.cells == {"Mode": "Proportional"} for u in edit)
    history = [u.cells["Mode history"] for u in edit if "Mode history" in u.cells][0]
    assert history.splitlines()[0].endswith(" Share All") and history.splitlines()[1].endswith(" Proportional")
    assert "Switch to Share All" in client.get("/manage/actions/protect-snap").get_data(as_text=True)


def test_two_sponsors_get_referrer_links_and_a_partner_sees_only_its_own(client, manager, redis_conn, app):
    page = client.get("/manage/actions/new")
    client.post("/manage/actions/new", data={"csrf_token": csrf(page), "title": "Protect SNAP", "ask": "Call.",
                                             "status": "Live", "mode": "Proportional"})
    for group in ("Tacoma Hunger Coalition", "Olympia Faith Network"):
        detail = client.get("/manage/actions/protect-snap")
        response = client.post("/manage/actions/protect-snap/sponsors",
                               data={"csrf_token": csrf(detail), "group": group, "limit": "10"})
        assert response.status_code == 303
    html = client.get("/manage/actions/protect-snap").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    tacoma = soup.find(id="ref-tacoma")["value"]
    assert "/a/protect-snap?ref=tacoma-" in tacoma and "/a/protect-snap?ref=olympia-" in soup.find(id="ref-olympia")["value"]
    assert client.get("/manage/actions/protect-snap/sponsors/tacoma/qr.svg").mimetype == "image/svg+xml"

    token, _ = links.create(redis_conn, "Priya", "Tacoma Hunger Coalition")
    priya = app.test_client()
    priya.get(f"/l/{token}")
    seen = priya.get("/partner").get_data(as_text=True)
    assert "ref=tacoma-" in seen and "Olympia" not in seen and "olympia-" not in seen
    assert priya.get("/partner/actions/protect-snap/qr.svg").status_code == 200
    assert priya.get("/partner/actions/no-such-action/qr.svg").status_code == 404
    for path in ("/manage", "/manage/actions/protect-snap", "/manage/actions/protect-snap/sponsors/olympia/qr.svg",
                 "/manage/links", "/manage/runs"):
        assert priya.get(path).status_code == 403


def test_a_sponsor_limit_that_is_not_a_number_is_refused_in_words(client, manager):
    page = client.get("/manage/actions/new")
    client.post("/manage/actions/new", data={"csrf_token": csrf(page), "title": "A", "ask": "B",
                                             "status": "Live", "mode": "Share All"})
    detail = client.get("/manage/actions/a")
    response = client.post("/manage/actions/a/sponsors", data={"csrf_token": csrf(detail),
                                                                "group": "Tacoma Hunger Coalition", "limit": "-3"})
    assert response.status_code == 200
    assert "whole number" in response.get_data(as_text=True)


def test_the_sponsors_fragment_stops_polling_with_286_when_no_run_is_going(client, manager):
    page = client.get("/manage/actions/new")
    client.post("/manage/actions/new", data={"csrf_token": csrf(page), "title": "A", "ask": "B",
                                             "status": "Live", "mode": "Share All"})
    response = client.get("/manage/actions/a/sponsors", headers={"HX-Request": "true", "HX-Target": "sponsors-table"})
    assert response.status_code == 286
    assert "hx-get" not in response.get_data(as_text=True)
    assert client.get("/manage/actions/a/sponsors").status_code == 303  # without htmx: the whole page

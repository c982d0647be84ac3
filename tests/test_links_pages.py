"""Opening, making and turning off capability links; every manager page checks its scope."""
import re

import pytest
from bs4 import BeautifulSoup

from services import links

# Every manager page shows the mirror's freshness: these tests need the mirror (services/mirror.py).
pytest.importorskip("services.mirror", reason="needs services/mirror.py from the mirror branch")


def open_link(client, token):
    return client.get(f"/l/{token}")


def csrf(response):
    return BeautifulSoup(response.data, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def manager(client, redis_conn):
    token, link = links.create(redis_conn, "Maria", links.NETWORK)
    assert open_link(client, token).status_code == 303
    return link


def test_opening_a_manager_link_sets_a_cookie_and_redirects_so_the_token_leaves_the_address(client, redis_conn):
    token, _ = links.create(redis_conn, "Maria", links.NETWORK)
    response = open_link(client, token)
    assert response.status_code == 303 and response.headers["Location"] == "/manage"
    assert token not in response.headers["Location"]
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert token not in response.headers["Set-Cookie"]
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/manage/links").status_code == 200


def test_a_partner_link_opens_the_partner_view_and_not_the_managers(client, redis_conn):
    token, _ = links.create(redis_conn, "Priya", "Tacoma Hunger Coalition")
    assert open_link(client, token).headers["Location"] == "/partner"
    assert client.get("/manage").status_code == 403
    assert client.get("/manage/links").status_code == 403


def test_a_manager_page_without_a_link_asks_for_the_link(client):
    response = client.get("/manage")
    assert response.status_code == 403
    assert "Open your link" in response.get_data(as_text=True)


def test_unknown_guessed_and_truncated_tokens_get_the_same_page(client, redis_conn):
    token, _ = links.create(redis_conn, "Maria", links.NETWORK)
    pages = []
    for guess in ("x" * 32, token[:-1], token[:10], token + "A", "not-a-token"):
        response = open_link(client, guess)
        assert response.status_code == 404
        pages.append(BeautifulSoup(response.data, "html.parser").main.get_text())
    assert len(set(pages)) == 1
    assert "isn't one we know" in pages[0]
    assert client.get("/manage").status_code == 403  # no session was set


def test_a_manager_makes_a_co_leader_link_sees_it_once_and_it_works(client, manager, redis_conn, app):
    page = client.get("/manage/links")
    response = client.post("/manage/links", data={"csrf_token": csrf(page), "name": "Dev", "email": "Dev@Example.org ",
                                                  "scope": links.NETWORK})
    assert response.status_code == 303
    shown = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    url = re.search(r'value="(http[^"]+/l/[^"]+)"', shown).group(1)
    again = client.get("/manage/links").get_data(as_text=True)
    assert url not in again  # shown only once
    dev = app.test_client()
    assert dev.get(url.split("5000")[-1] if "5000" in url else url).status_code == 303
    assert dev.get("/manage").status_code == 200
    made = [link for link in links.all_links(redis_conn) if link.name == "Dev"][0]
    assert made.email == "dev@example.org" and made.network


def test_a_bad_email_is_explained_beside_the_field(client, manager):
    page = client.get("/manage/links")
    response = client.post("/manage/links", data={"csrf_token": csrf(page), "name": "Dev", "email": "dev@",
                                                  "scope": links.NETWORK})
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    error = soup.find(id="email-error")
    assert "is not an email address" in error.get_text()
    assert "email-error" in soup.find(id="email")["aria-describedby"]


def test_a_form_without_its_csrf_token_is_refused(client, manager):
    response = client.post("/manage/links", data={"name": "Dev", "scope": links.NETWORK})
    assert response.status_code in (200, 400)
    assert not [link for link in links.all_links(app_redis(client)) if link.name == "Dev"]


def app_redis(client):
    from views import redis_connection

    with client.application.app_context():
        return redis_connection()


def test_a_link_turned_off_on_the_page_gets_its_clear_page(client, manager, redis_conn, app):
    token, dev = links.create(redis_conn, "Dev", links.NETWORK, created_by="Maria")
    other = app.test_client()
    open_link(other, token)
    assert other.get("/manage").status_code == 200
    page = client.get("/manage/links")
    assert client.post(f"/manage/links/{dev.token_hash}/revoke", data={"csrf_token": csrf(page)}).status_code == 303
    response = other.get("/manage")
    assert response.status_code == 403
    assert "This link was turned off; ask Maria for a new one." in response.get_data(as_text=True)
    again = open_link(app.test_client(), token)
    assert again.status_code == 403 and "turned off" in again.get_data(as_text=True)


def test_a_poll_from_a_revoked_link_tells_htmx_to_reload(client, manager, redis_conn):
    links.revoke(redis_conn, manager.token_hash)
    response = client.get("/manage/runs/status", headers={"HX-Request": "true", "HX-Target": "run-status"})
    assert response.status_code == 403 and response.headers["HX-Refresh"] == "true"


def test_a_manager_cannot_turn_off_their_own_link(client, manager):
    page = client.get("/manage/links")
    response = client.post(f"/manage/links/{manager.token_hash}/revoke", data={"csrf_token": csrf(page)})
    assert response.status_code == 409


def test_forgetting_the_link_ends_the_session(client, manager):
    page = client.get("/manage/links")
    assert client.post("/l/forget", data={"csrf_token": csrf(page)}).status_code == 303
    assert client.get("/manage").status_code == 403

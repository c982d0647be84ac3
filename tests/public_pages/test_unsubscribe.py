"""Leaving one group's list by the link in an email: the button, or a mail client's one-click POST."""
import base64

from bs4 import BeautifulSoup

from services import unsubscribe
from services.mirror import Mirror
from tests.public_pages.conftest import HOME, OLYMPIA, TACOMA


def link_for(group, email, secret="test-secret"):
    return f"/u/{unsubscribe.token(secret, group, email)}"


def soup_of(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def press_the_button(client, path):
    token = soup_of(client.get(path)).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(path, data={"csrf_token": token})


def test_the_link_names_no_email_and_a_changed_one_is_refused(client, network):
    path = link_for(TACOMA, "Ann@Example.org")
    assert "ann" not in path.lower() and "example" not in path.lower()
    assert unsubscribe.read("test-secret", path[3:]) == unsubscribe.Leaving(TACOMA, "ann@example.org")
    assert path == link_for(TACOMA, " ann@example.org")  # one link per person and list, whenever it is made
    flipped = path[:10] + ("A" if path[10] != "A" else "B") + path[11:]
    forged = "/u/" + unsubscribe.token("another secret", OLYMPIA, "ann@example.org")
    for broken in (path[:-4], flipped, forged, "/u/nonsense"):
        response = client.get(broken)
        assert response.status_code == 404
        assert "This unsubscribe link doesn't work" in soup_of(response).h1.get_text()


def test_opening_the_link_shows_the_group_and_one_button_and_changes_nothing(client, network, redis_conn):
    response = client.get(link_for(TACOMA, "ann@example.org"))
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.h1.get_text() == f"Stop emails from {TACOMA}?"
    assert "a•••@example.org" in soup.get_text() and "ann@example.org" not in soup.get_text()
    assert [b.get_text() for b in soup.find_all("button")] == ["Unsubscribe"]
    assert Mirror(redis_conn).list_member(TACOMA, "ann@example.org")["status"] == "subscribed"


def test_the_button_takes_them_off_that_list_only_and_the_sheet_follows(client, fresh_network, redis_conn):
    path = link_for(TACOMA, "ann@example.org")
    response = press_the_button(client, path)
    assert response.status_code == 303 and response.headers["Location"] == path
    mirror = Mirror(redis_conn)
    assert mirror.list_member(TACOMA, "ann@example.org")["status"] == "unsubscribed"  # at once
    assert mirror.member("ann@example.org")["status"] == "subscribed"  # the home list is another list
    done = soup_of(client.get(path))
    assert done.h1.get_text() == "You're unsubscribed" and not done.find("button")
    fresh_network.flush()
    [tacoma] = fresh_network.rows(f"List – {TACOMA}")
    assert tacoma["Status"] == "unsubscribed" and tacoma["Status changed"] is not None
    [member] = fresh_network.rows("Members")
    assert member["Status"] == "subscribed"


def test_a_one_click_post_unsubscribes_without_a_page(client, fresh_network, redis_conn):
    response = client.post(link_for(HOME, "ann@example.org"), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert Mirror(redis_conn).member("ann@example.org")["status"] == "unsubscribed"
    fresh_network.flush()
    assert fresh_network.rows("Members")[0]["Status"] == "unsubscribed"
    assert fresh_network.rows(f"List – {TACOMA}")[0]["Status"] == "subscribed"


def test_someone_not_on_the_list_yet_is_kept_off_it(client, fresh_network, redis_conn):
    client.post(link_for(OLYMPIA, "Bo@Example.org"), data={"List-Unsubscribe": "One-Click"})
    assert Mirror(redis_conn).list_member(OLYMPIA, "bo@example.org")["status"] == "unsubscribed"
    fresh_network.flush()
    [row] = fresh_network.rows(f"List – {OLYMPIA}")
    assert row["Email"] == "bo@example.org" and row["Status"] == "unsubscribed"


def test_a_button_page_open_too_long_asks_again(client, network, redis_conn):
    path = link_for(TACOMA, "ann@example.org")
    response = client.post(path, data={"csrf_token": "stale"})
    assert response.status_code == 200 and "open too long" in soup_of(response).find(class_="notice").get_text()
    assert Mirror(redis_conn).list_member(TACOMA, "ann@example.org")["status"] == "subscribed"


def test_mail_gets_the_rfc_8058_headers(network):
    headers = unsubscribe.mail_headers(network.settings.replace(base_url="https://act.example"), TACOMA,
                                       "ann@example.org")
    assert headers["List-Unsubscribe"].startswith("<https://act.example/u/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unsubscribe_link_shows_no_email_even_to_someone_who_decodes_it():
    token = unsubscribe.token("a secret", "Tacoma RESULTS", "Ann.Lee@Example.org")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"ann" not in raw.lower() and "ann" not in token.lower()
    assert unsubscribe.read("a secret", token) == unsubscribe.Leaving("Tacoma RESULTS", "ann.lee@example.org")
    assert unsubscribe.read("another secret", token) is None

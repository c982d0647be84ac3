"""Someone floods the action page: they are slowed down; real people are not."""
import pytest
from bs4 import BeautifulSoup

from services import intake


@pytest.fixture
def limited_client(make_app, network):
    app = make_app(ratelimit_per_address="5 per minute", ratelimit_per_action="100 per minute")
    return app.test_client()


def sign_from(client, address, email, **headers):
    page = client.get("/a/protect-snap", environ_base={"REMOTE_ADDR": address})
    token = BeautifulSoup(page.data, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]
    return client.post("/a/protect-snap", environ_base={"REMOTE_ADDR": address}, headers=headers,
                       data={"csrf_token": token, "email": email, "zip": "98101", "first_name": "Flo"})


def test_a_flood_from_one_address_is_slowed_while_another_signs(limited_client, redis_conn):
    answers = [sign_from(limited_client, "203.0.113.9", f"bot{n}@example.org").status_code for n in range(8)]
    assert answers == [303] * 5 + [429] * 3
    slowed = sign_from(limited_client, "203.0.113.9", "bot9@example.org")
    assert slowed.status_code == 429 and slowed.headers["Retry-After"]
    soup = BeautifulSoup(slowed.data, "html.parser")
    assert "Too many signatures came from your connection just now" in soup.find(class_="notice").get_text()
    assert soup.find(id="first_name")["value"] == "Flo"  # what they typed is still there
    assert sign_from(limited_client, "198.51.100.7", "real@example.org").status_code == 303
    assert intake.waiting(redis_conn) == 6


def test_with_htmx_the_slowed_form_comes_back_in_place(limited_client):
    for n in range(5):
        sign_from(limited_client, "203.0.113.10", f"bot{n}@example.org")
    slowed = sign_from(limited_client, "203.0.113.10", "bot@example.org", **{"HX-Request": "true", "HX-Target": "sign"})
    assert slowed.status_code == 429  # swapped all the same: see responseHandling in base.html
    assert slowed.get_data(as_text=True).lstrip().startswith('<form id="sign"')


def test_one_action_flooded_from_many_addresses_is_capped(make_app, network):
    app = make_app(ratelimit_per_address="50 per minute", ratelimit_per_action="3 per minute")
    client = app.test_client()
    answers = [sign_from(client, f"203.0.113.{n}", f"p{n}@example.org").status_code for n in range(4)]
    assert answers == [303, 303, 303, 429]


def test_limits_can_be_turned_off_for_load_tests(make_app, network):
    app = make_app(ratelimit_per_address="1 per minute", ratelimit_enabled=False)
    client = app.test_client()
    assert [sign_from(client, "203.0.113.5", f"x{n}@example.org").status_code for n in range(3)] == [303] * 3


def test_ratelimit_enabled_false_in_the_environment_turns_them_off():
    from services.config import Settings

    assert Settings.from_env({"RATELIMIT_ENABLED": "false"}).ratelimit_enabled is False
    assert Settings.from_env({}).ratelimit_enabled is True
    assert Settings.from_env({"RATELIMIT_PER_ADDRESS": "3 per minute"}).ratelimit_per_address == "3 per minute"


def test_limits_use_the_same_redis_when_it_is_a_socket():
    from views.protection import storage_uri

    assert storage_uri("unix:///tmp/x/redis.socket?db=0") == "redis+unix:///tmp/x/redis.socket?db=0"
    assert storage_uri("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"

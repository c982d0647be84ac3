"""The action page as a signer meets it, through the test client (the browser tests are apart)."""
import json
import re

import pytest
from bs4 import BeautifulSoup

from services import intake
from tests.public.conftest import CODES, HOME, OLYMPIA, SPOKANE, TACOMA


def soup_of(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def token_of(response):
    return soup_of(response).find("input", attrs={"name": "csrf_token"})["value"]


def sign(client, slug="fund-nutrition", query="", headers=None, **fields):
    """Open the page, then send its form with `fields` (the token from the page)."""
    token = token_of(client.get(f"/a/{slug}{query}"))
    data = {"csrf_token": token, "first_name": "Sam", "last_name": "Lee", "email": "sam@example.org",
            "zip": "98101", "subscribe": "y", "question_2": "St Mark's", **fields}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/a/{slug}{query}", data=data, headers=headers or {})


def queued(redis):
    return [json.loads(raw) for raw in redis.lrange(intake.PENDING, 0, -1)]


def test_the_page_says_what_the_action_is_and_who_asks(client, network):
    response = client.get("/a/fund-nutrition")
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.h1.get_text(strip=True) == "Fund global nutrition"
    assert soup.title.get_text().startswith("Fund global nutrition")
    text = soup.get_text(" ", strip=True)
    assert f"{HOME} asks you to act" in text and "To: Senator Patty Murray" in text
    assert [p.get_text() for p in soup.select(".ask p")] == ["Ask your members of Congress to fund nutrition.",
                                                             "It saves children's lives."]


def test_the_form_has_the_named_fields_each_labelled_with_autocomplete_and_inputmode(client, network):
    soup = soup_of(client.get("/a/fund-nutrition"))
    form = soup.find("form", id="sign")
    names = [i["name"] for i in form.find_all("input") if i.get("type") != "hidden"]
    assert names == ["first_name", "last_name", "email", "zip", "question_1", "question_2", "website", "subscribe"]
    for field in form.find_all("input"):
        if field.get("type") in ("hidden", "checkbox"):
            continue
        assert field.get("autocomplete") and field.get("inputmode"), field
    assert form.find(id="email")["autocomplete"] == "email" and form.find(id="email")["inputmode"] == "email"
    assert form.find(id="zip")["autocomplete"] == "postal-code"
    assert form.find(id="subscribe").has_attr("checked")
    labels = {label["for"]: label.get_text(" ", strip=True) for label in form.find_all("label")}
    assert labels["question_1"] == "Why does this matter to you? (optional)"
    assert labels["question_2"] == "Your congregation"  # `*` in the sheet: required, so not "(optional)"
    assert form.find(id="question_2").has_attr("required") and not form.find(id="question_1").has_attr("required")


def test_the_action_page_sets_no_cookie(client, network):
    response = client.get("/a/fund-nutrition?ref=tacoma-7f3a")
    assert "Set-Cookie" not in response.headers


def test_share_all_names_every_sponsor_beside_the_box(client, network):
    soup = soup_of(client.get("/a/protect-snap"))
    label = soup.find("label", attrs={"for": "subscribe"}).get_text(" ", strip=True)
    assert label == f"Email me about this and future actions from {HOME}, {TACOMA} and {OLYMPIA}"
    assert "each receives the details you give here" in soup.find(id="who-receives").get_text()
    assert soup.find(id="subscribe")["aria-describedby"] == "who-receives"


def test_proportional_names_the_partners_and_the_group_whose_link_was_used(client, network):
    plain = soup_of(client.get("/a/fund-nutrition")).find(id="who-receives").get_text(" ", strip=True)
    assert f"{HOME} started this action and receives the details you give here" in plain
    assert f"some of these partner groups: {TACOMA} and {OLYMPIA}" in plain
    assert SPOKANE not in plain  # only invited: it receives nothing (R3)
    referred = soup_of(client.get(f"/a/fund-nutrition?ref=%20{CODES[TACOMA]}%20")).find(id="who-receives")
    referred = referred.get_text(" ", strip=True)
    assert f"{TACOMA}, whose link brought you here, and its partner {OLYMPIA}" in referred
    near_miss = soup_of(client.get("/a/fund-nutrition?ref=tacoma-7f3")).find(id="who-receives").get_text()
    assert "whose link brought you here" not in near_miss  # R10: exact match only


def test_with_more_than_four_partners_the_line_says_up_to_four(network):
    from services.consent import consent_for

    sponsors = [{"group": f"Group {n}", "status": "Active", "joined_at": "2020-01-01T00:00:00Z"} for n in range(6)]
    consent = consent_for({"mode": "Proportional"}, sponsors, HOME)
    assert consent.up_to_four and consent.shown_to == [HOME] + [f"Group {n}" for n in range(6)]


def test_unknown_and_draft_actions_get_a_friendly_404_and_closed_ones_a_410(client, network):
    for slug in ("no-such-action", "next-thing"):
        response = client.get(f"/a/{slug}")
        assert response.status_code == 404
        assert "We can't find this action" in soup_of(response).h1.get_text()
    closed = client.get("/a/old-budget")
    assert closed.status_code == 410
    soup = soup_of(closed)
    assert soup.h1.get_text() == "Save the 2024 budget" and "This action has ended" in soup.get_text()
    assert not soup.find("form", id="sign")


def test_signing_goes_to_intake_and_on_to_thank_you_keeping_the_codes(client, network, redis_conn):
    response = sign(client, query=f"?ref={CODES[TACOMA]}&source=fb-post_2", subscribe=None,
                    question_1="My kids")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/a/fund-nutrition/thanks?ref={CODES[TACOMA]}"
    [submission] = queued(redis_conn)
    assert submission["action"] == "fund-nutrition" and submission["email"] == "sam@example.org"
    assert submission["referrer_code"] == CODES[TACOMA] and submission["source_code"] == "fb-post_2"
    assert submission["subscribe"] is False and submission["via"] == "web"
    assert submission["answers"] == [["Why does this matter to you?", "My kids"], ["Your congregation", "St Mark's"]]
    assert submission["shown_to"] == [HOME, TACOMA, OLYMPIA]


def test_a_source_code_with_other_characters_is_dropped(client, network, redis_conn):
    assert sign(client, query="?source=<b>x</b>").status_code == 303
    assert queued(redis_conn)[0]["source_code"] is None


def test_the_thank_you_page_keeps_the_referrer_code_in_every_share_link(client, network):
    soup = soup_of(client.get(f"/a/fund-nutrition/thanks?ref={CODES[TACOMA]}"))
    assert soup.h1.get_text() == "Thank you" and "Thank you for standing up for children." in soup.get_text()
    link = f"http://127.0.0.1:5000/a/fund-nutrition?ref={CODES[TACOMA]}"
    hrefs = {a.get_text(): a["href"] for a in soup.select(".share a")}
    assert hrefs["Copy link"] == link
    assert hrefs["Text message"].startswith("sms:?&body=") and "ref%3Dtacoma-7f3a" in hrefs["Text message"]
    assert hrefs["WhatsApp"].startswith("https://wa.me/?text=") and "ref%3Dtacoma-7f3a" in hrefs["WhatsApp"]
    assert hrefs["Email"].startswith("mailto:?subject=") and "ref%3Dtacoma-7f3a" in hrefs["Email"]
    assert soup.find("img", src=f"/a/fund-nutrition/qr.svg?ref={CODES[TACOMA]}")


def test_the_qr_code_is_an_svg_of_the_link_with_its_code(client, network):
    response = client.get(f"/a/fund-nutrition/qr.svg?ref={CODES[TACOMA]}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg") and "<script" not in svg
    import segno

    expected = segno.make(f"http://127.0.0.1:5000/a/fund-nutrition?ref={CODES[TACOMA]}", error="m")
    assert re.search(r'viewBox="0 0 (\d+) ', svg).group(1) == str(expected.symbol_size(border=2)[0])


def test_a_signer_who_leaves_email_blank_is_told_beside_the_field(client, network, redis_conn):
    response = sign(client, email="", zip="", question_2="")
    assert response.status_code == 200
    soup = soup_of(response)
    email = soup.find(id="email")
    assert email["aria-invalid"] == "true" and email["aria-describedby"] == "email-error"
    assert soup.find(id="email-error").get_text() == "Enter your email address."
    assert soup.find(id="zip-error").get_text() == "Enter your ZIP or postal code."
    assert soup.find(id="question_2-error").get_text() == "Answer this question."
    assert email.has_attr("autofocus") and not soup.find(id="zip").has_attr("autofocus")
    assert soup.find(id="first_name")["value"] == "Sam"  # what was typed is kept
    assert queued(redis_conn) == []


def test_a_typo_in_the_email_is_pointed_out_in_plain_words(client, network):
    soup = soup_of(sign(client, email="sam@example"))
    assert soup.find(id="email-error").get_text() == ("Check your email address. The part after the @-sign "
                                                      "is not valid. It should have a period.")
    assert soup.find(id="email").has_attr("autofocus")


def test_with_htmx_the_errors_come_back_as_the_form_alone(client, network):
    response = sign(client, email="bob@", headers={"HX-Request": "true", "HX-Target": "sign"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<form id="sign"') and "<html" not in body
    assert soup_of(response).find(id="email-error")
    assert "HX-Target" in response.headers["Vary"]


def test_with_htmx_signing_moves_to_the_thank_you_page(client, network):
    response = sign(client, headers={"HX-Request": "true", "HX-Target": "sign"})
    assert response.status_code == 200
    location = json.loads(response.headers["HX-Location"])
    assert location["path"] == "/a/fund-nutrition/thanks" and location["target"] == "body"


def test_a_bot_that_fills_the_hidden_field_is_thanked_and_ignored(client, network, redis_conn):
    response = sign(client, website="http://spam.example")
    assert response.status_code == 303 and "/thanks" in response.headers["Location"]
    assert queued(redis_conn) == []


def test_a_page_open_too_long_comes_back_with_what_was_typed(client, network, redis_conn):
    stale = sign(client, csrf_token="InNpZ246ZnVuZC1udXRyaXRpb24i.aaaaaa.not-a-signature", first_name="Fay")
    assert stale.status_code == 200
    soup = soup_of(stale)
    assert "This page was open too long, so here it is again with what you typed" in soup.find(class_="notice").text
    assert soup.find(id="first_name")["value"] == "Fay" and soup.find(id="email")["value"] == "sam@example.org"
    assert queued(redis_conn) == []
    fresh = token_of(stale)
    resent = client.post("/a/fund-nutrition", data={"csrf_token": fresh, "email": "fay@example.org", "zip": "98101",
                                                     "question_2": "x"})
    assert resent.status_code == 303


def test_a_token_made_for_one_action_does_not_sign_another(client, network, redis_conn):
    token = token_of(client.get("/a/protect-snap"))
    response = client.post("/a/fund-nutrition", data={"csrf_token": token, "email": "a@example.org", "zip": "1",
                                                      "question_2": "x"})
    assert "open too long" in soup_of(response).find(class_="notice").text
    assert queued(redis_conn) == []


def test_a_form_posted_from_another_site_is_not_taken(client, network, redis_conn):
    response = sign(client, headers={"Origin": "https://evil.example"})
    assert response.status_code == 200 and soup_of(response).find(class_="notice")
    assert queued(redis_conn) == []
    assert sign(client, headers={"Origin": "http://localhost"}).status_code == 303


def test_signing_twice_with_one_email_counts_once(client, network):
    from services.mirror import Mirror

    before = Mirror(network.redis).action("fund-nutrition")["signatures"]
    assert sign(client, email="Rae@Example.org").status_code == 303
    assert sign(client, email=" rae@example.org ").status_code == 303
    assert Mirror(network.redis).action("fund-nutrition")["signatures"] == before + 1
    assert "1 person has signed" in soup_of(client.get("/a/fund-nutrition")).get_text(" ")


def test_pages_carry_the_security_headers(client, network):
    response = client.get("/a/fund-nutrition")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only when served over HTTPS


def test_in_production_cookies_are_secure_and_https_is_kept(settings_overrides, redis_conn):
    from app import create_app

    app = create_app({**settings_overrides, "base_url": "https://act.example"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.test_client().get("/").headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("path", ["/a/fund-nutrition", "/static/vendor/htmx.min.js", "/static/css/actnet.css"])
def test_responses_are_compressed(client, network, path):
    import gzip

    # buffered: the test client then closes a static file as a server would
    response = client.get(path, headers={"Accept-Encoding": "gzip, br"}, buffered=True)
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    assert len(gzip.decompress(response.data)) > len(response.data)
    if path.startswith("/static/"):
        etag = response.headers["ETag"]
        assert etag.startswith('W/"')
        again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag}, buffered=True)
        assert again.status_code == 304

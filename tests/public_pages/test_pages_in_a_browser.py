"""Sam on a phone: the action page, thank-you and unsubscribe in headless Chromium at 390x844,
with JavaScript on and off. Every page shown is also checked by axe-core (tests/conftest.py)."""
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from services import unsubscribe
from tests.public_pages.conftest import CODES, HOME, OLYMPIA, TACOMA

KB = 1000


def fill_the_form(page, email="sam@example.org"):
    page.fill("#first_name", "Sam")
    page.fill("#last_name", "Lee")
    page.fill("#email", email)
    page.fill("#zip", "98101")
    page.fill("#question_2", "St Mark's")


def test_sign_with_javascript_on_through_a_ref_link(app, page, live_server, fresh_network):
    # The links people share point at this server, as they do in production (htmx would boost them).
    app.config["SETTINGS"] = app.config["SETTINGS"].replace(base_url=live_server)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server}/a/fund-nutrition?ref={CODES[TACOMA]}")
    assert page.evaluate("typeof htmx") == "object"
    page.evaluate("window.stillThisPage = true")
    fill_the_form(page)
    page.get_by_role("button", name="Sign").click()
    page.wait_for_url("**/a/fund-nutrition/thanks?ref=tacoma-7f3a")
    assert page.evaluate("window.stillThisPage") is True  # htmx swapped the page in, nothing reloaded
    assert page.title() == "Thank you · Fund global nutrition"
    assert page.locator("h1").inner_text() == "Thank you"
    link = f"{live_server}/a/fund-nutrition?ref={CODES[TACOMA]}"
    for name in ("Text message", "WhatsApp", "Email"):
        assert "ref%3Dtacoma-7f3a" in page.get_by_role("link", name=name).get_attribute("href")
    page.get_by_role("link", name="Copy link").click()
    page.wait_for_selector("text=Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.url.endswith("/thanks?ref=tacoma-7f3a")  # copied, not followed
    assert page.locator(".qr img").evaluate("img => img.complete && img.naturalWidth > 0")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the QR code").click()
    assert download.value.suggested_filename == "fund-nutrition-qr.svg"
    fresh_network.flush()
    [row] = fresh_network.rows("Submissions")
    assert row["Email"] == "sam@example.org" and row["Referrer code"] == CODES[TACOMA] and row["Via"] == "web"
    assert row["Shown to"] == f"{HOME}, {TACOMA}, {OLYMPIA}"  # what the consent line named to Sam


def test_sign_with_javascript_off(page_without_js, live_server, fresh_network):
    page = page_without_js
    page.goto(f"{live_server}/a/protect-snap?source=flyer")
    page.fill("#email", "sam@example")
    page.fill("#zip", "98101")
    page.get_by_role("button", name="Sign").click()
    assert page.locator("#email-error").inner_text().startswith("Check your email address.")
    expect(page.locator("#email")).to_be_focused()  # autofocus, no script needed (the browser focuses it soon after load)
    page.fill("#email", "sam@example.org")
    page.get_by_role("button", name="Sign").click()
    page.wait_for_url("**/a/protect-snap/thanks")
    assert page.locator("h1").inner_text() == "Thank you"
    fresh_network.flush()
    [row] = fresh_network.rows("Submissions")
    assert row["Source code"] == "flyer" and row["Referrer code"] is None


def test_the_inline_errors_with_javascript_on(page, live_server, network):
    page.goto(f"{live_server}/a/fund-nutrition")
    page.evaluate("window.stillThisPage = true")
    page.fill("#email", "bob@")
    page.get_by_role("button", name="Sign").click()
    page.wait_for_selector("#email-error")
    assert page.evaluate("window.stillThisPage") is True  # the form was swapped, not the page
    assert page.locator("#email-error").inner_text() == "Check your email address. There must be something after the @-sign."
    assert page.locator("#zip-error").inner_text() == "Enter your ZIP or postal code."
    assert page.locator("#question_2-error").inner_text() == "Answer this question."
    assert page.get_attribute("#email", "aria-describedby") == "email-error"
    expect(page.locator("#email")).to_be_focused()
    assert page.input_value("#email") == "bob@"


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 640, "height": 450}],
                         ids=["320px", "200%-zoom-of-1280"])
def test_the_action_page_fits_narrow_screens_and_200_percent_zoom(chromium, live_server, network, viewport):
    context = chromium.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/a/fund-nutrition?ref={CODES[TACOMA]}")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.get_by_role("button", name="Sign").scroll_into_view_if_needed()
        assert page.get_by_role("button", name="Sign").is_visible()
    finally:
        context.close()


def test_unsubscribe_with_the_button(page, live_server, fresh_network):
    path = f"/u/{unsubscribe.token('test-secret', TACOMA, 'ann@example.org')}"
    page.goto(live_server + path)
    assert page.locator("h1").inner_text() == f"Stop emails from {TACOMA}?"
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_selector("text=You're unsubscribed")
    fresh_network.flush()
    assert fresh_network.rows(f"List – {TACOMA}")[0]["Status"] == "unsubscribed"
    assert fresh_network.rows("Members")[0]["Status"] == "subscribed"


def test_unsubscribe_with_a_one_click_post(live_server, fresh_network):
    url = live_server + f"/u/{unsubscribe.token('test-secret', TACOMA, 'ann@example.org')}"
    # As a mail client does it (RFC 8058): a form-encoded POST, no cookie, no token, no redirect.
    answer = requests.post(url, data="List-Unsubscribe=One-Click", allow_redirects=False, timeout=5,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200
    fresh_network.flush()
    assert fresh_network.rows(f"List – {TACOMA}")[0]["Status"] == "unsubscribed"


def weigh(page, url):
    """Every response the page needed: (url, uncompressed bytes, content encoding)."""
    loaded = []
    page.on("response", lambda r: loaded.append(r))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return [(r.url, len(r.body()), r.headers.get("content-encoding")) for r in loaded]


def test_the_action_page_and_all_it_loads_stay_in_budget(page, page_without_js, live_server, network):
    url = f"{live_server}/a/fund-nutrition?ref={CODES[TACOMA]}"
    with_js = weigh(page, url)
    without_js = weigh(page_without_js, url)
    for loaded in (with_js, without_js):
        assert {urlsplit(u).netloc for u, _, _ in loaded} == {urlsplit(live_server).netloc}  # no other host
        assert not [u for u, _, _ in loaded if u.endswith((".woff", ".woff2", ".ttf", ".otf"))]  # no web font
        assert all(enc == "gzip" for u, size, enc in loaded if size > 1000), loaded
    assert sum(size for _, size, _ in with_js) <= 60 * KB, with_js
    assert sum(size for _, size, _ in without_js) <= 15 * KB, without_js

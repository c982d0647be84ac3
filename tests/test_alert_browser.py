"""A manager composes, previews and sends an alert from a phone; the call sheet prints on A4 and Letter."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from services import links
from tests.test_alert_pages import network  # noqa: F401  (the fixture: eight people, one live action)

BIN = Path(sys.executable).parent


def open_as_manager(page, live_server, redis_conn):
    token, _ = links.create(redis_conn, "Maria", links.NETWORK)
    page.goto(f"{live_server}/l/{token}")
    assert page.url == f"{live_server}/manage"


def compose_and_preview(page):
    page.fill("#subject", "Fund nutrition now")
    page.fill("#message", "Congress votes on Thursday. Two minutes is all it takes.")
    page.select_option("#action", "fund-nutrition")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("#alert-preview")
    return page.locator("#alert-preview .tiles").inner_text()


def run_worker(redis_url, localsheets, sheet_id, mail_sink):
    env = {"PATH": str(BIN), "REDIS_URL": redis_url, "SHEETS_URL": localsheets.url, "SHEET_ID": sheet_id,
           "SMTP_URL": mail_sink.url, "MAIL_PER_MINUTE": "6000", "SECRET_KEY": "test-secret"}
    done = subprocess.run([str(BIN / "rq"), "worker", "--burst", "--url", redis_url, "actnet"], env=env,
                          cwd=Path(__file__).parent.parent, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]


@pytest.fixture(params=["js", "no-js"])
def phone(request):
    """A phone-sized page, with JavaScript on and off; every page it shows is checked by axe-core."""
    name = "page" if request.param == "js" else "page_without_js"
    return request.getfixturevalue(name), request.param == "js"


def test_a_manager_composes_previews_and_sends_an_alert_from_a_phone(
        phone, live_server, network, redis_conn, redis_url, localsheets, sheet_id, mail_sink):  # noqa: F811
    page, javascript = phone
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    open_as_manager(page, live_server, redis_conn)
    page.get_by_role("link", name="Compose an alert").click()
    assert re.sub(r"\s+", " ", compose_and_preview(page)) == "2 by email 1 by a call 1 by a text 4 left out"
    assert page.locator(".left-out li").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.get_by_role("button", name="Send to 4 people").click()
    page.wait_for_selector("#send-progress")
    assert page.locator("h1").inner_text() == "Fund nutrition now"

    run_worker(redis_url, localsheets, sheet_id, mail_sink)
    if not javascript:
        page.reload()
    page.wait_for_selector("#send-progress strong:text-is(\"Sent.\")", timeout=15000)
    assert "2 of 2 emails went out" in page.locator("#send-progress").inner_text()
    assert page.locator("#send-progress").get_attribute("hx-get") is None  # the poll has stopped
    caught = sorted(p.read_bytes() for p in mail_sink.folder.glob("*.eml"))
    assert len(caught) == 2 and all(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in m for m in caught)

    page.get_by_role("link", name="Open the call sheet").click()
    page.wait_for_selector("ol.contacts li")
    number = page.locator("ol.contacts a.phone")
    assert number.count() == 1 and number.get_attribute("href") == "tel:+12065550101"
    page.get_by_role("button", name="Reached").click()
    page.wait_for_selector("#call-0 button[aria-pressed=true]")
    assert page.locator("#call-0 button[aria-pressed=true]").inner_text().endswith("Reached")
    assert problems == []


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_the_call_sheet_prints_on_a4_and_letter(page, live_server, network, redis_conn):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    open_as_manager(page, live_server, redis_conn)
    page.goto(f"{live_server}/manage/alerts/new")
    page.get_by_label("Phone call").check()
    compose_and_preview(page)
    page.get_by_role("button", name=re.compile("Send to")).click()
    page.wait_for_selector("#call-heading")
    page.get_by_role("link", name="Open the call sheet").click()
    page.wait_for_selector("ol.contacts li")
    page.emulate_media(media="print")
    assert page.locator("header.site").is_hidden() and page.locator("nav.sections").is_hidden()
    assert page.locator("ol.contacts li").count() == 1
    for size, width_mm in (("A4", 210), ("Letter", 215.9)):
        printable = round((width_mm - 24) / 25.4 * 96)  # 12 mm margins each side, in CSS pixels
        page.set_viewport_size({"width": printable, "height": 1000})
        assert page.evaluate("document.documentElement.scrollWidth") <= printable, size
        pdf = page.pdf(format=size, print_background=False)
        assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1, size
    page.emulate_media(media="screen")


def test_enter_in_a_field_previews_again_and_never_sends(page, live_server, network, redis_conn):  # noqa: F811
    open_as_manager(page, live_server, redis_conn)
    page.goto(f"{live_server}/manage/alerts/new")
    compose_and_preview(page)
    page.fill("#subject", "Fund nutrition this week")
    page.press("#subject", "Enter")
    page.wait_for_selector("#alert-preview")
    assert page.locator("h1").inner_text() == "Compose an alert"
    assert redis_conn.zcard("actnet:alerts") == 0

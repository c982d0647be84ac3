"""Maria imports a file and makes an API key on a phone, in a real Chromium.

Set ACTNET_SCREENSHOTS=DIR to keep a screenshot of each step, at a phone's
and a laptop's width, for a person to look at.
"""
import os

import pytest

from services import links
from test_api import network  # noqa: F401  (the demo network in the mirror)
from test_people_pages import worker  # noqa: F401

SHOTS = os.environ.get("ACTNET_SCREENSHOTS")


def shoot(page, name):
    if not SHOTS:
        return
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


@pytest.fixture
def maria(page, live_server, redis_conn):
    token, _ = links.create(redis_conn, "Maria", links.NETWORK)
    page.goto(f"{live_server}/l/{token}")
    return page


def test_maria_imports_a_file_on_her_phone_and_watches_it_land(maria, live_server, network, worker, tmp_path):
    page = maria
    supporters = tmp_path / "supporters.csv"
    supporters.write_text("Name,E-mail,Zip code,Phone\nMaria Lopez,maria.l@example.org,98101,206-555-0100\n"
                          "Dev Patel,dev@example.org,98102,\nHalf Typed,bob@,98103,\n"
                          "Dev again,DEV@example.org ,98104,\n")
    page.goto(f"{live_server}/manage/people")
    shoot(page, "people")
    page.set_input_files("#upload", str(supporters))
    page.click("text=Check it first")
    page.wait_for_selector("#import-status progress, #import-status:has-text('Waiting')")
    shoot(page, "import-waiting")
    worker()
    page.wait_for_selector("text=new, to add")
    assert "2" == page.inner_text(".tiles li:first-child strong")
    assert page.is_visible("text='bob@' is not an email address")
    shoot(page, "import-preview")
    page.click("button:has-text('Import 2 new people into Members')")
    worker()
    page.wait_for_selector("text=Imported into Members")
    shoot(page, "import-done")


def test_maria_makes_a_key_and_reads_the_api_page(maria, live_server, network):
    page = maria
    page.goto(f"{live_server}/manage/api-keys")
    page.fill("#label", "Mailchimp sync")
    page.click("text=Make the key")
    page.wait_for_selector("#new-key-token")
    assert page.input_value("#new-key-token").startswith("actnet_")
    shoot(page, "api-keys")
    page.goto(f"{live_server}/api/v1/docs")
    assert page.is_visible("h1:has-text('The actnet API')")
    shoot(page, "api-docs")


def test_maria_records_paper_signatures(maria, live_server, network):
    page = maria
    page.goto(f"{live_server}/manage/paper")
    page.fill("#table", "Email\tFirst name\tZIP\nann@example.org\tAnn\t98101\nbo@\tBo\t98102\n")
    page.click("button:has-text('Check')")
    page.wait_for_selector("text=1 ready to record")
    shoot(page, "paper-checked")
    page.click("button:has-text('Record 1 signature')")
    page.wait_for_selector("text=1 signature recorded")
    shoot(page, "paper-recorded")

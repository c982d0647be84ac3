"""Every manager and partner page in Chromium on a phone, with JavaScript on and off, in the states a
manager meets (a run in the history, a preview, a new link shown once, an invitation, a turned-off
link): axe-core finds nothing, and each page still does its job without JavaScript.

With ACTNET_SCREENSHOTS=DIR each page is also saved there at 390x844 and 1280x900.
"""
import os
import re
from pathlib import Path

from playwright.sync_api import expect

from services import links, run_history, runs
from tests.conftest import AccessibilityCheck, check_without_scripts
from tests.manage.conftest import SPOKANE

MANAGER_PAGES = ["/manage", "/manage/actions", "/manage/actions/new", "/manage/actions/fund-nutrition",
                 "/manage/actions/protect-snap", "/manage/actions/next-thing", "/manage/runs", "/manage/links"]


def shoot(page, name):
    folder = os.environ.get("ACTNET_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        page.screenshot(path=str(Path(folder) / f"{name}-{size['width']}.png"), full_page=True)


def prepare(stack):
    """A run in the history with figures, and the home group's Problems list non-empty."""
    net = stack.network
    runs.run(net.workbook, net.redis, seed=11, trigger="manual")
    run_history.refresh(net.workbook, net.redis)
    net.refresh()


def test_every_manager_and_partner_page_passes_axe_on_a_phone_with_javascript(stack, chromium):
    prepare(stack)
    for size in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
        context = chromium.new_context(viewport=size)
        check = AccessibilityCheck(context)
        page = context.new_page()
        try:
            page.goto(stack.link("Maria Lopez"))
            for path in MANAGER_PAGES:
                page.goto(stack.url + path)
                expect(page.locator("h1")).to_have_count(1)
                assert page.title().startswith(page.locator("h1").inner_text().strip()), path
                for summary in page.locator("details summary").all():
                    summary.click()  # the tables behind the charts, the QR codes
                shoot(page, path.strip("/").replace("/", "_"))
            page.goto(stack.url + "/manage/runs")
            page.get_by_role("button", name="Preview").click()
            expect(page.locator("#preview")).to_contain_text("Nothing has been written", timeout=60_000)
            shoot(page, "manage_runs_preview")
            page.goto(stack.url + "/manage/links")
            page.get_by_label("Who is it for?").fill("Ada Ray")
            page.get_by_label("What it opens").select_option(SPOKANE)
            page.get_by_role("button", name="Make the link").click()
            expect(page.locator("#new-link")).to_contain_text("it is shown only this once")
            shoot(page, "manage_links_new")
            partner_link = page.locator("#new-link-url").input_value()
            check.finish(page)
        finally:
            context.close()

        context = chromium.new_context(viewport=size)
        check = AccessibilityCheck(context)
        page = context.new_page()
        try:
            page.goto(partner_link)  # Spokane is invited to fund-nutrition
            expect(page.get_by_role("heading", level=1)).to_have_text(SPOKANE)
            if size["width"] == 390:
                shoot(page, "partner_invited")
                page.get_by_role("button", name="Join as a co-sponsor").click()
            link = page.get_by_label("Your link for Fund global nutrition")
            expect(link).to_have_value(re.compile(rf"^{re.escape(stack.url)}/a/fund-nutrition\?ref=spokane-\w{{8}}$"))
            shoot(page, "partner_joined")
            page.goto(stack.url + "/manage")
            expect(page.get_by_role("heading", level=1)).to_have_text("Not open to this link")
            links.revoke(stack.redis, links.token_hash(partner_link.rsplit("/", 1)[1]))
            page.goto(stack.url + "/partner")
            expect(page.locator("main")).to_contain_text("This link was turned off; ask Maria Lopez for a new one.")
            shoot(page, "link_turned_off")
            page.goto(stack.url + "/l/not-a-link")
            shoot(page, "link_unknown")
            check.finish(page)
        finally:
            context.close()


def test_manager_pages_work_without_javascript(stack, chromium):
    """No JavaScript: plain links, forms that POST and 303, copyable text instead of a Copy button.
    axe-core (which needs JavaScript) then checks each page as it was shown, in a page of its own."""
    prepare(stack)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    shown = []

    def keep():
        shown.append((page.url.split("#")[0], page.content().encode()))

    try:
        page.goto(stack.link("Maria Lopez"))
        for path in MANAGER_PAGES:
            page.goto(stack.url + path)
            expect(page.locator("h1")).to_have_count(1)
            keep()
        page.goto(stack.url + "/manage/actions/fund-nutrition")
        expect(page.locator("button.copy-button").first).to_be_hidden()  # no clipboard without JavaScript
        assert "ref=tacoma-" in page.locator("#ref-tacoma").input_value()  # the text is there to select
        page.get_by_label("Limit", exact=True).first.fill("12")
        page.get_by_role("button", name="Set limit").first.click()
        expect(page).to_have_url(f"{stack.url}/manage/actions/fund-nutrition#sponsors")
        expect(page.get_by_label("Limit", exact=True).first).to_have_value("12")
        page.goto(stack.url + "/manage/runs")
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#preview")).to_be_visible()  # working on it; a reload shows the result
        for _ in range(120):
            if "Nothing has been written" in page.locator("#preview").inner_text():
                break
            page.wait_for_timeout(500)
            page.reload()
        expect(page.locator("#preview")).to_contain_text("Nothing has been written")
        keep()
    finally:
        context.close()
    check_without_scripts(chromium, shown)

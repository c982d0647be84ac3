"""Maria runs an action from the browser, start to finish, on the whole stack.

She creates an action, invites two sponsors and marks them joined, copies a
referrer link with the Copy button; activists sign through the links on a
phone; she runs the share run from the Runs page and watches a sponsor's
figures change as the run ends. axe-core checks every page both browsers show.
"""
import re

from playwright.sync_api import expect

from tests.conftest import AccessibilityCheck
from tests.manage.conftest import OLYMPIA, TACOMA

TITLE = "Clean water for every school"


def figure(page, group, name):
    card = page.locator("li.sponsor").filter(has=page.get_by_role("heading", name=re.compile(group)))
    return card.locator("dl.figures div").filter(has=page.locator("dt", has_text=re.compile(f"^{name}$"))).locator("dd")


def sign(chromium, link, first, email):
    """An activist on a phone opens a referrer link and signs."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    check = AccessibilityCheck(context)
    phone = context.new_page()
    try:
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
        phone.get_by_label("First name").fill(first)
        phone.get_by_label("Last name").fill("Rivera")
        phone.get_by_label("Email", exact=True).fill(email)
        phone.get_by_label("ZIP or postal code").fill("98402")
        expect(phone.get_by_label(re.compile("^Email me about"))).to_be_checked()
        phone.get_by_role("button", name="Sign").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
        check.finish(phone)
    finally:
        context.close()


def test_a_manager_creates_an_action_adds_sponsors_and_watches_a_run_change_their_figures(stack, chromium, localsheets):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.url)
    check = AccessibilityCheck(context)
    m = context.new_page()
    try:
        m.goto(stack.link("Maria Lopez"))
        expect(m).to_have_url(f"{stack.url}/manage")  # the token has left the address bar
        m.get_by_role("navigation", name="Manager pages").get_by_role("link", name="Actions").click()
        m.get_by_role("link", name="Create an action").click()
        m.get_by_label("Title").fill(TITLE)
        m.get_by_label("What you ask people to do").fill("Ask the city council to fund clean water in schools.")
        m.get_by_label("Status").select_option("Live")
        m.get_by_label("How activists are shared with co-sponsors").select_option("Proportional")
        m.get_by_role("button", name="Create the action").click()
        expect(m.get_by_role("heading", level=1)).to_have_text(TITLE)
        slug = m.url.rsplit("/", 1)[1]

        for group in (TACOMA, OLYMPIA):
            m.get_by_label("Group").select_option(group)
            m.get_by_role("button", name="Invite").click()
            expect(m.get_by_text(f"Invited: {group} receives no one until it joins.")).to_be_visible()
        for group in (TACOMA, OLYMPIA):
            m.get_by_role("button", name=f"{group} has joined").click()
            expect(figure(m, group, "Referrer")).to_have_text("0")

        m.locator("button.copy-button[data-copy='ref-tacoma']").click()
        expect(m.locator("button.copy-button[data-copy='ref-tacoma']")).to_have_text("Copied")
        tacoma_link = m.evaluate("navigator.clipboard.readText()")
        assert re.fullmatch(rf"{re.escape(stack.url)}/a/{slug}\?ref=tacoma-[a-z0-9]{{8}}", tacoma_link)
        assert tacoma_link == m.locator("#ref-tacoma").input_value()
        olympia_link = m.locator("#ref-olympia").input_value()

        stack.tick()  # the cron's flush and refresh: the sheet and the mirror have the action and its sponsors
        sign(chromium, tacoma_link, "Sam", "sam@example.net")
        sign(chromium, olympia_link, "Ola", "ola@example.net")
        stack.tick()  # the signatures reach the journal

        m.reload()
        assert [figure(m, g, n).inner_text() for g in (TACOMA, OLYMPIA) for n in ("Referrer", "Shared")] == \
            ["0", "0", "0", "0"]
        localsheets.configure(latency_ms=250)  # a slower Google, so the page sees the run going
        m.get_by_role("navigation", name="Manager pages").get_by_role("link", name="Runs").click()
        m.get_by_role("button", name="Run now").click()
        expect(m.locator("#run-status")).to_contain_text("A run is going")
        m.goto(f"{stack.url}/manage/actions/{slug}")
        expect(m.locator("#sponsors-table[hx-get]")).to_have_count(1)  # polling while the run goes
        expect(m.get_by_text("A sharing run is going")).to_be_visible()
        # R10-R13: each brought one through its link, was owed one, and was given the other's.
        expect(figure(m, TACOMA, "Referrer")).to_have_text("1", timeout=90_000)
        expect(figure(m, TACOMA, "Shared")).to_have_text("1")
        expect(figure(m, OLYMPIA, "Shared")).to_have_text("1")
        expect(figure(m, TACOMA, "Owed")).to_have_text("0")
        expect(m.locator("#sponsors-table[hx-get]")).to_have_count(0)  # the 286 ended the polling
        localsheets.configure(latency_ms=0)
        m.get_by_role("navigation", name="Manager pages").get_by_role("link", name="Runs").click()
        expect(m.locator("#run-status")).to_contain_text("The last run finished")
        expect(m.locator("table tbody tr").first).to_contain_text("manual")
        check.finish(m)
    finally:
        context.close()

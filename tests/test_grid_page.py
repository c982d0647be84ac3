"""A manager's edits through localsheets' grid page, in a real Chromium, seen by actnet's sheet check.

Part of the hand-edit suite: the edits come the way a person makes them,
through the page, and go through the same door as the API's calls.
"""
from datetime import datetime, timezone

import pytest

from services.network import check_sheet
from services.schema import TABS
from services.plan import WritePlan

ALL_TABS = [t.name for t in TABS]
EARLIER = datetime(2026, 11, 1, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def page(chromium):
    """A phone-sized page without the axe-core check of conftest's `page`: localsheets' grid
    stands in for Google Sheets while developing; it is not one of actnet's own pages."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        yield context.new_page()
    finally:
        context.close()


def column_letter(workbook, header):
    names = workbook.snapshot(["Members"])["Members"].header
    return chr(ord("A") + [" ".join(h.split()).casefold() for h in names].index(header.casefold()))


def done(page, message):
    page.wait_for_selector(f".bar .done:has-text('{message}')")


def test_a_managers_edits_through_the_grid_page_are_what_actnet_sees(
        open_workbook, localsheets, sheet_id, redis_conn, page):
    workbook = open_workbook(tabs=ALL_TABS)
    plan = WritePlan()
    for email, name in (("ann@example.org", "Ann"), ("bob@example.org", "Bob"), ("cat@example.org", "Cat")):
        plan.append("Members", {"Email": email, "First name": name, "Status": "subscribed"})
    workbook.apply(plan)
    assert check_sheet(workbook, redis_conn, now=EARLIER) == {"problems": 0, "status_changes": 0, "figures_fixed": 0}
    status = column_letter(workbook, "Status")
    localsheets.reset()

    page.goto(f"{localsheets.url}/view/{sheet_id}?tab=Members")
    # Maria marks Bob unsubscribed: click his Status cell and type.
    page.click(f'td[data-cell="{status}3"] a')
    page.wait_for_selector("#cell-value")
    assert "edit=" not in page.url  # htmx swapped the bar in; the page stayed
    page.fill("#cell-value", "unsubscribed")
    page.press("#cell-value", "Enter")
    done(page, f"Saved {status}3.")
    assert page.inner_text(f'td[data-cell="{status}3"]') == "unsubscribed"

    # She pastes three people copied from a sign-up sheet.
    page.click("text=Paste rows")
    assert page.input_value("#paste-at") == "A5"
    page.fill("#paste-text", "dan@example.org\tDan\neve@example.org\tEve\nfay@example.org\tFay\n")
    page.click("#bar button[type=submit]")
    done(page, "Pasted 3 rows at A5.")

    # She sorts the tab by Email, Z → A; the tab has actnet's columns, so the page asks first.
    page.click('thead a:text-is("A")')
    page.click("button[value=sort_za]")
    page.wait_for_selector("#warning-text:has-text('filled in by actnet')")
    page.click("text=Change anyway")
    done(page, "Sorted Members by column A, Z → A.")
    assert page.inner_text('td[data-cell="A2"]') == "fay@example.org"

    # She inserts a column of her own left of C.
    page.click('thead a:text-is("C")')
    page.click("button[value=left]")
    done(page, "Inserted a column left of C.")

    edits = [(e["method"], e["status"]) for e in localsheets.log()["requests"] if e.get("via") == "page"]
    assert edits == [("values.update", 200), ("values.update", 200), ("spreadsheets.batchUpdate", 200),
                     ("spreadsheets.batchUpdate", 200)]

    # actnet's sheet check sees exactly those edits: one Status changed by hand, no problems…
    assert check_sheet(workbook, redis_conn, now=LATER) == {"problems": 0, "status_changes": 1, "figures_fixed": 0}
    members = workbook.snapshot(["Members"])["Members"]
    # …six people, in the order Maria sorted them, the pasted ones with their names…
    assert [r["Email"] for r in members.rows] == [f"{n}@example.org" for n in ("fay", "eve", "dan", "cat", "bob",
                                                                                 "ann")]
    assert [r["First name"] for r in members.rows] == ["Fay", "Eve", "Dan", "Cat", "Bob", "Ann"]
    bob = next(r for r in members.rows if r["Email"] == "bob@example.org")
    assert bob["Status"] == "unsubscribed" and bob["Status changed"] == LATER
    assert all(r["Status changed"] is None for r in members.rows if r is not bob)
    # …and her new column C, without a header, between First name and Last name.
    assert members.header[1:4] == ["First name", "", "Last name"]

"""The Contacts journal, Members' derived contact columns, and the stagnation nudge at its boundary."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from services import contacts
from services.alert_jobs import contact_figures
from services.audience import Contact
from services.config import Settings
from services.plan import WritePlan

NOW = datetime(2026, 11, 30, 15, tzinfo=timezone.utc)
UTC = ZoneInfo("UTC")


def test_no_nudge_after_20_quiet_days_a_nudge_after_21():
    today = date(2026, 11, 30)
    sent_20 = [Contact(datetime(2026, 11, 10, 12, tzinfo=timezone.utc), "a@x.org", "x", "email", "sent")]
    sent_21 = [Contact(datetime(2026, 11, 9, 12, tzinfo=timezone.utc), "a@x.org", "x", "email", "sent")]
    assert contacts.quiet_days(sent_20, [], today=today, zone=UTC) == 20
    assert not contacts.is_stagnant(contacts.quiet_days(sent_20, [], today=today, zone=UTC))
    assert contacts.is_stagnant(contacts.quiet_days(sent_21, [], today=today, zone=UTC))
    # An alert logged in the Alerts tab counts as much as a contact.
    assert not contacts.is_stagnant(contacts.quiet_days([], [date(2026, 11, 10)], today=today, zone=UTC))
    assert contacts.is_stagnant(contacts.quiet_days([], [date(2026, 11, 9)], today=today, zone=UTC))
    assert contacts.is_stagnant(contacts.quiet_days([], [], today=today, zone=UTC))  # nothing ever sent


def test_quiet_days_count_in_the_networks_own_dates():
    late = [Contact(datetime(2026, 11, 10, 5, tzinfo=timezone.utc), "a@x.org", "x", "call", "reached")]
    # 05:00 UTC on the 10th is still the 9th in Los Angeles: 21 days there.
    assert contacts.quiet_days(late, [], today=date(2026, 11, 30), zone=ZoneInfo("America/Los_Angeles")) == 21


def test_members_contact_columns_are_derived_from_the_journal_and_written_only_where_they_differ(
        open_workbook, localsheets):
    wb = open_workbook(tabs=("Members", "Contacts"))
    plan = WritePlan()
    for email in ("ann@x.org", "bob@x.org", "cy@x.org"):
        plan.append("Members", {"Email": email})
    journal = [Contact(NOW - timedelta(days=100), "ann@x.org", "2026-08-22 Old", "email", "sent"),
               Contact(NOW - timedelta(days=3), "ann@x.org", "2026-11-27 New", "email", "sent"),
               Contact(NOW - timedelta(days=2), "bob@x.org", "2026-11-28 Call", "call", "no answer"),
               Contact(NOW - timedelta(days=1), "bob@x.org", "2026-11-28 Call", "call", "reached")]
    plan.appends.update(contacts.journal_plan(journal + journal[:1]).appends)  # written twice: one row
    wb.apply(plan)
    settings = Settings()
    assert contact_figures(wb, settings, now=NOW) == 2
    rows = {r["Email"]: r for r in wb.snapshot(["Members"])["Members"].rows}
    assert (rows["ann@x.org"]["Last contacted"], rows["ann@x.org"]["Contacts (90 days)"]) == (date(2026, 11, 27), 1)
    assert (rows["bob@x.org"]["Last contacted"], rows["bob@x.org"]["Contacts (90 days)"]) == (date(2026, 11, 29), 1)
    assert rows["cy@x.org"]["Last contacted"] is None
    assert len(wb.snapshot(["Contacts"])["Contacts"].rows) == 4
    localsheets.reset()
    assert contact_figures(wb, settings, now=NOW) == 0
    assert localsheets.log()["writes"] == 0

"""The alert calendar: every other Monday from the anchor, in the network's time zone."""
from datetime import date, datetime, timezone

import icalendar

from services import alert_calendar
from services.config import Settings


def calendar(**settings):
    return alert_calendar.build(Settings(**settings), sheet_time_zone=settings.pop("sheet_zone", None))


def test_alerts_come_every_other_monday_from_the_anchor():
    cal = calendar(alert_anchor_date="2026-11-02")
    assert cal.mondays(date(2026, 11, 2), 3) == [date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 30)]
    assert cal.mondays(date(2026, 11, 3), 1) == [date(2026, 11, 16)]
    assert cal.mondays(date(2026, 10, 1), 1) == [date(2026, 10, 5)]  # before the anchor, the same rhythm
    assert cal.problems == ()


def test_the_interval_is_configurable():
    cal = calendar(alert_anchor_date="2026-11-02", alert_interval_weeks=1)
    assert cal.mondays(date(2026, 11, 3), 2) == [date(2026, 11, 9), date(2026, 11, 16)]


def test_the_next_alert_is_due_on_the_networks_own_monday():
    # 03:00 UTC on Tuesday 17 Nov is still Monday 16 Nov in Los Angeles: the alert is due today there.
    instant = datetime(2026, 11, 17, 3, 0, tzinfo=timezone.utc)
    la = alert_calendar.build(Settings(alert_anchor_date="2026-11-02"), "America/Los_Angeles")
    utc = alert_calendar.build(Settings(alert_anchor_date="2026-11-02"), None)
    assert la.next_due(instant) == date(2026, 11, 16)
    assert utc.next_due(instant) == date(2026, 11, 30)
    assert la.previous(instant) == date(2026, 11, 2)


def test_actnet_timezone_overrides_the_spreadsheets():
    cal = alert_calendar.build(Settings(timezone="Europe/London"), "America/Chicago")
    assert cal.zone.key == "Europe/London"


def test_settings_that_cannot_be_used_are_explained_not_fatal():
    cal = alert_calendar.build(Settings(alert_anchor_date="2026-11-04", timezone="Mars/Olympus",
                                        alert_time="nine"), None)
    assert cal.anchor == date(2026, 11, 2)
    said = " ".join(cal.problems)
    assert "2026-11-04 is a Wednesday" in said and "Monday 2026-11-02" in said
    assert "'Mars/Olympus' is not a time zone name" in said
    assert "ALERT_TIME 'nine'" in said
    assert calendar(alert_anchor_date="next week").problems[0].startswith("ALERT_ANCHOR_DATE 'next week'")


def test_the_ics_feed_parses_and_lists_the_next_six_alert_mondays():
    cal = alert_calendar.build(Settings(alert_anchor_date="2026-11-02", alert_time="18:30"), "America/Chicago")
    now = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    feed = alert_calendar.ics_feed(cal, [(date(2026, 11, 30), "Fund nutrition"), (date(2026, 1, 5), "Old")],
                                   now=now, name="Seattle RESULTS", host="actnet.example.org")
    parsed = icalendar.Calendar.from_ical(feed)
    events = sorted(parsed.walk("VEVENT"), key=lambda e: e["DTSTART"].dt)
    starts = [e["DTSTART"].dt for e in events]
    assert [s.date() for s in starts] == [date(2026, 11, 30), date(2026, 12, 14), date(2026, 12, 28),
                                         date(2027, 1, 11), date(2027, 1, 25), date(2027, 2, 8)]
    assert all(s.weekday() == 0 and (s.hour, s.minute) == (18, 30) for s in starts)
    assert all(str(s.tzinfo) == "America/Chicago" for s in starts)
    assert str(events[0]["SUMMARY"]) == "Action alert: Fund nutrition"
    assert str(events[1]["SUMMARY"]) == "Action alert due"
    assert len({str(e["UID"]) for e in events}) == 6
    assert parsed.walk("VTIMEZONE")  # calendar apps that don't know the zone can still place it

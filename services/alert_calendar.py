"""When alerts are due: every other Monday (seed 000) from an anchor, in the network's own time zone.

Every date a person sees or types is a date in that zone; instants are kept
in UTC and turned into the zone's dates here. Pure: the caller brings the
settings, the spreadsheet's time zone and the clock.
"""
import dataclasses
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

# RESULTS' alerts come every two weeks on Mondays; without ALERT_ANCHOR_DATE the
# count starts from this Monday, so a new network has a rhythm on day one.
DEFAULT_ANCHOR = date(2026, 1, 5)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclasses.dataclass(frozen=True)
class AlertCalendar:
    anchor: date  # a Monday
    weeks: int  # between alerts
    at: time  # the hour of an alert, in `zone`
    zone: ZoneInfo
    problems: tuple = ()  # settings that could not be used as given, in words

    def today(self, now=None):
        """Today's date in the network's zone."""
        return self.local(now or datetime.now(timezone.utc)).date()

    def local(self, instant):
        return instant.astimezone(self.zone)

    def is_alert_day(self, day):
        delta = (day - self.anchor).days
        return delta % (7 * self.weeks) == 0

    def mondays(self, start, count):
        """The next `count` alert days on or after `start`."""
        period = 7 * self.weeks
        offset = (start - self.anchor).days
        first = self.anchor + timedelta(days=-(-offset // period) * period)
        return [first + timedelta(days=period * i) for i in range(count)]

    def next_due(self, now=None):
        return self.mondays(self.today(now), 1)[0]

    def previous(self, now=None):
        """The last alert day strictly before today."""
        return self.next_due(now) - timedelta(days=7 * self.weeks)

    def starts_at(self, day):
        return datetime.combine(day, self.at, self.zone)


def build(settings, sheet_time_zone=None):
    """The calendar from settings (ALERT_ANCHOR_DATE, ALERT_INTERVAL_WEEKS, ALERT_TIME,
    ACTNET_TIMEZONE) and the spreadsheet's own time zone, with any setting that
    could not be used explained rather than fatal."""
    problems = []
    zone = None
    for name, source in ((settings.timezone, "ACTNET_TIMEZONE"), (sheet_time_zone, "the spreadsheet's time zone")):
        if not name:
            continue
        try:
            zone = ZoneInfo(name)
            break
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"{source} '{name}' is not a time zone name (such as America/Chicago)")
    zone = zone or ZoneInfo("UTC")

    anchor = DEFAULT_ANCHOR
    if settings.alert_anchor_date:
        try:
            anchor = date.fromisoformat(settings.alert_anchor_date.strip())
        except ValueError:
            problems.append(f"ALERT_ANCHOR_DATE '{settings.alert_anchor_date}' is not a date (write it as 2026-03-02)")
        else:
            if anchor.weekday() != 0:
                monday = anchor - timedelta(days=anchor.weekday())
                problems.append(f"ALERT_ANCHOR_DATE {anchor.isoformat()} is a {WEEKDAYS[anchor.weekday()]}; "
                                f"alerts are on Mondays, so the calendar counts from Monday {monday.isoformat()}")
                anchor = monday

    try:
        hour, minute = (int(part) for part in settings.alert_time.split(":"))
        at = time(hour, minute)
    except ValueError:
        problems.append(f"ALERT_TIME '{settings.alert_time}' is not a time of day (write it as 09:00)")
        at = time(9, 0)
    return AlertCalendar(anchor, max(1, settings.alert_interval_weeks), at, zone, tuple(problems))


def ics_feed(calendar, planned, *, now, name, host, count=6, minutes=30):
    """An iCalendar feed of the next `count` alert days (and planned alerts on other
    days), each at the alert hour in the network's zone, so a manager's calendar app
    reminds them.

    `planned`: (date, subject) pairs from the Alerts tab.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", "-//actnet//alert calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{name}: action alerts")
    cal.add("x-wr-timezone", calendar.zone.key)
    today = calendar.today(now)
    subjects = {}
    for day, subject in planned:
        if day >= today and subject:
            subjects.setdefault(day, []).append(subject)
    days = sorted(set(calendar.mondays(today, count)) | set(subjects))
    stamp = now.astimezone(timezone.utc)
    for day in days:
        event = icalendar.Event()
        event.add("uid", f"alert-{day.isoformat()}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", calendar.starts_at(day))
        event.add("duration", timedelta(minutes=minutes))
        titles = subjects.get(day)
        event.add("summary", f"Action alert: {'; '.join(titles)}" if titles else "Action alert due")
        event.add("description", "Send this alert to your network the way each person prefers.")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()

"""What a manager sees about alerts at a glance: the next one due, the last one sent,
planned ones, and whether the network is going quiet. Reads Redis only."""
import dataclasses
from datetime import datetime, timezone

from services import alert_calendar, contacts, ladder
from services.audience import Audience, preview
from services.roster import Roster


@dataclasses.dataclass
class Overview:
    calendar: alert_calendar.AlertCalendar
    today: object
    next_due: object
    last_sent: dict | None  # an Alerts row
    planned: list  # Alerts rows from today on, not yet sent
    quiet_days: int | None
    stagnant: bool
    people: int
    by_channel: dict  # email/call/text -> how many an alert to everyone would reach now
    read_at: str | None

    @property
    def due_today(self):
        return self.next_due == self.today


def calendar_for(redis, settings):
    return alert_calendar.build(settings, Roster(redis).sheet_time_zone())


def overview(redis, settings, now=None):
    now = now or datetime.now(timezone.utc)
    roster = Roster(redis)
    cal = alert_calendar.build(settings, roster.sheet_time_zone())
    today = cal.today(now)
    rows = roster.alerts()
    sent = sorted((r for r in rows if r.get("sent_to")), key=lambda r: r["date"])
    planned = sorted((r for r in rows if not r.get("sent_to") and r["date"] >= today), key=lambda r: r["date"])
    journal = roster.contacts()
    quiet = contacts.quiet_days(journal, [r["date"] for r in sent], today=today, zone=cal.zone)
    people = roster.people()
    reach = preview(people, journal, Audience(), now=now, max_contacts=settings.max_contacts,
                    window_days=settings.contact_window_days)
    return Overview(cal, today, cal.next_due(now), sent[-1] if sent else None, planned, quiet,
                    contacts.is_stagnant(quiet), len(people),
                    {c: len(reach.channel(c)) for c in ("email", "call", "text")}, roster.meta().get("read_at"))


def ladder_view(redis, settings, now=None):
    """The ladder lists and funnel bars, from the roster."""
    now = now or datetime.now(timezone.utc)
    roster = Roster(redis)
    people = roster.people()
    today = alert_calendar.build(settings, roster.sheet_time_zone()).today(now)
    return ladder.lists(people, roster.recent_actions(), today), ladder.funnel(people)

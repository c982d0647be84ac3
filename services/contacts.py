"""The Contacts journal (who was reached, when, by which alert and channel) and
what derives from it: Members' Last contacted and Contacts (90 days), and
whether the network has gone quiet.

Like every app figure, the derived columns are recomputed from the journal
and written only where they differ, never incremented (design.md).
"""
import dataclasses
from datetime import timedelta

from services import schema
from services.audience import REACHED, Contact
from services.plan import WritePlan

FIGURE_DAYS = 90
# Seed 000: "you also do not want it to get stagnant". Three weeks without an
# alert or a contact (one missed fortnightly alert and then some) earns a nudge.
STAGNANT_DAYS = 21


def alert_label(day, subject):
    """How an alert is named in the Contacts tab: its date and subject."""
    return f"{day.isoformat()} {subject}".strip()


def contact_row(contact):
    return {"At": contact.at, "Email": contact.email, "Alert": contact.alert, "Channel": contact.channel,
            "Outcome": contact.outcome}


def journal_plan(contacts):
    """One plan adding these contacts; the tab's key makes writing one twice harmless."""
    plan = WritePlan()
    for contact in contacts:
        plan.append(schema.CONTACTS.name, contact_row(contact))
    return plan


def from_rows(tab_data):
    """Contacts from the tab's readable rows."""
    out = []
    for row in tab_data.rows:
        if row["At"] is None or row["Channel"] is None or row["Outcome"] is None:
            continue
        out.append(Contact(row["At"], row["Email"], row["Alert"] or "", row["Channel"], row["Outcome"]))
    return out


@dataclasses.dataclass(frozen=True)
class Figures:
    last_contacted: object  # date in the network's zone, or None
    recent: int  # reached in the last 90 days


def figures(contacts, *, now, zone):
    """Per email: the last day they were reached (in the network's zone) and how often in 90 days."""
    since = now - timedelta(days=FIGURE_DAYS)
    found = {}
    for c in contacts:
        if c.outcome not in REACHED:
            continue
        last, recent = found.get(c.email, (None, 0))
        day = c.at.astimezone(zone).date()
        found[c.email] = (max(last, day) if last else day, recent + (1 if since <= c.at <= now else 0))
    return {email: Figures(last, recent) for email, (last, recent) in found.items()}


def figures_plan(members, contacts, *, now, zone):
    """Write Last contacted and Contacts (90 days) where they differ from the journal's."""
    plan = WritePlan()
    derived = figures(contacts, now=now, zone=zone)
    for row in members.rows:
        f = derived.get(row["Email"], Figures(None, 0))
        cells = {}
        if "Last contacted" in members.positions and row["Last contacted"] != f.last_contacted:
            cells["Last contacted"] = f.last_contacted
        if "Contacts (90 days)" in members.positions and (row["Contacts (90 days)"] or 0) != f.recent:
            cells["Contacts (90 days)"] = f.recent
        if cells:
            plan.update(members.tab.name, (row["Email"],), **cells)
    return plan


def quiet_days(contacts, alerts_sent, *, today, zone):
    """Days since the last alert or contact went out, or None if none ever did.

    `alerts_sent`: the dates of alerts in the Alerts tab with a Sent to.
    """
    days = [c.at.astimezone(zone).date() for c in contacts if c.outcome in REACHED]
    days += [d for d in alerts_sent if d <= today]
    return (today - max(days)).days if days else None


def is_stagnant(quiet):
    """The keep-warm nudge: 21 days or more without an alert or contact, or none ever."""
    return quiet is None or quiet >= STAGNANT_DAYS


# Seed 000: "a link to a powerful article, an invitation to have coffee, or a
# thank you for being willing to stand at the ready".
KEEP_WARM = (
    ("article", "Worth a read", "Hi,\n\nI came across this and thought of you: {link}\n\nIt says better than I can "
     "why our work matters right now. Tell me what you think; just reply.\n\nThank you for being part of this."),
    ("coffee", "Coffee?", "Hi,\n\nIt's been a little while. Would you like to meet for a coffee in the next couple "
     "of weeks? I'd love to hear what matters to you and tell you what we've been up to.\n\nJust reply with a day "
     "that suits you. And if your phone number or address has changed, tell me too."),
    ("thanks", "Thank you for standing ready", "Hi,\n\nNo action this week: just a thank-you. Knowing you're ready "
     "to act when it counts is what makes this network work.\n\nIf anything about how you'd like to hear from us "
     "has changed (email, a call, a text), reply and tell me."),
)

"""Who an alert reaches, and how: pure functions over the home group's people.

Seed 000: "Choose the best method to communicate with your network" and
"Don't overuse your network". Each person is reached the way they prefer;
who is left out is said, with why.
"""
import dataclasses
from datetime import date, datetime, timedelta

from services import schema

# How each preferred contact is reached by an alert; the rest are reached by hand.
CHANNEL_OF = {"Email": "email", "Phone call": "call", "Text": "text"}
CHANNEL_NAMES = {"email": "Email", "call": "Phone call", "text": "Text"}
# Contacts that count as having reached someone (the Contacts tab's Outcome).
REACHED = ("sent", "reached")


@dataclasses.dataclass(frozen=True)
class Person:
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    zip: str = ""
    preferred: str | None = None  # one of schema.CONTACT, or None
    stage: str | None = None  # one of schema.LADDER, or None (read as Supporter)
    tags: tuple = ()
    status: str | None = None  # subscribed, unsubscribed, or None (read as subscribed)
    source: str = ""
    joined: date | None = None
    actions_taken: int = 0
    last_action: date | None = None
    stage_changed: date | None = None
    id: str = ""

    @property
    def name(self):
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email

    @property
    def subscribed(self):
        return self.status != "unsubscribed"

    @property
    def ladder_stage(self):
        return self.stage or schema.LADDER[0]

    @property
    def channel(self):
        """email, call, text, or None for a way no alert can take (Facebook, in person)."""
        if self.preferred is None:
            return "email" if self.email else None
        return CHANNEL_OF.get(self.preferred)


@dataclasses.dataclass(frozen=True)
class Contact:
    at: datetime  # UTC
    email: str
    alert: str
    channel: str  # email, call, text
    outcome: str  # sent, reached, no answer, failed


@dataclasses.dataclass(frozen=True)
class Audience:
    """Who the manager asked for: everyone, or by ladder stage, tags or preferred contact."""
    stages: tuple = ()
    tags: tuple = ()
    preferred: tuple = ()  # schema.CONTACT values; "" for no preference
    include: frozenset = frozenset()  # emails the manager includes despite the overuse guard

    @property
    def everyone(self):
        return not (self.stages or self.tags or self.preferred)

    def takes(self, person):
        if self.stages and person.ladder_stage not in self.stages:
            return False
        if self.tags and not set(t.casefold() for t in person.tags) & set(t.casefold() for t in self.tags):
            return False
        if self.preferred and (person.preferred or "") not in self.preferred:
            return False
        return True


@dataclasses.dataclass(frozen=True)
class LeftOut:
    person: Person
    channel: str | None
    why: str
    includable: bool = False  # the manager may include them anyway (the overuse guard)


@dataclasses.dataclass
class Preview:
    email: list
    call: list
    text: list
    left_out: list  # LeftOut
    included: list = dataclasses.field(default_factory=list)  # (person, times): past the guard, included by name

    def channel(self, name):
        return getattr(self, name)

    @property
    def total(self):
        return len(self.email) + len(self.call) + len(self.text)


def parse_tags(text):
    return tuple(t.strip() for t in (text or "").split(",") if t.strip())


def recent_contacts(contacts, now, days):
    """Per email, how many times they were reached in the last `days` days."""
    since = now - timedelta(days=days)
    counts = {}
    for c in contacts:
        if c.outcome in REACHED and since <= c.at <= now:
            counts[c.email] = counts.get(c.email, 0) + 1
    return counts


def preview(people, contacts, audience, *, now, max_contacts, window_days):
    """Split the audience by channel and say who is left out and why.

    Overuse guard: a person reached more than `max_contacts` times in
    `window_days` is left out unless the manager includes them by name.
    """
    counts = recent_contacts(contacts, now, window_days)
    result = Preview([], [], [], [])
    for person in sorted(people, key=lambda p: (p.last_name.casefold(), p.first_name.casefold(), p.email)):
        if not audience.takes(person):
            continue
        channel = person.channel
        if not person.subscribed:
            result.left_out.append(LeftOut(person, channel, "unsubscribed"))
            continue
        if channel is None:
            result.left_out.append(LeftOut(person, None, f"prefers {person.preferred}: reach them there yourself"))
            continue
        if channel == "email" and not person.email:
            result.left_out.append(LeftOut(person, channel, "no email address"))
            continue
        if channel in ("call", "text") and not person.phone.strip():
            result.left_out.append(LeftOut(person, channel, "no phone number"))
            continue
        times = counts.get(person.email, 0)
        if times > max_contacts:
            if person.email not in audience.include:
                result.left_out.append(LeftOut(person, channel, f"contacted too often: {times} times in the last "
                                                                f"{window_days} days", includable=True))
                continue
            result.included.append((person, times))
        result.channel(channel).append(person)
    return result

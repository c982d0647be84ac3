"""Action alerts: composed once, frozen with their recipients, sent the way each person prefers.

An alert is kept in Redis from the moment a manager sends it: its text, its
link (with a `source=alert-DATE` code, so signatures it brings are counted),
and who it goes to by email, by call and by text. The email part is sent by
a job (services/alert_sending.py); calls and texts are ticked on the call
sheet and text list. Every contact is journalled in the Contacts tab, and
the alert is a row of the Alerts tab whose Sent to counts them.
"""
import dataclasses
import json
import secrets
import urllib.parse
from datetime import date, datetime, timezone

from services import schema
from services.audience import CHANNEL_NAMES, Contact
from services.contacts import alert_label, journal_plan
from services.outbox import Outbox
from services.plan import WritePlan
from services.roster import Roster

RECORD = "actnet:alert:{}"  # JSON: the alert as sent
INDEX = "actnet:alerts"  # sorted set: alert id by the time it was made
MAIL = "actnet:alert:{}:mail"  # hash: email -> "sending|sent|failed <ISO time> [why]"
TRIES = "actnet:alert:{}:tries"  # hash: email -> temporary failures so far
TICKS = "actnet:alert:{}:ticks"  # hash: "call:3" -> "<outcome> <ISO time>"
STATE = "actnet:alert:{}:state"  # queued, sending, done, or "waiting: why"
UNFINISHED = "actnet:alerts:unfinished"  # set of alert ids whose email part is not done

TICK_OUTCOMES = {"call": ("reached", "no answer"), "text": ("sent",)}


class AlertProblem(ValueError):
    """Something the manager can fix in the form; the message says what."""


@dataclasses.dataclass(frozen=True)
class Draft:
    subject: str
    message: str
    action_slug: str | None = None
    action_title: str | None = None

    def problems(self):
        found = {}
        if not self.subject.strip():
            found["subject"] = "Give the alert a subject: it is the email's subject line and its name in the Alerts tab."
        elif len(self.subject) > 150:
            found["subject"] = "Keep the subject under 150 characters."
        if not self.message.strip():
            found["message"] = "Write the message people will read."
        return found


def source_code(day):
    """The code an alert's action link carries, so its signatures say where they came from."""
    return f"alert-{day.isoformat()}"


def with_source(url, day):
    """The action's link with this alert's source code added."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query)
    query = [(k, v) for k, v in query if k != "source"] + [("source", source_code(day))]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _person_entry(person, channel, unsubscribe_url):
    entry = {"email": person.email, "name": person.name, "first_name": person.first_name}
    if channel in ("call", "text"):
        entry["phone"] = person.phone
    else:
        entry["unsubscribe"] = unsubscribe_url(person.email)
    return entry


def create(redis, draft, preview, *, day, link, unsubscribe_url, now=None):
    """Freeze an alert with the people the preview found; returns its record.

    `unsubscribe_url(email)`: the person's one-click unsubscribe address (the
    public pages make it), put in each email and its List-Unsubscribe header.

    Its Alerts row (merged with a row the manager planned for the same date and
    subject) goes through the outbox; the email part waits for `start_sending`.
    """
    now = now or datetime.now(timezone.utc)
    problems = draft.problems()
    if problems:
        raise AlertProblem(problems)
    alert_id = f"{day.isoformat()}-{secrets.token_hex(3)}"
    channels = [c for c in ("email", "call", "text") if preview.channel(c)]
    record = {
        "id": alert_id, "day": day.isoformat(), "subject": draft.subject.strip(), "message": draft.message.strip(),
        "action_slug": draft.action_slug, "action_title": draft.action_title, "link": link or "",
        "created": now.isoformat(), "label": alert_label(day, draft.subject.strip()),
        "channels": ", ".join(CHANNEL_NAMES[c] for c in channels),
        **{c: [_person_entry(p, c, unsubscribe_url) for p in preview.channel(c)] for c in ("email", "call", "text")},
    }
    plan = WritePlan()
    plan.append(schema.ALERTS.name, {"Date": day, "Subject": record["subject"], "Link": record["link"],
                                     "Channel": record["channels"]})
    with redis.pipeline() as pipe:
        pipe.set(RECORD.format(alert_id), json.dumps(record))
        pipe.zadd(INDEX, {alert_id: now.timestamp()})
        pipe.set(STATE.format(alert_id), "queued" if record["email"] else "done")
        if record["email"]:
            pipe.sadd(UNFINISHED, alert_id)
        pipe.execute()
    Outbox(redis).put(plan)
    Roster(redis).add_alert({"date": day, "subject": record["subject"], "link": record["link"],
                             "channel": record["channels"], "sent_to": 0, "notes": ""})
    return record


def load(redis, alert_id):
    text = redis.get(RECORD.format(alert_id)) if alert_id else None
    return json.loads(text) if text else None


def recent(redis, count=20):
    ids = [i.decode() for i in redis.zrevrange(INDEX, 0, count - 1)]
    return [a for a in (load(redis, i) for i in ids) if a]


def state(redis, alert_id):
    value = redis.get(STATE.format(alert_id))
    return value.decode() if value else None


def mail_statuses(redis, alert_id):
    """email -> (status, at, why) for the email part."""
    out = {}
    for k, v in redis.hgetall(MAIL.format(alert_id)).items():
        status, _, rest = v.decode().partition(" ")
        at, _, why = rest.partition(" ")
        out[k.decode()] = (status, at, why)
    return out


def progress(redis, alert):
    """How far the email part has got, for the page that polls it."""
    statuses = mail_statuses(redis, alert["id"])
    sent = sum(1 for s, _, _ in statuses.values() if s in ("sent", "sending"))
    failed = [(email, why) for email, (s, _, why) in statuses.items() if s == "failed"]
    total = len(alert["email"])
    st = state(redis, alert["id"]) or "queued"
    return {"total": total, "sent": sent, "failed": len(failed), "failures": failed,
            "waiting": total - sent - len(failed), "state": st, "done": st == "done"}


def ticks(redis, alert_id):
    """"call:3" -> outcome, for the call sheet and text list."""
    return {k.decode(): v.decode().partition(" ")[0] for k, v in redis.hgetall(TICKS.format(alert_id)).items()}


def tick(redis, alert, channel, index, outcome, now=None):
    """A manager ticked a call or a text: journal the contact and count it."""
    now = now or datetime.now(timezone.utc)
    people = alert.get(channel) if channel in TICK_OUTCOMES else None
    if people is None or not 0 <= index < len(people) or outcome not in TICK_OUTCOMES[channel]:
        raise AlertProblem({"tick": "That person or answer is not on this alert's list."})
    redis.hset(TICKS.format(alert["id"]), f"{channel}:{index}", f"{outcome} {now.isoformat()}")
    contact = Contact(now, people[index]["email"], alert["label"], channel, outcome)
    record_contacts(redis, alert, [contact])
    return contact


def sent_to(redis, alert):
    """People this alert reached: emails sent, calls answered, texts sent."""
    emails = sum(1 for s, _, _ in mail_statuses(redis, alert["id"]).values() if s in ("sent", "sending"))
    return emails + sum(1 for outcome in ticks(redis, alert["id"]).values() if outcome in ("reached", "sent"))


def record_contacts(redis, alert, contacts):
    """Contacts into the journal (through the outbox) and the roster (at once); Sent to recounted."""
    count = sent_to(redis, alert)
    day = date.fromisoformat(alert["day"])
    plan = journal_plan(contacts)
    plan.update(schema.ALERTS.name, (day, alert["subject"]), **{"Sent to": count})
    Outbox(redis).put(plan)
    roster = Roster(redis)
    roster.record_contacts(contacts)
    roster.add_alert({"date": day, "subject": alert["subject"], "link": alert["link"], "channel": alert["channels"],
                      "sent_to": count, "notes": ""})

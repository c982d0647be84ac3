"""Joining the network from the public /join page (seed 000: "keep the RESULTS door open").

A new person lands in Members with Source `join`; a person already there has
the details they gave updated, never a second row. Like a signature, it goes
through the outbox and shows in the mirror at once; no Google call.
"""
import dataclasses
from datetime import datetime, timezone

from services import schema
from services.audience import Person
from services.intake import new_id
from services.mirror import Mirror
from services.network import StatusMemory, written
from services.outbox import Outbox
from services.plan import WritePlan
from services.roster import Roster


@dataclasses.dataclass(frozen=True)
class Joining:
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    zip: str = ""
    preferred: str | None = None  # one of schema.CONTACT, or None


def join(redis, joining, *, now=None):
    """Put the person on the home group's list, subscribed. Returns True if they are new."""
    now = now or datetime.now(timezone.utc)
    email = schema.normalise_email(joining.email)
    before = Mirror(redis).member(email)
    details = {"First name": joining.first_name.strip(), "Last name": joining.last_name.strip(),
               "Phone": joining.phone.strip(), "ZIP": joining.zip.strip(), "Preferred contact": joining.preferred}
    given = {k: v for k, v in details.items() if v}
    plan = WritePlan()
    # Dropped by the write plan if they already have a row: then the edit below updates it.
    plan.append(schema.MEMBERS.name, {"Email": email, **given, "Status": "subscribed", "Status changed": now,
                                      "Source": "join", "Joined": now.date(), "Id": new_id()})
    if given:
        # The person's own details, as they typed them: the manager's columns, set on their behalf.
        plan.edit(schema.MEMBERS.name, (email,), **given)
    if before is not None and before.get("status") != "subscribed":
        plan.update(schema.MEMBERS.name, (email,), **{"Status": "subscribed", "Status changed": now})
    Outbox(redis).put(plan)
    if before is None or before.get("status") != "subscribed":
        # actnet's own write: the sheet check must not take it for a manager's hand.
        StatusMemory(redis, schema.MEMBERS.name).save({email: written("subscribed", now)})

    seen = {"email": email, "status": "subscribed", "first_name": given.get("First name"),
            "last_name": given.get("Last name"), "zip": given.get("ZIP"), "phone": given.get("Phone"),
            "preferred_contact": given.get("Preferred contact")}
    if before is None:
        seen.update(source="join", joined=now.date().isoformat(), new=True)
    Mirror(redis).overlay(None, email, {k: v for k, v in seen.items() if v is not None}, now=now)
    roster = Roster(redis)
    known = roster.person(email)
    person = known or Person(email, source="join", joined=now.date())
    roster.put_person(dataclasses.replace(person, status="subscribed", **{
        field: value for field, value in (("first_name", joining.first_name.strip()),
                                          ("last_name", joining.last_name.strip()), ("phone", joining.phone.strip()),
                                          ("zip", joining.zip.strip()), ("preferred", joining.preferred)) if value}))
    return before is None

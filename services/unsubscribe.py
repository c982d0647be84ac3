"""Leaving one group's list through the link in an email (R14(d)).

Every email actnet sends carries a link per person and per list,
`/u/<token>`: the token never expires and names the group and the person
inside an encrypted, authenticated payload (AES-SIV: deterministic, so a
person keeps one link per list), so the address reveals no email, not even
to someone who decodes it, and a changed token is refused. Opening the link shows one
button (mail scanners open links but press no buttons); the button, or a
mail client's one-click POST (RFC 8058), unsubscribes.

Unsubscribing writes Status = unsubscribed on that group's list only (the
home group's Members, or the partner's list, wherever it is kept) through
the outbox, and shows it in the mirror at once. Nobody else's list changes.
"""
import base64
import dataclasses
import hashlib
import json
from datetime import datetime, timezone

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from services import intake, outbox, schema
from services.mirror import Mirror
from services.network import StatusMemory, written
from services.plan import WritePlan

SALT = "actnet-unsubscribe"


@dataclasses.dataclass(frozen=True)
class Leaving:
    """Who wants off which list, as the signed token says."""
    group: str
    email: str


def _cipher(secret):
    # A key of its own, derived from SECRET_KEY: no other token of actnet's opens these.
    return AESSIV(hashlib.sha512(f"{SALT}:{secret}".encode()).digest())


def token(secret, group, email):
    """The token for `email` on `group`'s list; the same person and list always get the same one."""
    payload = json.dumps([group, schema.normalise_email(email)], separators=(",", ":")).encode()
    sealed = _cipher(secret).encrypt(payload, [SALT.encode()])
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def read(secret, text):
    """The Leaving a token names, or None for a token that is cut short, changed or not ours."""
    try:
        sealed = base64.urlsafe_b64decode((text or "") + "=" * (-len(text or "") % 4))
        group, email = json.loads(_cipher(secret).decrypt(sealed, [SALT.encode()]))
    except (InvalidTag, TypeError, ValueError):
        return None
    if not isinstance(group, str) or not isinstance(email, str) or not group or not email:
        return None
    return Leaving(group, email)


def link(settings, group, email):
    """The unsubscribe address for an email to this person from this group."""
    return f"{settings.base_url}/u/{token(settings.secret_key, group, email)}"


def mail_headers(settings, group, email):
    """The headers that let a mail client unsubscribe in one click (RFC 8058, RFC 2369)."""
    return {"List-Unsubscribe": f"<{link(settings, group, email)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def where_kept(mirror, group):
    """(spreadsheet id or None for the home workbook, tab) of a group's list; None if the group is gone."""
    groups = mirror.groups()
    for position, g in enumerate(groups):
        if g.get("name") != group:
            continue
        if position == 0:
            return None, schema.MEMBERS.name
        sheet_id = g.get("list_spreadsheet")
        return (sheet_id, schema.MEMBERS.name) if sheet_id else (None, schema.list_tab(group).name)
    return None


def status(redis, leaving):
    """'subscribed', 'unsubscribed', or None when the list does not have them (yet)."""
    person = Mirror(redis).list_member(leaving.group, leaving.email)
    return person.get("status") if person else None


def unsubscribe(redis, leaving, *, now=None):
    """Take the person off that one list: a plan in the outbox, the mirror at once.

    Returns False when the group no longer exists (nothing is written).
    """
    mirror = Mirror(redis)
    kept = where_kept(mirror, leaving.group)
    if kept is None:
        return False
    sheet_id, tab = kept
    now = now or datetime.now(timezone.utc)
    plan = WritePlan()
    # Appended if the list has no row for them (a manager deleted it, or the
    # row is not written yet), so the choice is kept and they stay off (R14(d));
    # otherwise the append is dropped and the update sets their row.
    plan.append(tab, {"Email": leaving.email, "Status": "unsubscribed", "Status changed": now})
    plan.update(tab, (leaving.email,), **{"Status": "unsubscribed", "Status changed": now})
    waiting = intake.outbox_for(redis, sheet_id)
    # One transaction: the sheet's plan and what the pages show cannot part ways.
    with redis.pipeline(transaction=True) as pipe:
        pipe.rpush(waiting.pending, outbox.dumps(plan))
        if sheet_id is not None:
            pipe.sadd(intake.OUTBOXES, f"sheet:{sheet_id}")  # the name outbox_for gave it
        else:
            # actnet's own write: the sheet check must not take it for a manager's hand.
            StatusMemory(pipe, tab).save({leaving.email: written("unsubscribed", now)})
        mirror.overlay(leaving.group, leaving.email, {"status": "unsubscribed", "status_changed": now},
                       now=now, pipeline=pipe)
        pipe.execute()
    return True

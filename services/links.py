"""Capability links: what a manager shares instead of an account.

A link is a random token of 192 bits. It is shown once, to the person who
makes it; the Co-leaders tab and Redis keep only its SHA-256, so neither a
copy of the sheet nor of Redis opens anything. A token is looked up by its
hash in one Redis HGET: a guessed, truncated or unknown token costs the same
work and finds nothing, so it cannot be told apart from any other miss.

The Co-leaders tab is the record: a manager types `yes` in Revoked (or deletes
the row) and `sync` turns the link off at the next refresh. Links made or
turned off on a page are in Redis at once and reach the sheet through the outbox.
"""
import dataclasses
import hashlib
import json
import secrets
from datetime import datetime, timezone

from services.outbox import Outbox
from services.plan import WritePlan
from services.schema import header_key

TOKEN_BYTES = 24  # 192 bits; the issue asks for 128 or more
MAX_TOKEN_CHARS = 200  # longer is no token of ours; hashed all the same, never echoed
INDEX = "actnet:links"  # hash: token hash -> the link's record as JSON
USED = "actnet:links:used:{}"  # present while "Last used" was written within the hour
NETWORK = "Whole network"
TAB = "Co-leaders"


def token_hash(token):
    return hashlib.sha256(token[:MAX_TOKEN_CHARS].encode("utf-8", "replace")).hexdigest()


def is_network(scope):
    return header_key(scope or "") == header_key(NETWORK)


@dataclasses.dataclass(frozen=True)
class Link:
    token_hash: str
    name: str
    scope: str  # NETWORK, or a group's Name
    email: str | None = None
    revoked: bool = False
    created: str | None = None  # ISO time
    created_by: str | None = None  # who made it, to say whom to ask for a new one
    last_used: str | None = None
    # Turned off on a page, and the sheet does not say so yet: a refresh that
    # reads the sheet before the outbox wrote Revoked must not turn it back on.
    revoke_pending: bool = False
    in_sheet: bool = False  # seen in the Co-leaders tab at least once

    @property
    def network(self):
        return is_network(self.scope)

    @property
    def group(self):
        """The group a partner link shows, or None for a network link."""
        return None if self.network else self.scope

    def to_json(self):
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data})


def _now(now):
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def create(redis, name, scope, *, email=None, created_by=None, now=None):
    """Make a link; returns (token, Link). The token is never stored: show it now or lose it.

    The link works at once (Redis); its row reaches the Co-leaders tab through the outbox.
    """
    now = _now(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = Link(token_hash=token_hash(token), name=name.strip(), scope=NETWORK if is_network(scope) else scope,
                email=email or None, created=_iso(now), created_by=created_by)
    plan = WritePlan()
    plan.append(TAB, {"Name": link.name, "Email": link.email, "Scope": link.scope, "Created": now,
                      "Token hash": link.token_hash})
    redis.hset(INDEX, link.token_hash, link.to_json())
    Outbox(redis).put(plan)
    return token, link


def find(redis, token):
    """The link a token opens, revoked or not; None for any token that is not one of ours."""
    return by_hash(redis, token_hash(token or ""))


def by_hash(redis, hashed):
    raw = redis.hget(INDEX, hashed)
    return Link.from_json(raw) if raw else None


def all_links(redis):
    """Every link, newest first."""
    links = [Link.from_json(raw) for raw in redis.hvals(INDEX)]
    return sorted(links, key=lambda link: link.created or "", reverse=True)


def revoke(redis, hashed, now=None):
    """Turn a link off at once; the sheet's Revoked says `yes` after the next flush.

    Returns the link as it now is, or None if there is no such link.
    """
    link = by_hash(redis, hashed)
    if link is None:
        return None
    if link.revoked:
        return link
    link = dataclasses.replace(link, revoked=True, revoke_pending=True)
    plan = WritePlan()
    plan.update(TAB, (hashed,), Revoked=True)
    redis.hset(INDEX, hashed, link.to_json())
    Outbox(redis).put(plan)
    return link


def note_use(redis, link, now=None):
    """Record that a link was used: "Last used" is written at most once an hour per link."""
    if not redis.set(USED.format(link.token_hash), "1", nx=True, ex=3600):
        return False
    now = _now(now)
    plan = WritePlan()
    plan.update(TAB, (link.token_hash,), **{"Last used": now})
    updated = dataclasses.replace(link, last_used=_iso(now))
    redis.hset(INDEX, link.token_hash, updated.to_json())
    Outbox(redis).put(plan)
    return True


def sync(redis, co_leaders):
    """Bring the links in Redis in line with the Co-leaders tab (a TabData).

    The sheet decides name, email, scope and Revoked. A link turned off on a page
    stays off until the sheet says so too (then the sheet rules again: clearing
    Revoked turns it back on). A link whose row a manager deleted is turned off;
    one made on a page whose row is not in the sheet yet is left alone.
    Returns how many links changed.
    """
    current = {link.token_hash: link for link in (Link.from_json(raw) for raw in redis.hvals(INDEX))}
    rows = {row["Token hash"]: row for row in co_leaders.rows if row["Token hash"]} if co_leaders.present else None
    if rows is None:
        return 0  # no tab to read: change nothing rather than turn every link off
    changed = {}
    for hashed, row in rows.items():
        before = current.get(hashed)
        sheet_revoked = bool(row["Revoked"])
        pending = bool(before and before.revoke_pending and not sheet_revoked)
        # A blank Scope opens nothing: clearing the cell must never widen a link.
        after = Link(token_hash=hashed, name=row["Name"] or "", scope=(row["Scope"] or "").strip(),
                     email=row["Email"], revoked=sheet_revoked or pending,
                     created=_iso(row["Created"]) if row["Created"] else (before.created if before else None),
                     created_by=before.created_by if before else None,
                     last_used=before.last_used if before else None, revoke_pending=pending, in_sheet=True)
        if after != before:
            changed[hashed] = after
    for hashed, link in current.items():
        if hashed not in rows and link.in_sheet and not link.revoked:
            changed[hashed] = dataclasses.replace(link, revoked=True)  # the row was deleted
    if changed:
        redis.hset(INDEX, mapping={h: link.to_json() for h, link in changed.items()})
    return len(changed)


def refresh(workbook, redis):
    """Read the Co-leaders tab (one call) and sync the links with it."""
    return sync(redis, workbook.snapshot([TAB], titles=[TAB])[TAB])

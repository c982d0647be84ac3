"""API keys: one or more per group, made and revoked by a manager, kept only as hashes.

Why Redis and not a tab: a key is checked on every API request, and pages and
the API never read Google, so a tab would be copied into Redis anyway and a
key revoked in the sheet would keep working until the next refresh. Kept here,
a key made or revoked on the manager's page works or stops at once, its
"last used" costs no sheet write, and the rate limit beside it is in the same
Redis. Losing Redis loses no one's data: the manager makes new keys.

A key is 192 random bits shown once, when it is made; Redis keeps its SHA-256,
the group it speaks for, a label and the first characters (so a manager can
tell keys apart). A token is looked up by its hash in one HGET, so a guessed or
truncated token costs the same as any other miss.
"""
import dataclasses
import hashlib
import json
import secrets
from datetime import datetime, timezone

INDEX = "actnet:api-keys"  # hash: key hash -> the key's record as JSON
LAST_USED = "actnet:api-keys:used"  # hash: key hash -> ISO time of the last request
PREFIX = "actnet_"
TOKEN_BYTES = 24
MAX_TOKEN_CHARS = 200  # longer is no key of ours; hashed all the same, never echoed


def key_hash(token):
    return hashlib.sha256(str(token)[:MAX_TOKEN_CHARS].encode("utf-8", "replace")).hexdigest()


@dataclasses.dataclass(frozen=True)
class ApiKey:
    key_hash: str
    group: str  # the group's Name in the Groups tab: the home group sees the network, a partner its own list
    label: str  # what the manager called it ("Mailchimp sync")
    shown: str  # the first characters, to tell keys apart on the page
    created: str
    created_by: str | None = None
    last_used: str | None = None

    def to_json(self):
        return json.dumps({k: v for k, v in dataclasses.asdict(self).items() if k != "last_used"})


def _now(now=None):
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def create(redis, group, label, *, created_by=None, now=None):
    """Make a key for `group`. Returns (the token, to show once; the ApiKey kept)."""
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    label = " ".join(str(label or "").split())[:80] or "API key"
    key = ApiKey(key_hash(token), group, label, token[:len(PREFIX) + 4] + "…", _now(now), created_by)
    redis.hset(INDEX, key.key_hash, key.to_json())
    return token, key


def lookup(redis, token):
    """The key a request's OSDI-API-Token names, or None (unknown, revoked, or no token)."""
    if not token:
        return None
    raw = redis.hget(INDEX, key_hash(token.strip()))
    return ApiKey(**json.loads(raw)) if raw else None


def note_use(redis, key, now=None):
    redis.hset(LAST_USED, key.key_hash, _now(now))


def revoke(redis, hashed):
    """Turn a key off at once. Returns whether there was such a key."""
    with redis.pipeline() as pipe:
        pipe.hdel(INDEX, hashed)
        pipe.hdel(LAST_USED, hashed)
        removed, _ = pipe.execute()
    return bool(removed)


def all_keys(redis, group=None):
    """Every key (or one group's), newest first, with when each was last used."""
    with redis.pipeline(transaction=False) as pipe:
        pipe.hgetall(INDEX)
        pipe.hgetall(LAST_USED)
        index, used = pipe.execute()
    keys = []
    for hashed, raw in index.items():
        key = ApiKey(**json.loads(raw), last_used=(used.get(hashed) or b"").decode() or None)
        if group is None or key.group == group:
            keys.append(key)
    return sorted(keys, key=lambda k: k.created, reverse=True)

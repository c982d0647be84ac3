"""The workbook as pages see it, kept in Redis: no page ever calls Google.

Google allows about 60 reads a minute for the whole deployment, answers in
0.2–2 s and is sometimes down for an hour. So a job reads the tabs pages need
(services/mirror_refresh.py) and keeps them here in the shape a page fetches:
one action by slug, one sponsor by referrer code, one person by email, counts
for the dashboard already added up. A page reads a key or two, never a tab.

What people change on a page is visible at once (read-your-writes): intake and
unsubscribe put it in an *overlay* beside the sheet's copy; the refresh drops
an overlay entry once the sheet it read already had that change.

Keys (all under actnet:mirror:):
    action:SLUG         JSON of one action
    actions             JSON list of slugs, in the sheet's order
    sponsors:SLUG       JSON list of the action's sponsor rows
    code:CODE           JSON {action, group} for a referrer code
    groups              JSON list of groups, the home group first
    list:GROUP          hash email -> JSON person (the home group's is its Members)
    overlay:GROUP       hash email -> JSON changes not yet read back from the sheet
    counts              JSON of the dashboard's figures
    co-leaders, alerts  JSON lists
    meta                hash: read_at, home group, last outcome
"""
import json
from datetime import date, datetime, timezone

from services.schema import normalise_email

PREFIX = "actnet:mirror:"
META = PREFIX + "meta"
ACTIONS = PREFIX + "actions"
GROUPS = PREFIX + "groups"
COUNTS = PREFIX + "counts"
CO_LEADERS = PREFIX + "co-leaders"
ALERTS = PREFIX + "alerts"
HOME = "__home__"  # the home group's list is kept under this name: its Name may change

DATE_FIELDS = frozenset({"joined", "last_action", "date"})
DATETIME_FIELDS = frozenset({"status_changed", "joined_at", "created", "last_used", "at"})


def action_key(slug):
    return f"{PREFIX}action:{slug}"


def sponsors_key(slug):
    return f"{PREFIX}sponsors:{slug}"


def code_key(code):
    return f"{PREFIX}code:{code}"


def list_key(group):
    return f"{PREFIX}list:{group}"


def overlay_key(group):
    return f"{PREFIX}overlay:{group}"


def signers_key(slug):
    """The action's distinct activists (normalised emails): the journal's, and intake's since."""
    return f"actnet:intake:signers:{slug}"


def encode(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot keep {type(value).__name__} in the mirror")


def dumps(record):
    return json.dumps(record, default=encode, separators=(",", ":"), sort_keys=True)


def decode(record):
    """A record read back, its dates and times as Python values again."""
    if record is None:
        return None
    for name, value in record.items():
        if isinstance(value, str) and value:
            if name in DATETIME_FIELDS:
                record[name] = datetime.fromisoformat(value.replace("Z", "+00:00"))
            elif name in DATE_FIELDS:
                record[name] = date.fromisoformat(value)
    return record


def loads(raw):
    return decode(json.loads(raw)) if raw else None


def _text(raw):
    return raw.decode() if isinstance(raw, bytes) else raw


class Mirror:
    """Reads for pages: each a key or two in Redis, one round trip."""

    def __init__(self, redis):
        self.redis = redis

    # --- actions and sponsors ------------------------------------------------

    def action(self, slug):
        """One action by slug, with its signatures counted so far (this page's own included)."""
        if not slug:
            return None
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(action_key(slug))
            pipe.scard(signers_key(slug))
            raw, signers = pipe.execute()
        record = loads(raw)
        if record is None:
            return None
        record["questions"] = [tuple(q) for q in record["questions"]]
        # The sheet's figure until the journal has been read into Redis (after a
        # Redis loss, say); from then on the distinct activists themselves.
        record["signatures"] = max(signers, record.pop("sheet_signatures", 0) or 0)
        return record

    def actions(self):
        """Every action (any status), in the sheet's order."""
        slugs = json.loads(self.redis.get(ACTIONS) or "[]")
        return [a for a in (self.action(s) for s in slugs) if a is not None]

    def sponsors(self, slug):
        return [decode(s) for s in json.loads(self.redis.get(sponsors_key(slug)) or "[]")]

    def sponsor_by_code(self, code):
        """The sponsor row whose referrer code this is, matched exactly after trimming (R10); with its action."""
        code = (code or "").strip()
        if not code:
            return None
        found = loads(self.redis.get(code_key(code)))
        if found is None:
            return None
        for sponsor in self.sponsors(found["action"]):
            if sponsor["group"] == found["group"] and sponsor["referrer_code"] == code:
                return sponsor
        return None

    # --- groups and people -----------------------------------------------------

    def groups(self):
        return [decode(g) for g in json.loads(self.redis.get(GROUPS) or "[]")]

    def home_group(self):
        groups = self.groups()
        return groups[0] if groups else {"name": None, "slug": None, "home": True}

    def member(self, email):
        """A person on the home group's list (Members), as the page last changed them."""
        return self.list_member(None, email)

    def list_member(self, group, email):
        """A person on a group's list by email; `group` None or the home group's name means Members."""
        name = self._list_name(group)
        email = normalise_email(email or "")
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(list_key(name), email)
            pipe.hget(overlay_key(name), email)
            base, over = pipe.execute()
        if base is None and over is None:
            return None
        person = json.loads(base) if base else {"email": email}
        if over:
            changes = json.loads(over)
            changes.pop("at", None)
            changes.pop("new", None)
            person.update(changes)
        return decode(person)

    def _list_name(self, group):
        if group is None:
            return HOME
        home = _text(self.redis.hget(META, "home_group"))
        return HOME if group == home else group

    def counts(self):
        """The dashboard's figures, added up at the last refresh, with intake's new people since."""
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(COUNTS)
            pipe.hvals(overlay_key(HOME))
            raw, overlay = pipe.execute()
        counts = json.loads(raw) if raw else {"members": 0, "subscribed": 0, "unsubscribed": 0}
        this_month = datetime.now(timezone.utc).strftime("%Y-%m")
        for entry in overlay:
            change = json.loads(entry)
            if change.get("new"):
                counts["members"] = counts.get("members", 0) + 1
                status = change.get("status")
                if status in ("subscribed", "unsubscribed"):
                    counts[status] = counts.get(status, 0) + 1
                if str(change.get("joined") or "").startswith(this_month):
                    counts["new_this_month"] = counts.get("new_this_month", 0) + 1
        return counts

    def co_leaders(self):
        return [decode(c) for c in json.loads(self.redis.get(CO_LEADERS) or "[]")]

    def alerts(self):
        return [decode(a) for a in json.loads(self.redis.get(ALERTS) or "[]")]

    # --- how fresh it is -------------------------------------------------------

    def freshness(self, now=None):
        """When the sheet was last read, and how many changes are on their way to it."""
        from services import intake  # intake keeps the mirror's keys too: imported here, not above

        now = now or datetime.now(timezone.utc)
        read_at = _text(self.redis.hget(META, "read_at"))
        read_at = datetime.fromisoformat(read_at) if read_at else None
        return {"read_at": read_at,
                "age_seconds": max(0, round((now - read_at).total_seconds())) if read_at else None,
                "outbox_depth": intake.depth(self.redis)}

    def state(self):
        """The last refresh's outcome, for /healthz: ok, when, and what went wrong in words."""
        raw = self.redis.hgetall(META)
        meta = {_text(k): _text(v) for k, v in raw.items()}
        return {"ok": meta.get("ok") == "1", "read_at": meta.get("read_at"), "tried_at": meta.get("tried_at"),
                "detail": meta.get("detail") or None}

    # --- read-your-writes --------------------------------------------------------

    def overlay(self, group, email, changes, *, now=None, pipeline=None):
        """Show a change to a person at once, before the sheet has it (an unsubscribe, say).

        `changes` uses the mirror's field names, e.g. an unsubscribe:
        `mirror.overlay(group, email, {"status": "unsubscribed", "status_changed": now})`.
        Put the plan in the outbox first (or in the same `pipeline`): the
        refresh drops the entry once the sheet it read has it.
        """
        name = self._list_name(group)
        now = now or datetime.now(timezone.utc)
        entry = dumps({**changes, "at": now.timestamp()})
        target = pipeline if pipeline is not None else self.redis
        target.eval(_MERGE, 1, overlay_key(name), normalise_email(email), entry)


# An overlay entry gains the new fields and keeps the others (a new person, then their unsubscribe).
_MERGE = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
local entry = {}
if current then entry = cjson.decode(current) end
for k, v in pairs(cjson.decode(ARGV[2])) do entry[k] = v end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
return 1
"""

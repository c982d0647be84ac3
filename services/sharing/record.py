"""Reading one action's record for the sharing engine: checked, with activists as small integers.

Every problem is a `ScenarioError` whose message says where and what, in one line.
"""
from datetime import datetime
from operator import itemgetter

from services.schema import normalise_email

MODES = ("share_all", "proportional")
INF = float("inf")


class ScenarioError(ValueError):
    """The record is not understood; the message says where and why."""


def _time(value, where):
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: expected an ISO 8601 time, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ScenarioError(f"{where}: cannot read {value!r} as an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise ScenarioError(f"{where}: {value!r} has no time zone (use Z for UTC)")
    return parsed.timestamp()


def _field(item, name, where):
    if not isinstance(item, dict):
        raise ScenarioError(f"{where}: expected an object")
    if name not in item:
        raise ScenarioError(f"{where}: missing field '{name}'")
    return item[name]


def _list(record, name):
    value = record.get(name, [])
    if not isinstance(value, list):
        raise ScenarioError(f"{name}: expected a list")
    return value


def _submission_problem(sub, i):
    """Say what is wrong with submission i, in one line."""
    where = f"submissions[{i}]"
    if not isinstance(sub, dict):
        return f"{where}: expected an object"
    for name in ("activist", "at", "subscribe", "source"):
        if name not in sub:
            return f"{where}: missing field '{name}'"
    if not isinstance(sub["activist"], str) or not sub["activist"].strip():
        return f"{where}: activist must be an email address"
    if sub["source"] not in ("web", "api"):
        return f"{where}: unknown source {sub['source']!r} (expected web or api)"
    code = sub.get("referrer_code")
    if code is not None and not isinstance(code, str):
        return f"{where}: referrer_code must be text or null"
    if not isinstance(sub["subscribe"], bool):
        return f"{where}: subscribe must be true or false"
    try:
        _time(sub["at"], where)
    except ScenarioError as exc:
        return str(exc)
    return f"{where}: not understood"


def _code(value):
    return value.strip() if isinstance(value, str) and value.strip() else None


class Record:
    """The action's record, read and checked, with activists as small integers."""

    def __init__(self, record):
        if not isinstance(record, dict):
            raise ScenarioError("the scenario must be a JSON object")
        self.seed = _field(record, "seed", "scenario")
        self.original = _field(record, "original_sponsor", "scenario")
        self.ids = {}  # email -> index
        self.emails = []

        flips = []
        for i, flip in enumerate(_list(record, "mode_history")):
            where = f"mode_history[{i}]"
            mode = _field(flip, "mode", where)
            if mode not in MODES:
                raise ScenarioError(f"{where}: unknown mode {mode!r} (expected share_all or proportional)")
            flips.append((_time(_field(flip, "at", where), where), mode))
        flips.sort(key=lambda f: f[0])
        self.flip_times = [t for t, _ in flips]
        self.flip_modes = [m for _, m in flips]

        self.sponsors = []
        self.sponsor_index = {}
        for i, s in enumerate(_list(record, "sponsors")):
            where = f"sponsors[{i}]"
            group = _field(s, "group", where)
            limit = s.get("limit")
            if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
                raise ScenarioError(f"{where}: limit must be a whole number of 0 or more, or null")
            if group in self.sponsor_index:
                raise ScenarioError(f"{where}: group {group!r} is listed twice")
            if group == self.original:
                continue  # R1: the original sponsor gets everyone by intake, not by sharing
            self.sponsor_index[group] = len(self.sponsors)
            self.sponsors.append({"group": group, "joined_at": _time(_field(s, "joined_at", where), where),
                                  "code": _code(_field(s, "referrer_code", where)), "limit": limit})
        self.code_owner = {s["code"]: k for k, s in enumerate(self.sponsors) if s["code"]}

        # The hot loop of a large action: kept flat, with errors looked at only
        # when the fast path fails.
        subs = []
        ids, emails = self.ids, self.emails
        parse_time, normalise = datetime.fromisoformat, normalise_email
        fields = itemgetter("activist", "at", "subscribe", "source")
        for i, sub in enumerate(_list(record, "submissions")):
            try:
                email, at, subscribe, source = fields(sub)
                code = sub.get("referrer_code")
                when = parse_time(at)
                key = normalise(email)
            except (KeyError, TypeError, AttributeError, ValueError):
                raise ScenarioError(_submission_problem(sub, i)) from None
            if when.tzinfo is None or source not in ("web", "api") or not key or not isinstance(subscribe, bool):
                raise ScenarioError(_submission_problem(sub, i))
            index = ids.get(key)
            if index is None:
                index = ids[key] = len(emails)
                emails.append(key)
            if code is not None:
                code = _code(code)
            subs.append((when.timestamp(), index, code, subscribe, source))
        subs.sort(key=itemgetter(0))  # by time; stable, so input order breaks ties (cheap when sorted)
        self.submissions = subs

        self.lists = []  # per sponsor: activist -> (status, changed_at)
        lists = record.get("lists") or {}
        if not isinstance(lists, dict):
            raise ScenarioError("lists: expected an object keyed by group")
        for s in self.sponsors:
            entries = {}
            for email, entry in (lists.get(s["group"]) or {}).items():
                index = ids.get(email)
                if index is None:
                    index = ids.get(normalise_email(email))
                if index is None:
                    continue  # never took this action: nothing in the rules looks at them
                where = f"lists.{s['group']}.{email}"
                status = _field(entry, "status", where)
                if status not in ("subscribed", "unsubscribed"):
                    raise ScenarioError(f"{where}: unknown status {status!r}")
                changed = entry.get("changed_at")
                entries[index] = (status, _time(changed, where) if changed is not None else -INF)
            self.lists.append(entries)

        self.shares = self._pairs(record, "shares")
        self.deliveries = self._pairs(record, "deliveries")

    def _pairs(self, record, name):
        pairs = []
        for i, item in enumerate(_list(record, name)):
            where = f"{name}[{i}]"
            group = _field(item, "group", where)
            activist = self.activist(_field(item, "activist", where))
            if group not in self.sponsor_index:
                continue  # a sponsor since removed: its history no longer binds this run
            pairs.append((activist, self.sponsor_index[group], item))
        return pairs

    def activist(self, email):
        key = normalise_email(email)
        index = self.ids.get(key)
        if index is None:
            index = self.ids[key] = len(self.emails)
            self.emails.append(key)
        return index

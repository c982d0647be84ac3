"""Refreshing the mirror from the sheet: one values:batchGet, at most twice a minute.

The tabs pages need (Groups, Actions, Sponsors, Co-leaders, Alerts, Members
and the partner lists kept here) come in one batchGet; a partner list in its
own spreadsheet costs one more read of that spreadsheet. The tab titles come
from Redis, where the sheet check leaves them every 5 minutes, so a refresh
needs no metadata read.

Whatever asks for a refresh (the `rq cron` job every MIRROR_REFRESH_SECONDS,
each flush), the reads are counted in Redis and a refresh that would make more
than READS_PER_MINUTE in any minute is skipped: traffic never turns into reads.

What a manager left for the app to fill (a new action's Slug, a new sponsor's
referrer code and Joined at, a group's Slug, a flip of Mode) is noticed here
and written within one refresh (services/sheet_fills.py).
"""
import hashlib
import json
import time
from datetime import datetime, timezone

from services import mirror as m
from services import schema, sheet_fills
from services.sheets import SheetsError, SheetsUnavailable
from services.workbook import group_lists

READS_PER_MINUTE = 2
READS_KEY = "actnet:mirror:reads"
TITLES_KEY = "actnet:sheet:titles"  # {title: sheetId}, left by the check and by metadata reads
CAUGHT_UP_KEY = "actnet:intake:caught-up-at"  # every change accepted before this time is in the sheet
LIST_NAMES = m.PREFIX + "lists"
CODES = m.PREFIX + "codes"
PAGE_TABS = ("Groups", "Actions", "Sponsors", "Co-leaders", "Alerts", "Members")

# Admit a read if fewer than ARGV[2] were made in the last ARGV[1] ms (Redis's clock).
_ADMIT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""

# Drop overlay entries that the sheet now has, unless they changed meanwhile.
_DROP_IF_SAME = """
local dropped = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    dropped = dropped + 1
  end
end
return dropped
"""


def snake(header):
    return header.lower().replace(" – ", "_").replace("-", "_").replace(" ", "_")


def may_read(redis):
    """Whether the mirror may read the sheet now (at most READS_PER_MINUTE in any 60 s)."""
    return bool(redis.eval(_ADMIT, 1, READS_KEY, 60_000, READS_PER_MINUTE, f"{time.time():.6f}"))


def remember_titles(redis, sheets):
    """Keep the workbook's tab titles (from a metadata read) for the refreshes that follow."""
    titles = {s["properties"]["title"]: s["properties"].get("sheetId") for s in sheets}
    redis.set(TITLES_KEY, json.dumps(titles))
    return titles


def _titles(redis, workbook, fresh=False):
    raw = None if fresh else redis.get(TITLES_KEY)
    if raw:
        return json.loads(raw)
    return remember_titles(redis, workbook.metadata()["sheets"])


def refresh(redis, workbook, open_other=None, *, settings=None, now=None, force=False):
    """Read the sheet into the mirror. Returns what it did, or None when the read budget said wait.

    `open_other(sheet_id)` gives a Workbook for a partner list kept in its own
    spreadsheet. Raises SheetsError when the sheet cannot be read; the mirror
    keeps what it had, and says so (`Mirror.state`).
    """
    if not force and not may_read(redis):
        return None
    try:
        return _refresh(redis, workbook, open_other, settings, now)
    except SheetsError as exc:
        note_unreachable(redis, exc)
        raise


def note_unreachable(redis, exc):
    """Whatever job failed to reach the sheet says so, for /healthz (a refresh that reads it says it is back)."""
    redis.hset(m.META, mapping={"ok": "0", "tried_at": datetime.now(timezone.utc).isoformat(), "detail": str(exc)})


def _refresh(redis, workbook, open_other, settings, now):
    caught_up = float(redis.get(CAUGHT_UP_KEY) or 0)  # read before the sheet: see _settle_overlays
    titles = _titles(redis, workbook)
    names = list(PAGE_TABS) + [t for t in titles if t.startswith(schema.LIST_PREFIX)]
    try:
        snap = workbook.snapshot(names, titles=list(titles))
    except SheetsUnavailable:
        raise
    except SheetsError:
        titles = _titles(redis, workbook, fresh=True)  # a tab was renamed or deleted since
        names = list(PAGE_TABS) + [t for t in titles if t.startswith(schema.LIST_PREFIX)]
        snap = workbook.snapshot(names, titles=list(titles))
    read_at = datetime.now(timezone.utc)
    now = now or read_at

    lists = {m.HOME: snap["Members"]}
    problems = list(snap.problems)
    for where in group_lists(snap["Groups"]):
        if where.sheet_id is None:
            if where.tab in snap.tabs:
                lists[where.group] = snap[where.tab]
        elif open_other is not None:
            try:
                other = open_other(where.sheet_id).snapshot(["Members"], titles=["Members"])
                lists[where.group] = other["Members"]
            except SheetsError as exc:
                problems.append(f"{where.group}'s list could not be read: {exc}")

    fills = sheet_fills.notice(redis, workbook, snap, now=now, base_url=settings.base_url if settings else "")
    groups = [_group(r, i == 0, fills) for i, r in enumerate(snap["Groups"].rows)]
    home = groups[0]["name"] if groups else None
    actions = [_action(r, home, fills) for r in snap["Actions"].rows]
    sponsors = {}
    for r in snap["Sponsors"].rows:
        sponsors.setdefault(r["Action"], []).append(_sponsor(r, fills))

    with redis.pipeline(transaction=True) as pipe:
        old_slugs = set(json.loads(redis.get(m.ACTIONS) or "[]"))
        for a in actions:
            pipe.set(m.action_key(a["slug"]), m.dumps(a))
            pipe.set(m.sponsors_key(a["slug"]), m.dumps(sponsors.get(a["slug"], [])))
        for slug in old_slugs - {a["slug"] for a in actions}:
            pipe.delete(m.action_key(slug), m.sponsors_key(slug))
        pipe.set(m.ACTIONS, json.dumps([a["slug"] for a in actions]))
        codes = {s["referrer_code"]: {"action": s["action"], "group": s["group"]}
                 for rows in sponsors.values() for s in rows if s["referrer_code"]}
        old_codes = {c.decode() for c in redis.smembers(CODES)}
        for code, where in codes.items():
            pipe.set(m.code_key(code), m.dumps(where))
        for code in old_codes - set(codes):
            pipe.delete(m.code_key(code))
            pipe.srem(CODES, code)
        if codes:
            pipe.sadd(CODES, *codes)
        pipe.set(m.GROUPS, m.dumps(groups))
        pipe.set(m.CO_LEADERS, m.dumps([_row(r) for r in snap["Co-leaders"].rows]))
        pipe.set(m.ALERTS, m.dumps([_row(r) for r in snap["Alerts"].rows]))
        pipe.set(m.COUNTS, m.dumps(_counts(snap["Members"], actions, groups, problems, now)))
        pipe.set(m.PREFIX + "problems", m.dumps([str(p) for p in problems]))
        pipe.execute()

    written = {name: _write_list(redis, name, tab) for name, tab in lists.items()}
    for gone in {n.decode() for n in redis.smembers(LIST_NAMES)} - set(lists):
        redis.delete(m.list_key(gone), m.PREFIX + f"digest:{gone}")
    redis.delete(LIST_NAMES)
    redis.sadd(LIST_NAMES, *lists)
    settled = {name: _settle_overlays(redis, name, tab, caught_up) for name, tab in lists.items()}
    redis.hset(m.META, mapping={"read_at": read_at.isoformat(), "tried_at": read_at.isoformat(), "ok": "1",
                                "detail": "", "home_group": home or ""})
    return {"actions": len(actions), "people": {n: len(t.rows) for n, t in lists.items()},
            "lists_rewritten": sum(1 for w in written.values() if w), "overlay_settled": sum(settled.values()),
            "filled": fills.count}


def _row(row):
    return {snake(k): v for k, v in row.values.items()}


def _group(row, is_home, fills):
    g = _row(row)
    g["slug"] = g.get("slug") or fills.group_slugs.get(row["Name"])
    g["home"] = is_home
    return g


def parse_questions(text):
    """The Questions cell: one per line; a trailing * makes one required."""
    questions = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        required = line.endswith("*")
        questions.append((line.rstrip("*").strip(), required))
    return [q for q in questions if q[0]]


def _action(row, home, fills):
    slug = row["Slug"]
    history = fills.mode_history.get(slug) or sheet_fills.parse_mode_history(row["Mode history"])
    return {"slug": slug, "title": row["Title"] or slug, "ask": row["Ask"] or "", "target": row["Target"],
            "status": row["Status"] or "Draft", "mode": row["Mode"] or "Share All",
            "original_sponsor": row["Original sponsor"] or home, "questions": parse_questions(row["Questions"]),
            "thank_you": row["Thank-you"], "sheet_signatures": row["Signatures"] or 0,
            "created": row["Created"] or fills.created.get(slug), "mode_history": history}


def _sponsor(row, fills):
    s = _row(row)
    filled = fills.sponsors.get((row["Action"], row["Group"]), {})
    for name in ("Joined at", "Referrer code", "Referrer link"):
        if not s.get(snake(name)) and name in filled:
            s[snake(name)] = filled[name]
    s["status"] = s.get("status") or "Invited"
    for name in ("total_activists", "new_to_list", "referrer", "owed", "shared"):
        s[name] = s.get(name) or 0
    return s


def _counts(members, actions, groups, problems, now):
    counts = {"members": 0, "subscribed": 0, "unsubscribed": 0, "by_ladder_stage": {}, "by_preferred_contact": {},
              "new_this_month": 0, "unsubscribes_this_month": 0}
    month = (now.year, now.month)
    for r in members.rows:
        counts["members"] += 1
        status = r["Status"]
        if status in ("subscribed", "unsubscribed"):
            counts[status] += 1
        for field, name in (("by_ladder_stage", "Ladder stage"), ("by_preferred_contact", "Preferred contact")):
            value = r[name] or "—"
            counts[field][value] = counts[field].get(value, 0) + 1
        joined = r["Joined"]
        if joined and (joined.year, joined.month) == month:
            counts["new_this_month"] += 1
        changed = r["Status changed"]
        if status == "unsubscribed" and changed and (changed.year, changed.month) == month:
            counts["unsubscribes_this_month"] += 1
    counts["actions"] = len(actions)
    counts["actions_live"] = sum(1 for a in actions if a["status"] == "Live")
    counts["groups"] = len(groups)
    counts["problems"] = len(problems)
    return counts


def _write_list(redis, name, tab):
    """Make the mirror's copy of one list equal the sheet's, touching only what changed."""
    people = {r["Email"]: m.dumps(_row(r)) for r in tab.rows}
    digest = hashlib.sha1("\n".join(f"{k}\t{v}" for k, v in sorted(people.items())).encode()).hexdigest()
    digest_key = m.PREFIX + f"digest:{name}"
    if (redis.get(digest_key) or b"").decode() == digest and redis.exists(m.list_key(name)) == int(bool(people)):
        return False  # unchanged since the last refresh: nothing to write
    key = m.list_key(name)
    old = {k.decode(): v.decode() for k, v in redis.hgetall(key).items()}
    changed = {k: v for k, v in people.items() if old.get(k) != v}
    with redis.pipeline(transaction=True) as pipe:
        gone = [k for k in old if k not in people]
        if gone:
            pipe.hdel(key, *gone)
        items = list(changed.items())
        for start in range(0, len(items), 10_000):
            pipe.hset(key, mapping=dict(items[start:start + 10_000]))
        pipe.set(digest_key, digest)
        pipe.execute()
    return True


def _settle_overlays(redis, name, tab, caught_up):
    """Drop the page-made changes this read already shows.

    An entry goes once the sheet has what it says, or once everything accepted
    up to its time was in the sheet before this read began (`caught_up`, set by
    the flush when nothing was waiting).
    """
    key = m.overlay_key(name)
    entries = redis.hgetall(key)
    if not entries:
        return 0
    rows = tab.by_key()
    settle = []
    for email, raw in entries.items():
        change = json.loads(raw)
        row = rows.get((email.decode(),))
        shown = row is not None and all(
            snake_get(row, field) == value for field, value in change.items() if field not in ("at", "new")
            and field in ("status",))
        if change.get("at", 0) <= caught_up or (row is not None and shown):
            settle += [email, raw]
    return redis.eval(_DROP_IF_SAME, 1, key, *settle) if settle else 0


def snake_get(row, field):
    for name, value in row.values.items():
        if snake(name) == field:
            return value
    return None

"""A manager's changes to actions and sponsors made on a page: through the outbox to the
sheet, and visible on the manager's pages at once.

The sheet stays the record: each change is a write plan (the manager's own
columns through `plan.edit`, as if typed in the sheet). Until the mirror has
read the change back, it is kept beside the mirror as *pending* and laid over
what the mirror says, so the page that made it shows it at once; a pending
change is dropped as soon as the mirror agrees (or after PENDING_SECONDS, when
the sheet has long had its say).
"""
import json
import re
import secrets
import unicodedata
from datetime import datetime, timezone

from services.outbox import Outbox
from services.plan import WritePlan

PENDING_SECONDS = 600
PENDING_ACTION = "actnet:manage:pending:action:{}"  # JSON of the action's changed fields
PENDING_SPONSORS = "actnet:manage:pending:sponsors:{}"  # hash group -> JSON of changed fields
PENDING_NEW = "actnet:manage:pending:new-actions"  # hash slug -> JSON of a new action

# The page's field names and the Actions tab's columns.
ACTION_COLUMNS = {"title": "Title", "ask": "Ask", "target": "Target", "status": "Status", "mode": "Mode",
                  "original_sponsor": "Original sponsor", "questions": "Questions", "thank_you": "Thank-you"}


def _now(now):
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def slug_for(title, taken):
    """The page address made from the title once (ASCII, lower case, hyphens), unique among `taken`."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "action"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def questions_from_text(text):
    """Questions as the sheet keeps them: one per line, a trailing * makes one required."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            out.append((line.rstrip("*").strip(), line.endswith("*")))
    return out


def questions_to_text(questions):
    return "\n".join(f"{q}{' *' if required else ''}" for q, required in questions or [])


def mode_history_line(mode, at):
    """One flip as Mode history keeps it (R4): the time, then the mode."""
    return f"{_iso(at)} {mode}"


def history_lines(history):
    """Mode history as lines, whether kept as the cell's text or as the mirror's [at, mode] pairs."""
    if not history:
        return []
    if isinstance(history, str):
        return [line.strip() for line in history.splitlines() if line.strip()]
    return [f"{at} {mode}" for at, mode in history]


def create_action(redis, fields, taken_slugs, home_group, now=None):
    """A new action row; returns its slug. `fields` uses ACTION_COLUMNS' keys."""
    now = _now(now)
    slug = slug_for(fields["title"], set(taken_slugs) | set(_pending_new(redis)))
    row = {column: fields.get(key) for key, column in ACTION_COLUMNS.items() if key != "questions"}
    row["Questions"] = fields.get("questions") or None
    row["Original sponsor"] = fields.get("original_sponsor") or home_group
    row.update({"Slug": slug, "Created": now, "Signatures": 0,
                "Mode history": mode_history_line(fields.get("mode") or "Share All", now)})
    plan = WritePlan()
    plan.append("Actions", row)
    Outbox(redis).put(plan)
    record = {"slug": slug, "title": fields["title"], "ask": fields["ask"], "target": fields.get("target"),
              "status": fields["status"], "mode": fields["mode"], "original_sponsor": row["Original sponsor"],
              "questions": questions_from_text(fields.get("questions")), "thank_you": fields.get("thank_you"),
              "signatures": 0, "created": _iso(now), "mode_history": [row["Mode history"].split(" ", 1)],
              "at": now.timestamp()}
    redis.hset(PENDING_NEW, slug, json.dumps(record))
    return slug


def edit_action(redis, action, fields, now=None):
    """Write the fields that changed; a change of Mode is added to Mode history with its time (R4)."""
    now = _now(now)
    changes = {}
    for key, column in ACTION_COLUMNS.items():
        if key not in fields:
            continue
        new = fields[key] or None
        old = action.get(key)
        if key == "questions":
            old = questions_to_text(old) or None
        if (new or None) != (old or None):
            changes[column] = new
    if not changes:
        return {}
    plan = WritePlan()
    manager_cells = dict(changes)
    history = None
    if "Mode" in changes:
        history = "\n".join(history_lines(action.get("mode_history")) + [mode_history_line(changes["Mode"], now)])
    plan.edit("Actions", (action["slug"],), **manager_cells)
    if history:
        plan.update("Actions", (action["slug"],), **{"Mode history": history})
    Outbox(redis).put(plan)
    pending = {key: fields[key] for key, column in ACTION_COLUMNS.items() if column in changes}
    if "questions" in pending:
        pending["questions"] = questions_from_text(pending["questions"])
    if history:
        pending["mode_history"] = [line.split(" ", 1) for line in history.splitlines()]  # as the mirror keeps it
    key = PENDING_ACTION.format(action["slug"])
    merged = json.loads(redis.get(key) or "{}")
    merged.update(pending)
    merged["at"] = now.timestamp()
    redis.set(key, json.dumps(merged), ex=PENDING_SECONDS)
    return changes


def _pending_new(redis):
    return {k.decode(): json.loads(v) for k, v in redis.hgetall(PENDING_NEW).items()}


def referrer_code(group_slug, taken):
    """A code that credits a group on one action: its slug and four random characters (R10)."""
    while True:
        code = f"{group_slug or 'group'}-{secrets.token_hex(2)}"
        if code not in taken:
            return code


def add_sponsor(redis, slug, group, group_slug, limit, taken_codes, now=None):
    """A group joins an action as an Active sponsor from now on (R3), with its own referrer code."""
    now = _now(now)
    code = referrer_code(group_slug, set(taken_codes))
    plan = WritePlan()
    plan.append("Sponsors", {"Action": slug, "Group": group, "Limit": limit, "Status": "Active",
                             "Joined at": now, "Referrer code": code})
    Outbox(redis).put(plan)
    _pend_sponsor(redis, slug, group, {"group": group, "limit": limit, "status": "Active", "joined_at": _iso(now),
                                       "referrer_code": code, "new": True}, now)
    return code


def set_sponsor(redis, slug, group, now=None, **fields):
    """A sponsor's Limit or Status (Removed, Active again) as the manager sets it."""
    now = _now(now)
    columns = {"limit": "Limit", "status": "Status"}
    plan = WritePlan()
    plan.edit("Sponsors", (slug, group), **{columns[k]: v for k, v in fields.items()})
    Outbox(redis).put(plan)
    _pend_sponsor(redis, slug, group, dict(fields), now)


def _pend_sponsor(redis, slug, group, changes, now):
    key = PENDING_SPONSORS.format(slug)
    merged = json.loads(redis.hget(key, group) or "{}")
    merged.update(changes)
    merged["at"] = now.timestamp()
    with redis.pipeline() as pipe:
        pipe.hset(key, group, json.dumps(merged))
        pipe.expire(key, PENDING_SECONDS)
        pipe.execute()


# --- reading: the mirror with what is pending laid over it ------------------------

def _fresh(entry, now):
    return now.timestamp() - entry.get("at", 0) < PENDING_SECONDS


def actions(redis, mirror, now=None):
    """Every action, the ones made on a page and not yet read back from the sheet included."""
    now = _now(now)
    listed = [action(redis, mirror, a["slug"], now, found=a) for a in mirror.actions()]
    known = {a["slug"] for a in listed}
    for slug, record in _pending_new(redis).items():
        if slug in known or not _fresh(record, now):
            redis.hdel(PENDING_NEW, slug)  # the mirror has it now (or the sheet never took it)
            continue
        listed.append(action(redis, mirror, slug, now, found=_as_action(record)))
    return listed


def _as_action(record):
    record = dict(record)
    record.pop("at", None)
    record["questions"] = [tuple(q) for q in record.get("questions") or []]
    return record


def action(redis, mirror, slug, now=None, found=None):
    """One action as the manager last left it, or None."""
    now = _now(now)
    found = found if found is not None else mirror.action(slug)
    if found is None:
        raw = redis.hget(PENDING_NEW, slug)
        found = _as_action(json.loads(raw)) if raw else None
    if found is None:
        return None
    found = dict(found)
    key = PENDING_ACTION.format(slug)
    raw = redis.get(key)
    if raw:
        pending = json.loads(raw)
        at = pending.pop("at", 0)
        if "questions" in pending:
            pending["questions"] = [tuple(q) for q in pending["questions"]]
        if all(found.get(k) == v for k, v in pending.items()) or now.timestamp() - at >= PENDING_SECONDS:
            redis.delete(key)
        else:
            found.update(pending)
    return found


def sponsors(redis, mirror, slug, now=None):
    """The action's sponsors, with the manager's pending changes laid over the mirror's rows."""
    now = _now(now)
    rows = {s["group"]: dict(s) for s in mirror.sponsors(slug)}
    key = PENDING_SPONSORS.format(slug)
    for raw_group, raw in redis.hgetall(key).items():
        group, pending = raw_group.decode(), json.loads(raw)
        at = pending.pop("at", 0)
        new = pending.pop("new", False)
        row = rows.get(group)
        if row is not None and all(row.get(k) == v for k, v in pending.items() if k != "joined_at"):
            redis.hdel(key, group)
            continue
        if now.timestamp() - at >= PENDING_SECONDS:
            redis.hdel(key, group)
            continue
        if row is None and new:
            rows[group] = {"total_activists": 0, "new_to_list": 0, "referrer": 0, "owed": 0, "shared": 0, **pending}
        elif row is not None:
            row.update({k: v for k, v in pending.items() if k != "joined_at"})
    return list(rows.values())

"""What a manager leaves for the app to fill in, noticed at each mirror refresh.

- a new Actions row without a Slug gets one, made from its Title, and Created;
- an Active Sponsors row without a Referrer code or Joined at gets them (and
  its Referrer link);
- a Groups row without a Slug gets one;
- a change of an action's Mode is recorded in Mode history with its time (R4).

Each value is proposed once and kept in Redis until the sheet has it, so a
refresh that runs again before the write lands proposes the same code and
the same time: a referrer link handed out is never replaced by another one.
Referrer codes carry ~40 random bits after the group's slug (`tacoma-k7q2m9xd`):
readable, and not guessable from a group's name and an action's slug.
"""
import dataclasses
import json
import re
import secrets
import time
import unicodedata
from datetime import datetime, timezone

from services import schema
from services.outbox import Outbox
from services.plan import WritePlan
from services.workbook import quote, read_tab

PROPOSALS = "actnet:fills"
REPUT_SECONDS = 300  # a fill not in the sheet after this long is put in the outbox again
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
MODES = {"Share All": "share_all", "Proportional": "proportional"}


@dataclasses.dataclass
class Fills:
    group_slugs: dict = dataclasses.field(default_factory=dict)  # name -> slug
    mode_history: dict = dataclasses.field(default_factory=dict)  # slug -> [[at, mode]]
    created: dict = dataclasses.field(default_factory=dict)  # slug -> datetime
    sponsors: dict = dataclasses.field(default_factory=dict)  # (action, group) -> {column: value}
    count: int = 0


def slugify(text, limit=48):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].strip("-")
    return slug or "action"


def unique(slug, taken):
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def new_code(group_slug):
    return f"{group_slug[:20]}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(8))}"


def format_mode_history(history):
    """One line per change: `2026-11-02T17:00:00Z Proportional`."""
    return "\n".join(f"{at} {mode}" for at, mode in history)


def parse_mode_history(text):
    history = []
    for line in (text or "").splitlines():
        at, _, mode = line.strip().partition(" ")
        mode = mode.strip()
        if not at or mode not in MODES:
            continue
        try:
            datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            continue
        history.append([at, mode])
    return history


def engine_mode_history(history, current_mode):
    """Mode history as the engine reads it (R4). Before the app has recorded
    anything, the action has been in its current mode all along."""
    if not history:
        return [{"at": "1970-01-01T00:00:00Z", "mode": MODES.get(current_mode or "Share All", "share_all")}]
    return [{"at": at, "mode": MODES[mode]} for at, mode in history]


def _stamp(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Proposals:
    def __init__(self, redis):
        self.redis = redis
        self.plan = WritePlan()
        self.now = time.time()

    def value(self, field, make):
        """The value proposed for `field` (made now if none was); and whether to (re)write it."""
        fresh = make()
        if self.redis.hsetnx(PROPOSALS, field, fresh):
            self.redis.hset(PROPOSALS, f"put:{field}", self.now)
            return fresh, True
        value = self.redis.hget(PROPOSALS, field).decode()
        if self.due(field):
            self.mark_put(field)
            return value, True
        return value, False

    def due(self, field):
        """Whether a value proposed earlier has waited long enough to be put in the outbox again."""
        return self.now - float(self.redis.hget(PROPOSALS, f"put:{field}") or 0) > REPUT_SECONDS

    def mark_put(self, field):
        self.redis.hset(PROPOSALS, f"put:{field}", self.now)


def _notice_mode(props, fills, row, now):
    """R4: each change of Mode goes into Mode history with the time the app first saw it.

    The history the app last wrote is kept in Redis too, so a flip noticed
    before the previous line reached the sheet extends it rather than losing it.
    """
    slug = row["Slug"]
    in_sheet = parse_mode_history(row["Mode history"])
    field = f"history:{slug}"
    kept = json.loads(props.redis.hget(PROPOSALS, field) or "[]")
    history = in_sheet if len(in_sheet) >= len(kept) else kept
    mode = row["Mode"] or "Share All"
    if not history:
        # An action nobody recorded yet has been in its mode since it was made.
        history = [[_stamp(row["Created"] or fills.created.get(slug) or now), mode]]
    elif history[-1][1] != mode:
        history = history + [[_stamp(now), mode]]
    if history == in_sheet:
        return
    fills.mode_history[slug] = history
    if history != kept or props.due(field):
        props.redis.hset(PROPOSALS, field, json.dumps(history))
        props.mark_put(field)
        props.plan.update("Actions", (slug,), **{"Mode history": format_mode_history(history)})


def notice(redis, workbook, snap, *, now, base_url=""):
    """Fill what the sheet leaves blank; returns the values, for the mirror to show at once."""
    fills = Fills()
    props = _Proposals(redis)
    taken_group_slugs = {r["Slug"] for r in snap["Groups"].rows if r["Slug"]}
    group_slug = {}
    for row in snap["Groups"].rows:
        slug = row["Slug"]
        if not slug and "Slug" in snap["Groups"].positions:
            slug, put = props.value(f"group-slug:{row['Name']}", lambda n=row["Name"]: unique(
                slugify(n, 24), taken_group_slugs))
            fills.group_slugs[row["Name"]] = slug
            if put:
                props.plan.update("Groups", (row["Name"],), Slug=slug)
        group_slug[row["Name"]] = slug or slugify(row["Name"], 24)

    actions = snap["Actions"]
    for row in actions.rows:
        slug = row["Slug"]
        if not row["Created"] and "Created" in actions.positions:
            created, put = props.value(f"created:{slug}", lambda: _stamp(now))
            fills.created[slug] = datetime.fromisoformat(created.replace("Z", "+00:00"))
            if put:
                props.plan.update("Actions", (slug,), Created=fills.created[slug])
        if "Mode history" in actions.positions and "Mode history" not in row.unreadable:
            _notice_mode(props, fills, row, now)

    for row in snap["Sponsors"].rows:
        if row["Status"] != "Active":
            continue
        action, group = row["Action"], row["Group"]
        filled, where = {}, f"{action}\t{group}"
        cells = {}
        if not row["Referrer code"]:
            code, put = props.value(f"code:{where}", lambda g=group: new_code(group_slug.get(g) or slugify(g, 20)))
            filled["Referrer code"] = code
            if put:
                cells["Referrer code"] = code
        if not row["Joined at"]:
            joined, put = props.value(f"joined:{where}", lambda: _stamp(now))
            filled["Joined at"] = datetime.fromisoformat(joined.replace("Z", "+00:00"))
            if put:
                cells["Joined at"] = filled["Joined at"]
        code = row["Referrer code"] or filled.get("Referrer code")
        link = f"{base_url}/a/{action}?ref={code}"
        if base_url and row["Referrer link"] != link and "Referrer link" in snap["Sponsors"].positions:
            filled["Referrer link"] = link
            if props.value(f"link:{where}:{link}", lambda: link)[1]:
                cells["Referrer link"] = link
        if filled:
            fills.sponsors[(action, group)] = filled
        if cells:
            props.plan.update("Sponsors", (action, group), **{k: v for k, v in cells.items()
                                                               if k in snap["Sponsors"].positions})
    if props.plan.updates:
        Outbox(redis).put(props.plan)
    fills.count = len(props.plan.updates)
    if any(p.tab == "Actions" and p.column == "Slug" for p in snap.problems):
        fills.count += fill_action_slugs(redis, workbook, now)
    return fills


def fill_action_slugs(redis, workbook, now):
    """Give each Actions row that has a Title but no Slug its Slug and Created.

    Such a row has no key yet, so no write plan can find it: it is found here
    by a fresh read of the Actions tab, right before the write, by its Title.
    Rare (a manager added an action in the sheet), so the extra read is too.
    """
    tab = schema.ACTIONS
    values = workbook.http.values_get(workbook.sheet_id, quote(tab.name), params={
        "valueRenderOption": "FORMATTED_VALUE"}).get("values", [])
    data = read_tab(tab, values, [])
    if "Slug" not in data.positions or "Title" not in data.positions:
        return 0
    taken = {r["Slug"] for r in data.rows}
    props = _Proposals(redis)
    seen, updates = {}, []
    from gspread.utils import rowcol_to_a1

    for number, raw in enumerate(values[1:], start=2):
        def cell(name, raw=raw):
            i = data.positions.get(name)
            return str(raw[i]).strip() if i is not None and i < len(raw) else ""

        title = cell("Title")
        if cell("Slug") or not title:
            continue
        seen[title] = seen.get(title, 0) + 1
        slug, _ = props.value(f"action-slug:{title}\t{seen[title]}", lambda t=title: unique(slugify(t), taken))
        updates.append({"range": f"{quote(tab.name)}!{rowcol_to_a1(number, data.positions['Slug'] + 1)}",
                        "values": [[slug]]})
        if "Created" in data.positions and not cell("Created"):
            updates.append({"range": f"{quote(tab.name)}!{rowcol_to_a1(number, data.positions['Created'] + 1)}",
                            "values": [[_stamp(now)]]})
    if updates:
        workbook.http.values_batch_update(workbook.sheet_id, {"valueInputOption": "RAW", "data": updates})
    return len(updates)

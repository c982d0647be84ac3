"""What a batch of accepted submissions changes in the sheet, as write plans. Pure: no I/O.

For each batch, from one snapshot of the workbook:
- a Submissions row per submission (the journal), keyed by its Id;
- the home group's Members (R1): a new person gets a row; a person who ticks
  the box after unsubscribing is subscribed again; an action never
  unsubscribes anyone (R8); the latest submission carries the data and the
  subscribe choice (Repeat submissions);
- Share All deliveries (R7–R9), decided by the sharing engine on the action's
  whole record (one implementation of the rules): a row on each additional
  sponsor's list with the submission's data (R6) and a Shares row of kind
  `delivery`, up to the sponsor's limit (R5);
- the figures derived from the journal (services/figures.py) for the people,
  actions and sponsors the batch touched.

A list in a partner's own spreadsheet gets its own plan (one per spreadsheet).
"""
import dataclasses
from datetime import datetime, timezone

from services import figures, modes, sharing
from services.network import written
from services.plan import WritePlan
from services.workbook import update_key

SOURCE = {"web": "web", "api": "api", "paper": "api"}  # R2: what came on paper is never shared


@dataclasses.dataclass
class Batch:
    home: WritePlan  # the workbook's own plan
    others: dict  # partner spreadsheet id -> WritePlan for its Members tab
    signers: dict  # action -> every distinct activist in the journal (to seed Redis)
    statuses: dict  # list tab -> {email: (Status, Status changed)} the plans write (services.network.StatusMemory)
    deliveries: int = 0
    problems: list = dataclasses.field(default_factory=list)


def _stamp(value):
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def submission_at(s):
    return datetime.fromisoformat(s["at"])


def submission_row(s):
    """The journal's row; user text is neutralised when it is written (schema.format_value)."""
    return {"Id": s["id"], "At": submission_at(s), "Action": s["action"], "Email": s["email"],
            "First name": s["first_name"] or None, "Last name": s["last_name"] or None, "ZIP": s["zip"] or None,
            "Referrer code": s["referrer_code"], "Source code": s["source_code"], "Subscribe": s["subscribe"],
            "Via": s["via"], "Answers": "\n".join(f"{q}: {a}" for q, a in s["answers"] if a) or None,
            "Shown to": ", ".join(s["shown_to"]) or None}


def person_row(s, subscribe, now, person_id):
    """A new row on a list, with the submission's data (R1, R6)."""
    answers = "\n".join(f"{q}: {a}" for q, a in s["answers"] if a)
    return {"Email": s["email"], "First name": s["first_name"] or None, "Last name": s["last_name"] or None,
            "ZIP": s["zip"] or None, "Status": "subscribed" if subscribe else "unsubscribed",
            "Status changed": now, "Source": f"action {s['action']}", "Joined": now.date(),
            "Notes": answers or None, "Id": person_id}


def _journal(snap, batch):
    """The journal as it will be once the batch is in: the figures' and the engine's input."""
    entries = [{"id": r["Id"], "email": r["Email"], "action": r["Action"], "at": r["At"],
                "subscribe": r["Subscribe"], "via": r["Via"] or "web", "referrer_code": r["Referrer code"]}
               for r in snap["Submissions"].rows]
    known = {e["id"] for e in entries}
    for s in batch:
        if s["id"] not in known:
            entries.append({"id": s["id"], "email": s["email"], "action": s["action"], "at": submission_at(s),
                            "subscribe": s["subscribe"], "via": s["via"], "referrer_code": s["referrer_code"]})
    return entries


def _find(tab_data, key):
    return tab_data.by_key().get(update_key(tab_data.tab, key)) if tab_data.present else None


def _join_list(plan, tab_name, tab_data, s, subscribe, now, new_id, statuses):
    """Put the activist on a list (R1/R7): a new row, or subscribed again if they ticked the box (R8).

    What Status it writes goes into `statuses` too, so the sheet check knows it for actnet's own.
    """
    row = _find(tab_data, (s["email"],)) if tab_data is not None else None
    if row is None:
        plan.append(tab_name, person_row(s, subscribe, now, new_id()))
        statuses.setdefault(tab_name, {})[s["email"]] = written("subscribed" if subscribe else "unsubscribed", now)
    elif subscribe and row["Status"] == "unsubscribed":
        plan.update(tab_name, (s["email"],), Status="subscribed", **{"Status changed": now})
        statuses.setdefault(tab_name, {})[s["email"]] = written("subscribed", now)


def prepare(snap, batch, *, lists, now, new_id, home_group=None):
    """Plans for a batch of accepted submissions (dicts made by intake.accept).

    `lists` maps a partner group's name to (spreadsheet id or None, tab name,
    TabData or None): where its list is and what it holds now.
    """
    batch = sorted(batch, key=submission_at)
    result = Batch(WritePlan(), {}, {}, {})
    journal = _journal(snap, batch)
    for s in batch:
        result.home.append("Submissions", submission_row(s))

    # R1: the home group receives everyone; the latest submission carries data and choice.
    latest = {}
    for s in batch:
        latest[s["email"]] = s
    for email, s in latest.items():
        _join_list(result.home, "Members", snap["Members"], s, s["subscribe"], now, new_id, result.statuses)

    touched_actions = {s["action"] for s in batch}
    signers = figures.signatures(journal)
    result.signers = {slug: signers.get(slug, set()) for slug in touched_actions}

    shares = figures.journal_shares(snap["Shares"])
    for slug in sorted(touched_actions):
        new = _deliver(result, snap, slug, journal, shares, lists, now, new_id, home_group)
        shares.extend(new)

    only = {"Members": set(latest), "Actions": touched_actions}
    figure_updates = figures.figure_plan(snap, submissions=journal, shares=shares, only=only)
    result.home.updates.extend(figure_updates.updates)
    return result


def _sponsors(snap, slug):
    out = []
    for row in snap["Sponsors"].rows:
        if row["Action"] != slug or row["Status"] != "Active" or row["Joined at"] is None:
            continue  # R3: a sponsor receives from when it joined; an Invited one receives nothing
        out.append({"group": row["Group"], "joined_at": _stamp(row["Joined at"]),
                    "referrer_code": row["Referrer code"], "limit": row["Limit"]})
    return out


def _deliver(result, snap, slug, journal, shares, lists, now, new_id, home_group):
    """R7–R9 for one action: ask the engine, then write what it delivers. Returns the new Shares rows."""
    action = _find(snap["Actions"], (slug,))
    sponsors = _sponsors(snap, slug)
    if action is None or not sponsors:
        return []
    original = action["Original sponsor"] or home_group
    sponsors = [s for s in sponsors if s["group"] != original]
    mine = [e for e in journal if e["action"] == slug and e["email"] and e["at"] is not None]
    activists = {e["email"] for e in mine}
    scenario_lists = {}
    for s in sponsors:
        where = lists.get(s["group"])
        data = where[2] if where else None
        if data is None or not data.present:
            continue
        entries = {}
        for row in data.rows:
            if row["Email"] in activists and row["Status"] in ("subscribed", "unsubscribed"):
                changed = row["Status changed"]
                entries[row["Email"]] = {"status": row["Status"], "changed_at": _stamp(changed) if changed else None}
        scenario_lists[s["group"]] = entries
    try:
        # R4: the mode in force when each was made; a flip not yet stamped is stamped now.
        stamped = modes.stamp(action["Mode history"], action["Mode"], action["Created"], now)
        history = modes.engine_history(stamped if stamped is not None else action["Mode history"])
    except modes.ModeHistoryProblem:
        result.problems.append(f"{slug}: Share All deliveries wait until its Mode history can be read")
        return []
    scenario = {
        "seed": 0, "original_sponsor": original, "mode_history": history,
        "sponsors": sponsors,
        "submissions": [{"activist": e["email"], "at": _stamp(e["at"]), "referrer_code": e["referrer_code"],
                         "subscribe": bool(e["subscribe"]), "source": SOURCE.get(e["via"], "api")} for e in mine],
        "lists": scenario_lists,
        "shares": [{"activist": s["email"], "group": s["group"], "at": _stamp(now)} for s in shares
                   if s["action"] == slug and s["kind"] == "share"],
        "deliveries": [{"activist": s["email"], "group": s["group"], "subscribed": True,
                        "new_to_list": bool(s["new_to_list"])} for s in shares
                       if s["action"] == slug and s["kind"] == "delivery"],
    }
    try:
        outcome = sharing.allocate(scenario)
    except sharing.ScenarioError as exc:
        # The engine's words may name a person; the log gets only where to look.
        where = str(exc).split(":", 1)[0].split(".", 1)[0]
        result.problems.append(f"{slug}: Share All deliveries wait: the engine could not read {where}")
        return []
    data_of = _submission_data(snap, result.home, slug)
    new_rows = []
    for d in outcome["deliveries"]:
        email, group = d["activist"], d["group"]
        where = lists.get(group)
        if where is None:
            result.problems.append(f"{group} has no list to deliver to")
            continue
        sheet_id, tab_name, data = where
        plan = result.home if sheet_id is None else result.others.setdefault(sheet_id, WritePlan())
        s = data_of.get(email) or {"email": email, "first_name": "", "last_name": "", "zip": "", "answers": [],
                                   "action": slug}
        _join_list(plan, tab_name, data, {**s, "action": slug}, d["subscribed"], now, new_id,
                   result.statuses if sheet_id is None else {})
        row = {"At": now, "Run": None, "Action": slug, "Email": email, "Group": group, "Kind": "delivery",
               "Subscribed": d["subscribed"], "New to list": d["new_to_list"], "Why": "R7 Share All"}
        result.home.append("Shares", row)
        new_rows.append({"action": slug, "email": email, "group": group, "kind": "delivery",
                         "new_to_list": d["new_to_list"]})
        result.deliveries += 1
    return new_rows


def _submission_data(snap, home, slug):
    """The latest data each activist gave this action (R6), the batch's included."""
    latest = {}
    rows = [r.values for r in snap["Submissions"].rows] + home.appends.get("Submissions", [])
    for r in rows:
        if r["Action"] != slug or not r.get("Email") or r.get("At") is None:
            continue
        if r["Email"] not in latest or r["At"] >= latest[r["Email"]]["At"]:
            latest[r["Email"]] = r
    return {email: {"email": email, "first_name": r.get("First name") or "", "last_name": r.get("Last name") or "",
                    "zip": r.get("ZIP") or "", "answers": _answers(r.get("Answers"))}
            for email, r in latest.items()}


def _answers(text):
    pairs = []
    for line in (text or "").splitlines():
        q, sep, a = line.partition(": ")
        if sep:
            pairs.append([q, a])
    return pairs


def list_tab_names(groups_tab):
    """Where each partner group's list is: name -> (spreadsheet id or None, tab name)."""
    from services.workbook import group_lists

    return {g.group: (g.sheet_id, g.tab) for g in group_lists(groups_tab)}


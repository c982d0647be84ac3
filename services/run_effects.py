"""What a sharing run writes, derived from the journal: list rows, Sponsors figures, Runs rows.

Pure: these functions build write plans from what was read and decided;
`services/runs.py` applies them in order (journal first).
"""
import collections
import dataclasses

from services import schema
from services.network import written
from services.plan import WritePlan
from services.run_record import REFERRAL, SHARE, latest_submissions
from services.schema import header_key

WHY_REFERRAL = "R11 its own referrer link"
INCOMPLETE = "incomplete"


@dataclasses.dataclass
class Decision:
    """What the engine decided for one action in this run."""
    slug: str
    result: dict  # the engine's output
    mode_history: str | None  # the stamped Mode history, if the run noticed a flip


def journal_rows(run_id, started, decisions, journal_keys):
    """The Shares rows this run adds (R13, R11): one per new share and referral, with why.

    `journal_keys` holds the (action, email, group, kind) keys already in
    Shares, so a share decided again after an interruption is not counted twice.
    """
    rows = []
    for d in decisions:
        # In the engine's order (R9): referrals first, then shares.
        made = [(r, REFERRAL, WHY_REFERRAL) for r in d.result["referrals"]]
        made += [(s, SHARE, s.get("why", "")) for s in d.result["shares"]]
        for item, kind, why in made:
            key = (header_key(d.slug), item["activist"], header_key(item["group"]), kind)
            if key in journal_keys:
                continue
            rows.append({"At": started, "Run": run_id, "Action": d.slug, "Email": item["activist"],
                         "Group": item["group"], "Kind": kind, "Subscribed": True, "New to list": True,
                         "Why": why})
    return rows


def journal_key(row):
    return (header_key(row["Action"]), row["Email"], header_key(row["Group"] or ""), header_key(row["Kind"] or ""))


@dataclasses.dataclass
class ListEffects:
    """What one spreadsheet's lists need so that they show the journal's shares and referrals."""
    plan: WritePlan
    resubscribed: dict  # tab -> {email: (Status, Status changed)} written, for the sheet check's memory
    runs: set  # the runs whose rows these effects complete


def list_effects(net, rows):
    """Plans (one per spreadsheet) that put each shared or referred activist on the group's list.

    Idempotent by construction: a person already on the list is left alone,
    unless they are unsubscribed since before the share (R14(d) allowed the
    re-add), and then only Status is set. Run twice, the second finds nothing.
    Returns ({sheet_id or None: ListEffects}, {run id: why its rows could not be applied}).
    """
    by_book = {}
    blocked = {}
    latest = {}
    added = collections.defaultdict(set)
    for row in rows:
        group = net.group(row["Group"])
        kind = header_key(row["Kind"] or "")
        if kind not in (SHARE, REFERRAL):
            continue
        run_id = row["Run"]
        if group not in net.lists:
            blocked[run_id] = f"{group}: {net.unreadable.get(group, 'its list was not read')}"
            continue
        place = net.places[group]
        effects = by_book.setdefault(place.sheet_id, ListEffects(WritePlan(), {}, set()))
        effects.runs.add(run_id)
        tab = net.lists[group]
        email = row["Email"]
        on_list = tab.by_key().get((schema.normalise_email(email),))  # a row key, as rows.row_key makes it
        at = row["At"]
        if on_list is None:
            if email in added[group]:
                continue
            added[group].add(email)
            slug = row["Action"]
            if slug not in latest:
                latest[slug] = latest_submissions(net, slug)
            effects.plan.append(place.tab, _new_list_row(email, kind, slug, at, latest[slug].get(email)))
        elif on_list["Status"] == "unsubscribed" and "Status" not in on_list.unreadable and (
                on_list["Status changed"] is None or on_list["Status changed"] < at):
            # R14(d): they left before taking the action, so the share may add them again.
            effects.plan.update(place.tab, (on_list["Email"],), Status="subscribed", **{"Status changed": at})
            effects.resubscribed.setdefault(place.tab, {})[on_list["Email"]] = written("subscribed", at)
    return by_book, blocked


def _new_list_row(email, kind, slug, at, submission):
    """A new list row with the submission's data (R6)."""
    values = {"Email": email, "Status": "subscribed", "Status changed": at, "Joined": at.date(),
              "Source": f"shared {slug}" if kind == SHARE else f"action {slug}"}
    if submission is not None:
        for column in ("First name", "Last name", "ZIP"):
            if submission[column]:
                values[column] = submission[column]
        if submission["Answers"]:
            values["Notes"] = f"{slug}: {submission['Answers']}"
    return values


def figures_plan(net, decisions, plan=None):
    """Sponsors' Referrer, Owed and Shared as the engine computed them from the journal
    (R10, R12, R13), written only where a cell differs; and each stamped Mode history (R4)."""
    plan = plan or WritePlan()
    for d in decisions:
        rows = {net.group(r["Group"]): r for r in net.sponsors.get(header_key(d.slug), [])}
        for s in d.result["sponsors"]:
            row = rows.get(s["group"])
            if row is None:
                continue
            cells = {name: s[field] for name, field in (("Referrer", "referrer"), ("Owed", "owed"),
                                                        ("Shared", "shared")) if row[name] != s[field]}
            if cells:
                plan.update(schema.SPONSORS.name, (row["Action"], row["Group"]), **cells)
        if d.mode_history is not None:
            plan.update(schema.ACTIONS.name, (d.slug,), **{"Mode history": d.mode_history})
    return plan


def pending_runs(net):
    """Runs whose journal rows may lack their effects: killed before they logged
    themselves in Runs, or logged as incomplete. Returns {run id: [Shares rows]}."""
    pending = collections.defaultdict(list)
    for rows in net.journal.values():
        for row in rows:
            run_id = row["Run"]
            if not run_id or header_key(row["Kind"] or "") not in (SHARE, REFERRAL):
                continue
            logged = net.runs.get(run_id)
            if logged is None or (logged["Outcome"] or "").startswith(INCOMPLETE):
                pending[run_id].append(row)
    return dict(pending)


def seed_of(run_id):
    """A run's id ends with its seed (R18), so even a run killed before it logged itself can be replayed."""
    tail = run_id.rpartition("-")[2]
    return int(tail) if tail.isdigit() else None


def earlier_run_rows(net, pending, blocked, finisher, finished_at):
    """Runs rows for earlier runs this run completed: a new row for one killed before it
    logged itself, an updated Outcome for one logged as incomplete."""
    plan = WritePlan()
    for run_id, rows in sorted(pending.items()):
        if run_id in blocked:
            outcome = f"{INCOMPLETE}: {blocked[run_id]}; the next run adds its shares to the list"
        else:
            outcome = f"ok (interrupted; completed by run {finisher})"
        logged = net.runs.get(run_id)
        if logged is not None:
            if logged["Outcome"] != outcome:
                plan.update(schema.RUNS.name, (run_id,), Outcome=outcome)
            continue
        kinds = collections.Counter(header_key(r["Kind"]) for r in rows)
        plan.append(schema.RUNS.name, {
            "Run": run_id, "Started": min((r["At"] for r in rows if r["At"]), default=None), "Finished": finished_at,
            "Seed": seed_of(run_id), "Shares": kinds[SHARE], "Referrals": kinds[REFERRAL],
            "Outcome": outcome})
    return plan

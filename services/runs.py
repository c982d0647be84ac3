"""The hourly sharing run: the engine at work on the real sheet, one at a time, crash-safe.

    run(workbook, redis, seed=None, action=None, trigger="manual") -> RunSummary
    preview(workbook, seed=None, action=None) -> Preview     (the dry run; writes nothing)

A run reads the sheet once (services/run_record), asks the engine about
every live action, and writes in this order, each step idempotent:

1. The journal: this run's new Shares rows (kind share or referral, with
   Why), all in one append, so they land all or not at all.
2. The effects, derived from the journal: each shared or referred activist
   on the group's list (a `List – NAME` tab or the list's own spreadsheet,
   one plan per spreadsheet), Sponsors' Referrer / Owed / Shared as the
   engine computes them from the journal, and a Mode flip it noticed.
3. Its Runs row, last: a journal row whose run has no Runs row (or one
   that says incomplete) may lack its effects, so the next run completes
   them before anything new.

The run's id ends with its seed (R18). Run again with the seed of a run that
was killed before it logged itself, a run *continues* that run: the same id
and time, the same decisions (same record, same seed), so the sheet ends as
one clean run would have left it (R20).
"""
import dataclasses
import secrets
import time
from datetime import datetime, timezone

from services import run_effects
from services.network import StatusMemory
from services.plan import WritePlan
from services.run_effects import Decision, INCOMPLETE, journal_key, pending_runs, seed_of
from services.run_record import DELIVERY, active_sponsors, engine_record, read_lists, read_workbook
from services.run_state import Progress, RunLock
from services.schema import header_key
from services.sharing import ScenarioError, allocate
from services.sheets import SheetsError, SheetsUnavailable

MAX_SEED = 999_999  # six digits: easy to read out and to type after --seed


class RunRefused(SheetsError):
    """A run asked for something the sheet doesn't have (an unknown action, say)."""


@dataclasses.dataclass
class RunSummary:
    run_id: str
    seed: int
    trigger: str
    started: datetime
    finished: datetime
    shares: int
    referrals: int
    deliveries: int
    outcome: str
    seconds: dict = dataclasses.field(default_factory=dict)  # read, engine, write: where the time went

    def as_dict(self):
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in dataclasses.asdict(self).items()}


def now_utc():
    return datetime.now(timezone.utc).replace(microsecond=0)


def draw_seed():
    return secrets.randbelow(MAX_SEED) + 1


def run_id_for(started, seed):
    return f"{started:%Y%m%d-%H%M%S}-{seed}"


# --- deciding (shared by the run and the dry run) ---------------------------

def actions_in_scope(net, only_action=None):
    """The actions a run looks at: the one asked for, or every Live one, and a Closed
    one whose last signatures came since the last finished run (so none is left unshared)."""
    if only_action is not None:
        action = net.action(only_action)
        if action is None:
            raise RunRefused(f"There is no action with the slug '{only_action}' in the Actions tab.")
        if action["Status"] == "Draft":
            raise RunRefused(f"The action '{action['Slug']}' is a Draft: it takes no signatures yet, "
                             f"so there is no one to share.")
        return [action]
    finished = [r["Started"] for r in net.runs.values()
                if r["Started"] and (r["Outcome"] or "").startswith("ok")]
    since = max(finished, default=None)
    scope = []
    for action in net.actions:
        if action["Status"] == "Live":
            scope.append(action)
        elif action["Status"] == "Closed":
            latest = max((s["At"] for s in net.submissions.get(header_key(action["Slug"]), []) if s["At"]),
                         default=None)
            if latest is not None and (since is None or latest >= since):
                scope.append(action)
    return scope


def decide(net, actions, seed, started, on_action=None):
    """Ask the engine about each action. Returns (decisions, notes in plain words)."""
    decisions, notes = [], []
    skipped = {}
    for done, action in enumerate(actions, start=1):
        ar = engine_record(net, action, seed, started)
        for group, why in ar.skipped.items():
            skipped.setdefault((group, why), []).append(ar.slug)
        if ar.why_not:
            notes.append(f"{ar.slug} skipped: {ar.why_not}")
        else:
            try:
                result = allocate(ar.record)
            except ScenarioError as exc:
                notes.append(f"{ar.slug} skipped: {exc}")
            else:
                decisions.append(Decision(ar.slug, result, ar.mode_history))
        if on_action:
            on_action(done)
    for (group, why), slugs in skipped.items():
        notes.append(f"{group} skipped on {', '.join(slugs)}: {why}")
    return decisions, notes


# --- the run ------------------------------------------------------------------

def run(workbook, redis, *, seed=None, action=None, trigger="manual", now=now_utc):
    """One sharing run, start to finish. Raises RunInProgress if another holds the lock,
    SheetsUnavailable if the sheet stops answering (the next run completes the work)."""
    began = now()
    progress = Progress(redis)
    with RunLock(redis, began):
        progress.start(trigger, began)
        try:
            return _run(workbook, redis, progress, seed, action, trigger, began, now)
        except SheetsUnavailable as exc:
            stopped = SheetsUnavailable("The sharing run stopped: the spreadsheet service did not answer. "
                                        "Nothing is lost: the next run finishes what this one began.")
            progress.fail(str(stopped))
            raise stopped from exc
        except SheetsError as exc:
            progress.fail(str(exc))
            raise


def _run(workbook, redis, progress, seed, action, trigger, began, now):
    clock = [time.perf_counter()]
    seconds = {}

    def lap(name):
        clock.append(time.perf_counter())
        seconds[name] = round(clock[-1] - clock[-2], 3)

    net = read_workbook(workbook)
    actions = actions_in_scope(net, action)
    pending = pending_runs(net)
    read_lists(workbook, net, active_sponsors(net, actions) | {net.group(r["Group"]) for rows in pending.values()
                                                               for r in rows})
    run_id, started = None, began
    if seed is not None:
        # Replaying the seed of a run killed before it logged itself: continue that run.
        for rid, rows in pending.items():
            if rid not in net.runs and seed_of(rid) == seed:
                run_id, started = rid, min((r["At"] for r in rows if r["At"]), default=began)
    seed = seed if seed is not None else draw_seed()
    run_id = run_id or run_id_for(started, seed)
    lap("read")
    progress.identify(run_id, seed, len(actions))
    decisions, notes = decide(net, actions, seed, started, on_action=progress.action_done)
    lap("engine")

    progress.phase("writing the journal")
    existing = {journal_key(r) for rows in net.journal.values() for r in rows}
    new_rows = run_effects.journal_rows(run_id, started, decisions, existing)
    if new_rows:
        plan = WritePlan()
        for row in new_rows:
            plan.append("Shares", row)
        workbook.apply(plan)  # one append: the journal lands whole or not at all

    progress.phase("writing the lists and figures")
    own = [r for rows in pending.values() for r in rows if r["Run"] == run_id]
    earlier = {rid: rows for rid, rows in pending.items() if rid != run_id}
    effect_rows = [r for rows in earlier.values() for r in rows] + own + new_rows
    blocked = _apply_effects(workbook, redis, net, decisions, effect_rows)

    progress.phase("logging the run")
    finished = now()
    mine = own + new_rows
    kinds = [header_key(r["Kind"]) for r in mine]
    if run_id in blocked:
        notes.insert(0, f"{INCOMPLETE}: {blocked[run_id]}; the next run adds these shares to the list")
    if earlier:
        notes.append(f"completed the interrupted run{'s' if len(earlier) > 1 else ''} {', '.join(sorted(earlier))}")
    if action is not None:
        notes.append(f"only the action {actions[0]['Slug']}")
    outcome = "; ".join(notes if run_id in blocked else ["ok"] + notes)
    summary = RunSummary(run_id, seed, trigger, started, finished, kinds.count("share"), kinds.count("referral"),
                         _deliveries_since_last_run(net, actions, started), outcome)
    log = run_effects.earlier_run_rows(net, earlier, blocked, run_id, finished)
    log.append("Runs", {"Run": run_id, "Started": started, "Finished": finished, "Trigger": trigger, "Seed": seed,
                        "Shares": summary.shares, "Deliveries": summary.deliveries,
                        "Referrals": summary.referrals, "Outcome": outcome})
    workbook.apply(log)
    lap("write")
    summary.seconds = seconds
    progress.finish(outcome, finished)
    return summary


def _apply_effects(workbook, redis, net, decisions, rows):
    """The journal's effects, one plan per spreadsheet (this workbook first, with the
    Sponsors figures). Returns {run id: why its rows could not all be applied}."""
    by_book, blocked = run_effects.list_effects(net, rows)
    main = by_book.pop(None, None) or run_effects.ListEffects(WritePlan(), {}, set())
    run_effects.figures_plan(net, decisions, main.plan)
    books = [(workbook, main)] + [(net.list_books[_group_in(net, sid)], eff) for sid, eff in by_book.items()]
    for book, effects in books:
        try:
            book.apply(effects.plan)
        except SheetsUnavailable:
            raise
        except SheetsError as exc:
            for run_id in effects.runs:
                blocked.setdefault(run_id, f"a list could not be written ({exc})")
            continue
        if book is workbook:
            for tab, statuses in effects.resubscribed.items():
                # Written by the app, so the sheet check won't take it for a manager's hand.
                StatusMemory(redis, tab).save(statuses)
    return blocked


def _group_in(net, sheet_id):
    return next(g for g, place in net.places.items() if place.sheet_id == sheet_id and g in net.list_books)


def _deliveries_since_last_run(net, actions, started):
    """Share All deliveries intake made since the last finished run, on these actions (R9)."""
    finished = [r["Started"] for r in net.runs.values()
                if r["Started"] and r["Started"] < started and (r["Outcome"] or "").startswith("ok")]
    since = max(finished, default=None)
    count = 0
    for action in actions:
        for row in net.journal.get(header_key(action["Slug"]), []):
            if header_key(row["Kind"] or "") == DELIVERY and row["At"] and row["At"] < started and (
                    since is None or row["At"] >= since):
                count += 1
    return count


# --- the dry run ---------------------------------------------------------------

@dataclasses.dataclass
class SponsorPreview:
    group: str
    referrer: int
    owed_before: int
    owed_after: int
    shared_after: int
    shares: list  # (email, why)
    referrals: list  # emails


@dataclasses.dataclass
class ActionPreview:
    slug: str
    title: str
    mode: str
    sponsors: list


@dataclasses.dataclass
class Preview:
    seed: int
    actions: list
    notes: list
    pending: dict  # earlier run id -> journal rows whose effects a real run checks first


def preview(workbook, *, seed=None, action=None, now=now_utc):
    """What a run would do now, and which rule decided each share; writes nothing.
    The same seed previews exactly what `run` with that seed then does (R18)."""
    started = now()
    net = read_workbook(workbook)
    actions = actions_in_scope(net, action)
    read_lists(workbook, net, active_sponsors(net, actions))
    seed = seed if seed is not None else draw_seed()
    decisions, notes = decide(net, actions, seed, started)
    titles = {header_key(a["Slug"]): a for a in actions}
    out = []
    for d in decisions:
        row = titles[header_key(d.slug)]
        sponsors = []
        for s in d.result["sponsors"]:
            shares = [(x["activist"], x.get("why", "")) for x in d.result["shares"] if x["group"] == s["group"]]
            referrals = [x["activist"] for x in d.result["referrals"] if x["group"] == s["group"]]
            sponsors.append(SponsorPreview(s["group"], s["referrer"], s["owed"] + len(shares), s["owed"],
                                           s["shared"], shares, referrals))
        out.append(ActionPreview(d.slug, row["Title"] or "", row["Mode"] or "Share All", sponsors))
    return Preview(seed, out, notes, {rid: len(rows) for rid, rows in pending_runs(net).items()})

"""Figures derived from the journal: computed, never counted.

Members' Actions taken and Last action, Actions' Signatures, Sponsors' Total
activists and New to list are functions of the Submissions and Shares tabs.
The app never adds one to a cell: it computes what the cell should hold and
writes it only where it differs. So a write that was lost, made twice, or
landed on the wrong row (a manager sorted at that moment) is put right by the
next computation, and a crash between writing a row and its figure leaves
nothing to repair by hand. Pure: no I/O.
"""
import collections

from services.plan import WritePlan
from services.schema import header_key


def member_figures(submissions):
    """email -> (actions taken: distinct actions, last action: the date of the latest submission)."""
    actions = collections.defaultdict(set)
    last = {}
    for s in submissions:
        email, at = s["email"], s["at"]
        if not email or not s["action"]:
            continue
        actions[email].add(s["action"])
        if at is not None and (email not in last or at > last[email]):
            last[email] = at
    return {email: (len(slugs), last[email].date() if email in last else None) for email, slugs in actions.items()}


def signatures(submissions):
    """action -> distinct activists who took it (spec/sharing.md, Repeat submissions)."""
    signers = collections.defaultdict(set)
    for s in submissions:
        if s["email"] and s["action"]:
            signers[s["action"]].add(s["email"])
    return signers


def sponsor_figures(shares):
    """(action, group) -> (Total activists, New to list): Share All deliveries, each pair once (R9)."""
    delivered = collections.defaultdict(dict)  # (action, group) -> email -> counted against the limit
    for s in shares:
        if s["kind"] != "delivery" or not s["email"]:
            continue
        pair = delivered[(header_key(s["action"] or ""), header_key(s["group"] or ""))]
        pair[s["email"]] = pair.get(s["email"], False) or bool(s["new_to_list"])
    return {pair: (len(people), sum(people.values())) for pair, people in delivered.items()}


def journal_submissions(tab):
    """The Submissions tab's rows in the shape the figures read."""
    return [{"id": r["Id"], "email": r["Email"], "action": r["Action"], "at": r["At"]} for r in tab.rows]


def journal_shares(tab):
    return [{"action": r["Action"], "email": r["Email"], "group": r["Group"], "kind": r["Kind"],
             "new_to_list": r["New to list"]} for r in tab.rows]


def _differs(row, name, want):
    """Whether the cell must be written: a blank figure means 0 (nobody did anything yet)."""
    if name in row.unreadable:
        return True
    have = row[name]
    if isinstance(want, int) and have is None:
        have = 0
    return have != want


def figure_plan(snap, submissions=None, shares=None, only=None):
    """A plan setting every derived figure that differs from what the journal says.

    `submissions` and `shares` default to the snapshot's journal tabs (the
    flush adds its new rows). `only` limits the rows looked at: a dict of tab ->
    set of keys (the flush's own people and actions), or None for all (the check).
    """
    submissions = journal_submissions(snap["Submissions"]) if submissions is None else submissions
    shares = journal_shares(snap["Shares"]) if shares is None else shares
    plan = WritePlan()
    if "Members" in snap.tabs and snap["Members"].present:
        figures = member_figures(submissions)
        seen = set()
        for row in snap["Members"].rows:
            email = row["Email"]
            seen.add(email)
            if only is not None and email not in only.get("Members", ()):
                continue
            taken, last = figures.get(email, (0, None))
            cells = {}
            if "Actions taken" in snap["Members"].positions and _differs(row, "Actions taken", taken):
                cells["Actions taken"] = taken
            if "Last action" in snap["Members"].positions and _differs(row, "Last action", last):
                cells["Last action"] = last
            if cells:
                plan.update("Members", (email,), **cells)
        for email in sorted(set(only.get("Members", ())) - seen if only is not None else ()):
            # A person the same plan adds: the figures go into the new row (Workbook.apply folds them in).
            taken, last = figures.get(email, (0, None))
            plan.update("Members", (email,), **{"Actions taken": taken, "Last action": last})
    if "Actions" in snap.tabs and snap["Actions"].present and "Signatures" in snap["Actions"].positions:
        signers = signatures(submissions)
        for row in snap["Actions"].rows:
            slug = row["Slug"]
            if only is not None and slug not in only.get("Actions", ()):
                continue
            want = len(signers.get(slug, ()))
            if _differs(row, "Signatures", want):
                plan.update("Actions", (slug,), Signatures=want)
    if "Sponsors" in snap.tabs and snap["Sponsors"].present:
        figures = sponsor_figures(shares)
        positions = snap["Sponsors"].positions
        for row in snap["Sponsors"].rows:
            pair = (row["Action"], row["Group"])
            if only is not None and row["Action"] not in only.get("Actions", ()):
                continue
            total, new = figures.get((header_key(pair[0]), header_key(pair[1])), (0, 0))
            cells = {name: want for name, want in (("Total activists", total), ("New to list", new))
                     if name in positions and _differs(row, name, want)}
            if cells:
                plan.update("Sponsors", pair, **cells)
    return plan

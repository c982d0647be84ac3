"""The people on the lists, and the sheet as managers leave it, checked between runs."""
import json
from datetime import datetime, timezone

from services import activity, figures, schema
from services.mirror import signers_key
from services.mirror_refresh import remember_titles
from services.outbox import Outbox
from services.plan import WritePlan
from services.workbook import problems_plan

STATUS_KEY = "actnet:status:{tab}"
MANAGED_TABS = ("Members", "Groups", "Actions", "Sponsors", "Alerts", "Co-leaders")
JOURNAL_TABS = ("Submissions", "Shares")
STATUS_CHANGED = schema.MEMBERS.column("Status changed")
SEEDED = "actnet:intake:signers-seeded"  # actions whose signers set holds the whole journal


class StatusMemory:
    """Each person's Status and Status changed on one list, as the sheet check last saw
    them or actnet last wrote them, in Redis.

    Without it a hand-typed "unsubscribed" could not be told from one the app
    wrote itself.
    """

    def __init__(self, redis, tab):
        self.redis = redis
        self.key = STATUS_KEY.format(tab=tab)

    def load(self):
        """email -> (Status, Status changed as the cell reads); the stamp is None when not known."""
        return {k.decode(): _remembered(v.decode()) for k, v in self.redis.hgetall(self.key).items()}

    def save(self, seen):
        """Remember email -> (Status, Status changed as the cell reads), as `written` or the check make them."""
        if seen:
            self.redis.hset(self.key, mapping={email: json.dumps(list(pair)) for email, pair in seen.items()})


def written(status, stamp):
    """What a list's row shows once actnet has written Status `status` with Status changed `stamp`."""
    return status, schema.format_value(STATUS_CHANGED, stamp)


def _remembered(text):
    if text.startswith("["):
        status, stamp = json.loads(text)
        return status, stamp
    return text, None  # kept before stamps were remembered


def notice_status_changes(tab_data, remembered, now):
    """Status rule (workbook.md): a Status that differs from the one actnet last
    wrote or saw was set by a manager; stamp Status changed and treat it as the
    person's own choice from then on.

    actnet writes Status only on an event (an unsubscribe, a re-subscribe by R8
    or R14(d), /join), always with a new Status changed, and tells this memory
    what it wrote. So a Status that differs from the memory while its Status
    changed does not was typed by hand, and is stamped now; one that arrived
    with a new stamp is actnet's own (written before the memory was told, or
    after a check read the old value) and is only remembered. An import that
    fills a blank Status writes no stamp, so that counts as the manager's hand.

    Pure: returns (plan, what to remember). A person seen for the first time is
    only remembered.
    """
    plan = WritePlan()
    seen = {}
    for row in tab_data.rows:
        if "Status" in row.unreadable:
            continue
        email, status = row["Email"], row["Status"] or ""
        stamp = str(row.raw.get("Status changed", ""))
        before = remembered.get(email)
        if before is not None and before[0] != status and before[1] in (None, stamp):
            plan.update(tab_data.tab.name, (email,), **{"Status changed": now})
            status, stamp = written(status, now)
        if before != (status, stamp):
            seen[email] = (status, stamp)
    return plan, seen


def check_sheet(workbook, redis, now=None):
    """Read what managers edit, list what cannot be read under Problems (rewritten
    only when the list changes) and stamp the Status changes made by hand.

    Also recomputes the figures derived from the journal (services/figures.py)
    and rewrites the cells that differ, so a lost or misdirected write heals.
    Two reads (the tab list; one batchGet of every managed tab, the journal and
    the partner lists kept here), then one plan, which writes nothing when
    nothing changed. Returns how many problems, hand-made Status changes and
    figures put right it found.
    """
    now = now or datetime.now(timezone.utc)
    sheets = workbook.metadata()["sheets"]
    titles = [s["properties"]["title"] for s in sheets]
    remember_titles(redis, sheets)  # the mirror's refreshes read by these titles
    partner_lists = [t for t in titles if t.startswith(schema.LIST_PREFIX)]
    journal = [t for t in JOURNAL_TABS if t in titles]
    snap = workbook.snapshot(list(MANAGED_TABS) + journal + partner_lists, titles=titles)
    # Without a Problems tab (sheets init not run yet) the problems are only returned.
    # Writes held for a fix, and what could not be written for good, are listed too.
    problems = snap.problems + Outbox(redis).problems()
    plan = problems_plan(problems) if "Problems" in titles else WritePlan()
    figures_fixed = 0
    if len(journal) == len(JOURNAL_TABS):
        # Derived figures: recomputed from the journal, written only where they differ.
        fixes = figures.figure_plan(snap)
        figures_fixed = sum(len(u.cells) for u in fixes.updates)
        plan.updates.extend(fixes.updates)
        journal = figures.journal_submissions(snap["Submissions"])
        seed_signers(redis, figures.signatures(journal))
        days = activity.first_signature_days(journal)
        with redis.pipeline(transaction=True) as pipe:
            activity.record(pipe, days, set(days) | {r["Slug"] for r in snap["Actions"].rows if r["Slug"]})
            pipe.execute()
    remember, stamped = [], 0
    for tab in ["Members"] + partner_lists:
        if snap[tab].present:
            memory = StatusMemory(redis, tab)
            stamps, seen = notice_status_changes(snap[tab], memory.load(), now)
            plan.updates.extend(stamps.updates)
            stamped += len(stamps.updates)
            remember.append((memory, seen))
    workbook.apply(plan)
    for memory, seen in remember:
        memory.save(seen)  # only after the stamps landed: a failed write is noticed again next time
    return {"problems": len(problems), "status_changes": stamped, "figures_fixed": figures_fixed}


def seed_signers(redis, signers):
    """Every activist in the journal counted among its action's signers in Redis (after a Redis loss, say)."""
    with redis.pipeline(transaction=False) as pipe:
        for slug, emails in signers.items():
            if emails:
                pipe.sadd(signers_key(slug), *emails)
                pipe.sadd(SEEDED, slug)
        pipe.execute()

"""What a sharing run reads: the workbook and the sponsors' lists, once, as engine records.

One metadata read and one `values:batchGet` of the workbook (every tab the
run needs, the `List – NAME` tabs included), then one `values:batchGet` per
sponsor's list kept in a spreadsheet of its own. The number of reads depends on how
the network is laid out, never on how many people signed.
"""
import collections
import dataclasses

from services import modes, schema
from services.schema import header_key
from services.sheets import SheetsError, SheetsUnavailable
from services.workbook import GroupList, Workbook, group_lists

MAIN_TABS = ("Groups", "Actions", "Sponsors", "Submissions", "Shares", "Runs")
SHARE, REFERRAL, DELIVERY = "share", "referral", "delivery"


@dataclasses.dataclass
class Network:
    """The sheet as one run sees it."""
    home: str  # the home group's name (Groups' first row)
    group_names: dict  # header_key(name) -> the name as Groups spells it
    places: dict  # group -> GroupList
    actions: list  # Actions rows with a Slug
    sponsors: dict  # header_key(slug) -> Sponsors rows
    submissions: dict  # header_key(slug) -> Submissions rows, in sheet order
    journal: dict  # header_key(slug) -> Shares rows, in sheet order
    runs: dict  # run id -> Runs row
    lists: dict = dataclasses.field(default_factory=dict)  # group -> TabData
    list_books: dict = dataclasses.field(default_factory=dict)  # group -> Workbook holding its list
    unreadable: dict = dataclasses.field(default_factory=dict)  # group -> why its list can't be used
    problems: list = dataclasses.field(default_factory=list)
    tabs_here: dict = dataclasses.field(default_factory=dict)  # header_key(title) -> `List – NAME` TabData
    _engine_lists: dict = dataclasses.field(default_factory=dict)

    def group(self, name):
        """The group's name as Groups spells it (Sponsors or Shares may differ in case or spaces)."""
        return self.group_names.get(header_key(name or ""), name)

    def action(self, slug):
        key = header_key(slug)
        return next((a for a in self.actions if header_key(a["Slug"]) == key), None)

    def engine_list(self, group):
        """A group's list in the engine's shape, built once per run."""
        if group not in self._engine_lists:
            entries = {}
            for row in self.lists[group].rows:
                if "Status" in row.unreadable:
                    continue  # listed under Problems; we can't tell if they are subscribed
                changed = row["Status changed"]
                # A row with no Status is someone a manager put on the list: subscribed.
                entries[row["Email"]] = {"status": row["Status"] or "subscribed",
                                         "changed_at": changed.isoformat() if changed else None}
            self._engine_lists[group] = entries
        return self._engine_lists[group]


def read_workbook(workbook):
    """The workbook's tabs a run needs, in one metadata read and one values:batchGet.

    Every `List – NAME` tab comes in the same batchGet; lists kept in their
    own spreadsheets are read by `read_lists`, for the groups that need them.
    """
    titles = [s["properties"]["title"] for s in workbook.metadata()["sheets"]]
    list_tabs = [t for t in titles if t.startswith(schema.LIST_PREFIX)]
    snap = workbook.snapshot(list(MAIN_TABS) + list_tabs, titles=titles)
    missing = [n for n in MAIN_TABS if not snap[n].present]
    if missing:
        raise SheetsError(f"The tab {missing[0]} is missing; run `flask sheets init` to add it back.")
    groups = snap["Groups"]
    if not groups.rows:
        raise SheetsError("The Groups tab is empty: its first row names the home group.")
    home = groups.rows[0]["Name"]
    net = Network(
        home=home,
        group_names={header_key(r["Name"]): r["Name"] for r in groups.rows},
        places={gl.group: gl for gl in group_lists(groups)} | {home: GroupList(home, None, schema.MEMBERS.name)},
        actions=list(snap["Actions"].rows),
        sponsors=_by_action(snap["Sponsors"].rows),
        submissions=_by_action(snap["Submissions"].rows),
        journal=_by_action(snap["Shares"].rows),
        runs={r["Run"]: r for r in snap["Runs"].rows},
        problems=list(snap.problems),
    )
    net.tabs_here = {header_key(t): snap[t] for t in list_tabs}
    return net


def active_sponsors(net, actions):
    """The groups that are Active sponsors of these actions."""
    groups = set()
    for action in actions:
        for row in net.sponsors.get(header_key(action["Slug"]), []):
            if row["Status"] == "Active" and row["Group"]:
                groups.add(net.group(row["Group"]))
    return groups


def read_lists(workbook, net, groups):
    """The lists of these groups: the `List – NAME` tabs already read, plus one
    values:batchGet per list in a spreadsheet of its own (and one of Members if
    the home group is a partner's sponsor). A list that can't be used is noted
    in `unreadable` with the reason; the run goes on without that group."""
    for g in sorted(groups - set(net.lists) - set(net.unreadable)):
        place = net.places.get(g)
        if place is None:
            net.unreadable[g] = "it is not in the Groups tab"
        elif place.sheet_id is not None:
            _read_own_spreadsheet(workbook, net, place)
        elif g == net.home:
            net.lists[g] = workbook.snapshot([schema.MEMBERS.name])[schema.MEMBERS.name]
            net.list_books[g] = workbook
        elif header_key(place.tab) in net.tabs_here:
            net.lists[g] = net.tabs_here[header_key(place.tab)]
            net.list_books[g] = workbook
        else:
            net.unreadable[g] = f"its list tab '{place.tab}' is missing; `flask sheets init` adds it"
        if g in net.lists and "Email" not in net.lists[g].positions:
            del net.lists[g]
            net.unreadable[g] = "its list has no Email header, so no one on it can be found"


def _read_own_spreadsheet(workbook, net, place):
    book = Workbook(workbook.client, place.sheet_id, retry=workbook.retry, account=workbook.account)
    try:
        tab = book.snapshot([schema.MEMBERS.name], titles=[schema.MEMBERS.name])[schema.MEMBERS.name]
    except SheetsUnavailable:
        raise
    except SheetsError as exc:
        net.unreadable[place.group] = f"its list spreadsheet could not be opened: {exc}"
        return
    net.lists[place.group] = tab
    net.list_books[place.group] = book


def _by_action(rows):
    by = collections.defaultdict(list)
    for row in rows:
        if row["Action"]:
            by[header_key(row["Action"])].append(row)
    return by


@dataclasses.dataclass
class ActionRecord:
    """One action's engine record, and what the run noticed while building it."""
    slug: str
    record: dict | None
    mode_history: str | None  # the Mode history cell to write, when the run stamped a flip
    skipped: dict  # group -> why it takes no part this run
    why_not: str | None = None  # why the whole action is left out


def engine_record(net, action, seed, now):
    """The engine's input for one action (spec/sharing.md, Engine contract)."""
    slug = action["Slug"]
    key = header_key(slug)
    try:
        stamped = modes.stamp(action["Mode history"], action["Mode"], action["Created"], now)
        history = modes.engine_history(stamped if stamped is not None else action["Mode history"])
    except modes.ModeHistoryProblem as exc:
        return ActionRecord(slug, None, None, {}, f"its Mode history can't be read: {exc}")
    original = net.group(action["Original sponsor"]) or net.home
    sponsors, skipped, taking_part = [], {}, set()
    for row in net.sponsors.get(key, []):
        group = net.group(row["Group"])
        if row["Status"] != "Active" or group is None or header_key(group) == header_key(original):
            continue  # Invited or Removed: not a sponsor yet, or no more (R3); the original gets all by intake (R1)
        if row["Joined at"] is None:
            skipped[group] = "it has no Joined at yet (filled in within minutes of becoming Active)"
            continue
        if group in net.unreadable:
            skipped[group] = net.unreadable[group]
            continue
        taking_part.add(group)
        sponsors.append({"group": group, "joined_at": row["Joined at"].isoformat(),
                         "referrer_code": row["Referrer code"], "limit": row["Limit"]})
    submissions = []
    for row in net.submissions.get(key, []):
        if row["At"] is None or row["Email"] is None:
            continue  # listed under Problems
        via = header_key(row["Via"] or "")
        submissions.append({"activist": row["Email"], "at": row["At"].isoformat(),
                            "referrer_code": row["Referrer code"], "subscribe": bool(row["Subscribe"]),
                            # R2: only the action page's signatures are shared; API and paper ones never.
                            "source": "web" if via == "web" else "api"})
    shares, deliveries = [], []
    for row in net.journal.get(key, []):
        kind, group = header_key(row["Kind"] or ""), net.group(row["Group"])
        if group not in taking_part:
            continue
        if kind == SHARE:
            shares.append({"activist": row["Email"], "group": group,
                           "at": (row["At"] or now).isoformat()})
        elif kind == DELIVERY:
            deliveries.append({"activist": row["Email"], "group": group, "subscribed": bool(row["Subscribed"]),
                               "new_to_list": bool(row["New to list"])})
    record = {"seed": seed, "original_sponsor": original, "mode_history": history, "sponsors": sponsors,
              "submissions": submissions, "lists": {g: net.engine_list(g) for g in taking_part},
              "shares": shares, "deliveries": deliveries}
    return ActionRecord(slug, record, stamped, skipped)


def latest_submissions(net, slug):
    """Each activist's latest submission on the action: it carries their data (R6)."""
    latest = {}
    for row in net.submissions.get(header_key(slug), []):
        if row["Email"] is None or row["At"] is None:
            continue
        seen = latest.get(row["Email"])
        if seen is None or row["At"] >= seen["At"]:
            latest[row["Email"]] = row
    return latest

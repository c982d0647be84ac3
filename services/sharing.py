"""The sharing engine: who each additional sponsor of one action receives (spec/sharing.md).

Pure: `allocate(record)` takes the record of one action and returns what is
new. No I/O, no clock, no global random state; the seed drives every choice
(R18). `python -m services.sharing < scenario.json > result.json` is the
command-line contract.

Shape of a run (R9): referrals (R11), then Share All deliveries (R7, R8),
then proportional shares (R13–R19), each step seeing the lists as the steps
before left them.

Beyond the contract's figures, each sponsor's entry also carries Share All's
`total_activists` (activists delivered, ever) and `new_to_list` (those of them
that counted against its limit), so the app need not derive them again.
"""
import bisect
import collections
import gc
import json
import random
import sys
from datetime import datetime

MODES = ("share_all", "proportional")
MAX_SPONSORS_PER_ACTIVIST = 4  # R15
INF = float("inf")


class ScenarioError(ValueError):
    """The record is not understood; the message says where and why."""


# --- reading the record -------------------------------------------------------

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


def normalise_email(value):
    return value.strip().lower()


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
        parse_time = datetime.fromisoformat
        for i, sub in enumerate(_list(record, "submissions")):
            try:
                email, at, code, subscribe, source = (sub["activist"], sub["at"], sub.get("referrer_code"),
                                                      sub["subscribe"], sub["source"])
                when = parse_time(at)
                key = email.strip().lower()
            except (KeyError, TypeError, AttributeError, ValueError):
                raise ScenarioError(_submission_problem(sub, i)) from None
            if when.tzinfo is None or source not in ("web", "api") or not key or not isinstance(subscribe, bool):
                raise ScenarioError(_submission_problem(sub, i))
            index = ids.get(key)
            if index is None:
                index = ids[key] = len(emails)
                emails.append(key)
            if code is not None:
                code = code.strip() or None if isinstance(code, str) else None
            subs.append((when.timestamp(), i, index, code, subscribe, source))
        if any(subs[i][0] > subs[i + 1][0] for i in range(len(subs) - 1)):
            subs.sort()  # by time, then input order (most records come already in order)
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
                    index = ids.get(email.strip().lower())
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


# --- the run ------------------------------------------------------------------

def allocate(scenario):
    """Run the rules on one action's record; return only what is new (the engine contract)."""
    # A large record is millions of small objects; the cyclic collector would
    # rescan them all as the run allocates, for nothing: a run makes no cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _allocate(scenario)
    finally:
        if collecting:
            gc.enable()


def _allocate(scenario):
    rec = Record(scenario)
    rng = random.Random(rec.seed)
    n_sponsors = len(rec.sponsors)
    subscribed = [{a for a, (status, _) in entries.items() if status == "subscribed"} for entries in rec.lists]
    unsubscribed_at = [{a: t for a, (status, t) in entries.items() if status == "unsubscribed"}
                       for entries in rec.lists]

    # What each activist did on this action, in one pass in time order.
    choice = {}  # activist -> subscribe choice of the latest submission
    codes_used = collections.defaultdict(set)  # activist -> sponsors whose code they used (R14(b))
    referred = [set() for _ in range(n_sponsors)]  # R10: web, exact code, either mode
    referred_in_proportional = [dict() for _ in range(n_sponsors)]  # R11, R12: activist -> latest time
    last_proportional = {}  # activist -> latest web submission in proportional mode
    share_all_first = []  # (time, activist) of web submissions in share_all mode, in order
    code_owner = rec.code_owner
    flips = list(zip(rec.flip_times, rec.flip_modes)) + [(INF, None)]
    mode, next_flip, flip = "share_all", flips[0][0], 0
    for at, _, activist, code, subscribe, source in rec.submissions:
        while at >= next_flip:  # R4: the mode in force when the submission was made
            mode = flips[flip][1]
            flip += 1
            next_flip = flips[flip][0]
        choice[activist] = subscribe
        if code is not None:
            owner = code_owner.get(code)
            if owner is not None:
                codes_used[activist].add(owner)
                if source == "web":
                    referred[owner].add(activist)
                    if mode == "proportional":
                        referred_in_proportional[owner][activist] = at
        if source != "web":
            continue  # R2
        if mode == "proportional":
            last_proportional[activist] = at
        else:
            share_all_first.append((at, activist))

    referrer = [len(r) for r in referred]
    owed_base = [sum(1 for a in referred_in_proportional[k] if choice[a]) for k in range(n_sponsors)]  # R12

    earlier_shares = [set() for _ in range(n_sponsors)]
    share_count = collections.Counter()
    for activist, k, _ in rec.shares:
        if activist not in earlier_shares[k]:
            earlier_shares[k].add(activist)
            share_count[activist] += 1
    delivered = [set() for _ in range(n_sponsors)]
    new_to_list = [0] * n_sponsors  # Share All's "New to list": deliveries that counted against the limit
    for activist, k, item in rec.deliveries:
        if activist not in delivered[k]:
            delivered[k].add(activist)
            if item.get("new_to_list"):
                new_to_list[k] += 1
    limit_used = [len(earlier_shares[k]) + new_to_list[k] for k in range(n_sponsors)]  # R5

    def limit_left(k):
        limit = rec.sponsors[k]["limit"]
        return INF if limit is None else max(0, limit - limit_used[k])

    def unsubscribed_since(k, activist, at):
        # R14(d): an unsubscribe at or after the action stands; one before it does not.
        t = unsubscribed_at[k].get(activist)
        return t is not None and t >= at

    # Step 1, R11: referred activists who said yes join the referrer's list directly.
    referrals = []
    for k, s in enumerate(rec.sponsors):
        for activist, at in sorted(referred_in_proportional[k].items()):
            if (choice[activist] and at >= s["joined_at"]
                    and activist not in subscribed[k] and not unsubscribed_since(k, activist, at)):
                referrals.append((activist, k))
                subscribed[k].add(activist)

    # Step 2, R7–R9: Share All deliveries, promptly, once per pair, in submission order.
    deliveries = []
    new_delivered = [set() for _ in range(n_sponsors)]
    for at, activist in share_all_first:
        for k, s in enumerate(rec.sponsors):
            if at < s["joined_at"] or activist in delivered[k]:
                continue  # R3, R9
            yes = choice[activist]
            # Decision: only a subscription the sponsor did not have counts against
            # its limit (R5); an unsubscribed delivery adds no one to its list.
            new = yes and activist not in subscribed[k]
            if new and limit_left(k) <= 0:
                continue  # R5: stays undelivered; a raised limit lets a later run deliver it
            deliveries.append((activist, k, yes, new))
            delivered[k].add(activist)
            new_delivered[k].add(activist)
            if new:
                limit_used[k] += 1
                new_to_list[k] += 1
            if yes:
                subscribed[k].add(activist)  # R8: never unsubscribes anyone

    # Step 3, R13–R19: proportional shares.
    want = [0] * n_sponsors
    for k in range(n_sponsors):
        owed = max(0, owed_base[k] - len(earlier_shares[k]))
        left = limit_left(k)
        want[k] = int(min(owed, left))

    def eligible(activist, k):
        at = last_proportional.get(activist)
        return (at is not None and choice[activist]  # R14(a)
                and at >= rec.sponsors[k]["joined_at"]  # R3
                and k not in codes_used.get(activist, ())  # R14(b)
                and activist not in subscribed[k]  # R14(c)
                and not unsubscribed_since(k, activist, at)  # R14(d)
                and activist not in earlier_shares[k]  # R14(f)
                and activist not in new_delivered[k])  # R14(f)

    new_shares = _match(rec, rng, want, share_count, eligible, last_proportional, choice)

    # Figures after the run (R10, R12, R13).
    shared_total = [len(earlier_shares[k]) + len(new_shares[k]) for k in range(n_sponsors)]
    return {
        "seed": rec.seed,
        "shares": [{"activist": rec.emails[a], "group": rec.sponsors[k]["group"]}
                   for k in range(n_sponsors) for a in sorted(new_shares[k], key=rec.emails.__getitem__)],
        "deliveries": [{"activist": rec.emails[a], "group": rec.sponsors[k]["group"], "subscribed": yes,
                        "new_to_list": new} for a, k, yes, new in deliveries],
        "referrals": [{"activist": rec.emails[a], "group": rec.sponsors[k]["group"]} for a, k in referrals],
        "sponsors": [{"group": s["group"], "referrer": referrer[k],
                      "owed": max(0, owed_base[k] - shared_total[k]), "shared": shared_total[k],
                      "total_activists": len(delivered[k]), "new_to_list": new_to_list[k]}
                     for k, s in enumerate(rec.sponsors)],
    }


def _match(rec, rng, want, share_count, eligible, last_proportional, choice):
    """Give each sponsor up to `want` eligible activists: maximum total (R19),
    least-shared first (R16), ties and contention drawn by lot (R17).

    Greedy water-filling over activists bucketed by share count, then
    augmenting paths until none is left (a maximum b-matching), then swaps
    that keep the size and settle R16 exactly.
    """
    pool = [a for a, at in last_proportional.items()
            if choice[a] and share_count.get(a, 0) < MAX_SPONSORS_PER_ACTIVIST]  # R14(a), R14(e)
    pool.sort()
    rng.shuffle(pool)  # R17: order among equals is drawn by lot
    m = _Matching(rec, want, share_count, eligible, last_proportional, pool)
    order = list(range(len(rec.sponsors)))
    rng.shuffle(order)  # R17: which sponsor draws first is by lot
    # Round-robin, one activist per sponsor per turn, so no sponsor drains a level first.
    active = [k for k in order if want[k] > 0]
    while active:
        still = []
        for k in active:
            a = m.candidate(k, pop=True)
            if a is not None:
                m.give(k, a)
                if len(m.taken[k]) < want[k]:
                    still.append(k)
        active = still
    m.augment()
    m.settle_least_shared()
    return m.taken


class _Matching:
    """Shares being made in one run, with activists queued by share count.

    Queues are split by the sponsors' join times (R3) so a sponsor that joined
    late never wades through activists it can't have. An activist sits in the
    queue of its current count; stale entries (the count moved on) are dropped
    when met.
    """

    def __init__(self, rec, want, share_count, eligible, last_proportional, pool):
        self.n = len(rec.sponsors)
        self.want = want
        self.eligible = eligible
        self.taken = [set() for _ in range(self.n)]
        self.count = dict(share_count)
        joins = sorted({s["joined_at"] for s in rec.sponsors})
        self.first_segment = [joins.index(s["joined_at"]) for s in rec.sponsors]
        self.segments = len(joins)
        self.segment = {}
        self.queues = [[collections.deque() for _ in joins] for _ in range(MAX_SPONSORS_PER_ACTIVIST)]
        for a in pool:
            seg = bisect.bisect_right(joins, last_proportional[a]) - 1
            if seg < 0:
                continue  # acted before any sponsor joined (R3)
            self.segment[a] = seg
            self.queues[self.count.get(a, 0)][seg].append(a)

    def give(self, k, a):
        self.taken[k].add(a)
        self.count[a] = self.count.get(a, 0) + 1
        if self.count[a] < MAX_SPONSORS_PER_ACTIVIST:
            self.queues[self.count[a]][self.segment[a]].append(a)

    def take_back(self, k, a):
        self.taken[k].discard(a)
        self.count[a] -= 1
        self.queues[self.count[a]][self.segment[a]].appendleft(a)

    def candidate(self, k, pop):
        """The least-shared activist eligible for k that k has not taken, or None."""
        return self.lowest(k, pop)[1]

    def lowest(self, k, pop):
        for level, by_segment in enumerate(self.queues):
            for seg in range(self.first_segment[k], self.segments):
                queue = by_segment[seg]
                skipped = []
                found = None
                while queue:
                    a = queue.popleft()
                    if self.count.get(a, 0) != level:
                        continue  # stale
                    if a not in self.taken[k] and self.eligible(a, k):
                        found = a
                        break
                    skipped.append(a)
                if found is not None and not pop:
                    skipped.append(found)
                queue.extendleft(reversed(skipped))
                if found is not None:
                    return level, found
        return None, None

    def augment(self):
        """R19: while a sponsor is short, shift activists along an augmenting path.

        After the greedy pass a short sponsor's eligible activists are all
        taken by it or full. A path runs: short sponsor S → full activist A
        eligible for S → a sponsor S' that took A in this run → … → a sponsor
        with a free eligible activist. Shifting along it gives S one more and
        nobody one less.
        """
        while True:
            holders = self._full_holders()
            if not holders:
                return
            improved = False
            for start in range(self.n):
                if len(self.taken[start]) < self.want[start]:
                    path = self._path(start, holders)
                    if path is not None:
                        self._shift(path)
                        improved = True
                        break  # holders changed; look again
            if not improved:
                return

    def _full_holders(self):
        holders = collections.defaultdict(list)
        for k in range(self.n):
            for a in self.taken[k]:
                if self.count[a] >= MAX_SPONSORS_PER_ACTIVIST:
                    holders[a].append(k)
        return holders

    def _path(self, start, holders):
        parent = {start: None}  # sponsor -> (sponsor that takes its activist, that activist)
        frontier = collections.deque([start])
        while frontier:
            k = frontier.popleft()
            if k != start:
                a = self.candidate(k, pop=False)
                if a is not None:
                    path = [(k, a)]
                    while parent[k] is not None:
                        prev, moved = parent[k]
                        path.append((prev, moved))
                        k = prev
                    return path
            for a, owners in holders.items():
                if a in self.taken[k] or not self.eligible(a, k):
                    continue
                for other in owners:
                    if other not in parent:
                        parent[other] = (k, a)
                        frontier.append(other)
        return None

    def _shift(self, path):
        # path[0]: (sponsor at the end, the free activist it takes);
        # path[i]: (sponsor that takes `moved` from the sponsor of path[i-1]).
        end, free = path[0]
        giver = end
        for k, moved in path[1:]:
            self.take_back(giver, moved)
            self.give(k, moved)
            giver = k
        self.give(end, free)

    def settle_least_shared(self):
        """R16: swap until no sponsor holds an activist shared 2+ more times than
        an eligible one it could have instead. Each swap lowers the sum of
        squared counts, so this ends; sizes stay, so R19 still holds."""
        changed = True
        while changed:
            changed = False
            for k in range(self.n):
                while self.taken[k]:
                    level, b = self.lowest(k, pop=False)
                    if b is None:
                        break
                    a = max(self.taken[k], key=lambda x: (self.count[x], x))
                    if self.count[a] - level < 2:
                        break
                    self.take_back(k, a)
                    self.give(k, b)
                    changed = True


def main(argv=None):
    try:
        scenario = json.load(sys.stdin)
    except ValueError as exc:
        print(f"sharing: the input is not valid JSON ({exc})", file=sys.stderr)
        return 2
    try:
        result = allocate(scenario)
    except ScenarioError as exc:
        print(f"sharing: {exc}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

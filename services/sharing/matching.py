"""The proportional allocation (R13–R19): a maximum b-matching of activists to sponsors,
least-shared first, drawn by lot under contention."""
import bisect
import collections

MAX_SPONSORS_PER_ACTIVIST = 4  # R15


def match(rec, rng, want, share_count, eligible, last_proportional, choice):
    """Give each sponsor up to `want` eligible activists: maximum total (R19),
    least-shared first (R16), ties and contention drawn by lot (R17).

    Greedy water-filling over activists bucketed by share count, then
    augmenting paths until none is left (a maximum b-matching), then swaps
    that keep the size and settle R16 exactly.
    """
    pool = [a for a, at in last_proportional.items()
            if choice[a] and share_count.get(a, 0) < MAX_SPONSORS_PER_ACTIVIST]  # R14(a), R14(e)
    rng.shuffle(pool)  # R17: order among equals is drawn by lot (from input order, so replayable)
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

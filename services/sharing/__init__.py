"""The sharing engine: who each additional sponsor of one action receives (spec/sharing.md).

Pure: `allocate(record)` takes the record of one action and returns what is
new. No I/O, no clock, no global random state; the seed drives every choice
(R18). `python -m services.sharing < scenario.json > result.json` is the
command-line contract.

Shape of a run (R9): referrals (R11), then Share All deliveries (R7, R8),
then proportional shares (R13–R19), each step seeing the lists as the steps
before left them.

Beyond the contract, each sponsor's entry also carries Share All's
`total_activists` (activists delivered, ever) and `new_to_list` (those of them
that counted against its limit), so the app need not derive them again; and
each share says `why` it was made, for the Shares tab's audit trail.
"""
import collections
import gc
import random

from services.sharing.matching import MAX_SPONSORS_PER_ACTIVIST, match
from services.sharing.record import INF, Record, ScenarioError, normalise_email

__all__ = ["allocate", "ScenarioError", "normalise_email"]


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
    flips = list(zip(rec.flip_times, rec.flip_modes, strict=True)) + [(INF, None)]
    mode, next_flip, flip = "share_all", flips[0][0], 0
    for at, activist, code, subscribe, source in rec.submissions:
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
        for activist, at in referred_in_proportional[k].items():  # in submission order
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

    new_shares = match(rec, rng, want, share_count, eligible, last_proportional, choice)
    drawn = _drawn_by_lot(new_shares, share_count, want, eligible)

    # Figures after the run (R10, R12, R13).
    shared_total = [len(earlier_shares[k]) + len(new_shares[k]) for k in range(n_sponsors)]
    return {
        "seed": rec.seed,
        "shares": [{"activist": rec.emails[a], "group": rec.sponsors[k]["group"],
                    "why": "R17 drawn by lot" if a in drawn else "R16 least-shared"}
                   for k in range(n_sponsors) for a in sorted(new_shares[k], key=rec.emails.__getitem__)],
        "deliveries": [{"activist": rec.emails[a], "group": rec.sponsors[k]["group"], "subscribed": yes,
                        "new_to_list": new} for a, k, yes, new in deliveries],
        "referrals": [{"activist": rec.emails[a], "group": rec.sponsors[k]["group"]} for a, k in referrals],
        "sponsors": [{"group": s["group"], "referrer": referrer[k],
                      "owed": max(0, owed_base[k] - shared_total[k]), "shared": shared_total[k],
                      "total_activists": len(delivered[k]), "new_to_list": new_to_list[k]}
                     for k, s in enumerate(rec.sponsors)],
    }


def _drawn_by_lot(new_shares, share_count, want, eligible):
    """Activists some sponsor wanted but could not have because their four
    slots went to others (R15): who got them was drawn by lot (R17)."""
    counts = collections.Counter(share_count)
    for taken in new_shares:
        counts.update(taken)
    short = [k for k, taken in enumerate(new_shares) if len(taken) < want[k]]
    drawn = set()
    for taken in new_shares:
        for a in taken:
            if counts[a] >= MAX_SPONSORS_PER_ACTIVIST and any(a not in new_shares[j] and eligible(a, j) for j in short):
                drawn.add(a)
    return drawn

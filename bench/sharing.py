"""How fast the sharing engine allocates one large action.

    python bench/sharing.py [--submissions 1000000] [--sponsors 50] [--referred 0.3] [--overlap 0.2]

Generates a proportional-mode action (seeded, so runs compare), writes it as
JSON, then prints the time to load that JSON, the time to allocate, the peak
memory of the process, and the shares made. Each sponsor's list holds
submissions/sponsors people, `overlap` of whom also took this action.
"""
import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.sharing import allocate  # noqa: E402


def generate(n_submissions, n_sponsors, referred, overlap, seed=1):
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    stamp = lambda s: (start + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    groups = [f"group{i:02d}" for i in range(n_sponsors)]
    sponsors = [{"group": g, "joined_at": stamp(0 if i % 10 else 86400 * 3), "referrer_code": f"{g}-{i:04x}",
                 "limit": None if i % 7 else 5000} for i, g in enumerate(groups)]
    n_people = int(n_submissions * 0.9)  # some take the action twice
    submissions = []
    for i in range(n_submissions):
        person = rng.randrange(n_people)
        code = sponsors[rng.randrange(n_sponsors)]["referrer_code"] if rng.random() < referred else None
        submissions.append({"activist": f"person{person}@example.org", "at": stamp(60 + i * 2),
                            "referrer_code": code, "subscribe": rng.random() < 0.85,
                            "source": "web" if rng.random() < 0.97 else "api"})
    list_size = n_submissions // n_sponsors
    lists = {}
    for g in groups:
        members = {}
        for j in range(list_size):
            if rng.random() < overlap:
                email = f"person{rng.randrange(n_people)}@example.org"
            else:
                email = f"{g}-member{j}@example.org"
            members[email] = {"status": "subscribed" if rng.random() < 0.9 else "unsubscribed",
                              "changed_at": stamp(rng.randrange(0, 2 * n_submissions))}
        lists[g] = members
    return {"seed": seed, "original_sponsor": "home",
            "mode_history": [{"at": stamp(0), "mode": "proportional"}],
            "sponsors": sponsors, "submissions": submissions, "lists": lists, "shares": [], "deliveries": []}


def measure(path, label):
    """In a fresh process: load the JSON, allocate, print the figures."""
    began = time.perf_counter()
    with open(path) as f:
        record = json.load(f)
    loaded = time.perf_counter()
    # The same load with the cyclic GC off, as allocate() runs: the fairer baseline.
    del record
    gc.disable()
    began_quiet = time.perf_counter()
    with open(path) as f:
        record = json.load(f)
    loaded_quiet = time.perf_counter()
    gc.enable()
    runs = []
    for _ in range(3):  # the machine is shared: the first run, then the middle of three
        started = time.perf_counter()
        result = allocate(record)
        runs.append(time.perf_counter() - started)
        if len(runs) == 1:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        del result
    first = runs[0]
    runs.sort()
    result = allocate(record)
    owed = sum(s["owed"] for s in result["sponsors"])
    print(f"scenario            {label} ({Path(path).stat().st_size / 1e6:,.0f} MB of JSON)")
    load, quiet = loaded - began, loaded_quiet - began_quiet
    print(f"load (json.load)    {load:6.2f} s   (cyclic GC off: {quiet:.2f} s)")
    print(f"allocate            {first:6.2f} s   first run: {first / load:.2f}x load, {first / quiet:.2f}x load with GC off")
    print(f"                    {runs[1]:6.2f} s   median of 3 (best {runs[0]:.2f} s)")
    print(f"peak memory         {peak:,.0f} MiB (whole process after the first run: the loaded record and the run)")
    print(f"shares made         {len(result['shares']):,}   referrals {len(result['referrals']):,}   "
          f"still owed {owed:,}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=1_000_000)
    parser.add_argument("--sponsors", type=int, default=50)
    parser.add_argument("--referred", type=float, default=0.3)
    parser.add_argument("--overlap", type=float, default=0.2)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--label", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.measure, args.label)

    label = (f"{args.submissions:,} submissions, {args.sponsors} sponsors, {args.referred:.0%} referred, "
             f"lists overlapping {args.overlap:.0%}")
    cache = Path(__file__).resolve().parent.parent / "var" / "bench"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"sharing-{args.submissions}-{args.sponsors}-{args.referred}-{args.overlap}.json"
    if not path.exists():
        with open(path, "w") as f:
            json.dump(generate(args.submissions, args.sponsors, args.referred, args.overlap), f)
    # Measured in a child so the generator's memory is not counted.
    subprocess.run([sys.executable, __file__, "--measure", str(path), "--label", label], check=True)


if __name__ == "__main__":
    main()

"""The hourly sharing run against localsheets with Google's latency, at growing sizes.

    python bench/run.py [--sizes 1000,10000,100000] [--latency-ms 300] [--actions 20] [--list-size 5000]

For each size: a network of `--actions` live Proportional actions with 5
sponsors each (10 partner groups, two of them keeping their list in a
spreadsheet of their own, lists of `--list-size` people, a fifth of whom
also signed), and that many submissions spread over the actions. Then two
runs: the first, which has every share to make, and an hourly one after 1%
more signatures came in. Prints the wall time split into read, engine and
write; how much of it was spent inside API calls (the latency, and
localsheets' own work: it rewrites a whole spreadsheet on every write,
which Google does not); and the API calls by method (from localsheets'
request log), which must not grow with the submissions.
"""
import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_parts import admin, api_log, localsheets, redis_server  # noqa: E402
from services import runs, schema, worker_queue  # noqa: E402
from services.config import Settings  # noqa: E402
from services.plan import WritePlan  # noqa: E402
from services.sheet_setup import init_workbook  # noqa: E402
from services.sheets import RetryPolicy  # noqa: E402
from services.workbook import Workbook  # noqa: E402

T0 = datetime(2026, 9, 1, tzinfo=timezone.utc)
GROUPS = [f"Partner {chr(65 + i)}" for i in range(10)]
OWN_SPREADSHEET = {"Partner I", "Partner J"}


class Local:
    def __init__(self, url):
        self.url = url

    def configure(self, **settings):
        admin(self.url, **settings)

    def reset_log(self):
        requests.delete(f"{self.url}/admin/log", timeout=10).raise_for_status()

    def counts(self):
        return api_log(self.url)["counts"]

    def create(self, title):
        r = requests.post(f"{self.url}/v4/spreadsheets", json={"properties": {"title": title}}, timeout=10)
        return r.json()["spreadsheetId"]


class Stopwatch:
    """Time spent inside API calls (latency and localsheets' own work), measured on the client."""

    def __init__(self, wb):
        self.seconds = 0.0
        http = wb.client.http_client
        inner = http.request

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - began

        http.request = timed


def workbook(url, sheet_id):
    # The bench's own setup makes many calls: no client-side quota (the server has none either).
    settings = Settings(sheets_url=url, sheet_id=sheet_id, reads_per_minute=10**6, writes_per_minute=10**6)
    return Workbook.from_settings(settings, retry=RetryPolicy(attempts=3, base=0.2),
                                  http_retry=RetryPolicy(attempts=3, base=0.2))


def build(local, size, n_actions, list_size, rng):
    wb = workbook(local.url, local.create(f"bench {size}"))
    init_workbook(wb, [t.name for t in schema.TABS])
    own = {g: local.create(f"{g}'s list") for g in sorted(OWN_SPREADSHEET)}
    plan = WritePlan()
    plan.append("Groups", {"Name": "Home group"})
    for g in GROUPS:
        plan.append("Groups", {"Name": g, "List spreadsheet": own.get(g) and
                               f"https://docs.google.com/spreadsheets/d/{own[g]}/edit"})
    slugs = [f"action-{a:02d}" for a in range(n_actions)]
    sponsors = {}
    for a, slug in enumerate(slugs):
        plan.append("Actions", {"Title": f"Action {a}", "Status": "Live", "Mode": "Proportional", "Slug": slug,
                                "Created": T0, "Mode history": f"{T0:%Y-%m-%dT%H:%M:%SZ} Proportional"})
        sponsors[slug] = rng.sample(GROUPS, 5)
        for g in sponsors[slug]:
            plan.append("Sponsors", {"Action": slug, "Group": g, "Status": "Active", "Joined at": T0,
                                     "Referrer code": f"{slug}-{g[-1].lower()}"})
    people = max(size * 9 // 10, 1)  # a tenth sign twice
    for i in range(size):
        slug = slugs[i % n_actions]
        code = f"{slug}-{rng.choice(sponsors[slug])[-1].lower()}" if rng.random() < 0.3 else None
        plan.append("Submissions", {"Id": f"s{i:07d}", "At": T0 + timedelta(seconds=30 * i), "Action": slug,
                                    "Email": f"person{rng.randrange(people)}@example.org", "First name": "Pat",
                                    "ZIP": "98101", "Referrer code": code, "Subscribe": rng.random() < 0.85,
                                    "Via": "web"})
    wb.apply(plan)
    init_workbook(wb)  # the lists: `List – NAME` tabs here, Members in the two own spreadsheets
    for g in GROUPS:
        lists = WritePlan()
        tab = schema.MEMBERS.name if g in own else schema.list_tab(g).name
        for j in range(list_size):
            email = f"person{rng.randrange(people)}@example.org" if j % 5 == 0 else f"{g[-1]}{j}@example.net"
            lists.append(tab, {"Email": email, "Status": "subscribed" if rng.random() < 0.9 else "unsubscribed",
                               "Source": "import"})
        (workbook(local.url, own[g]) if g in own else wb).apply(lists)
    return wb, slugs


def more_signatures(wb, slugs, size, rng):
    """An hour's worth: 1% more, new people, as many through referrer links as before."""
    plan = WritePlan()
    extra = max(size // 100, 1)
    sponsors = {}
    for r in wb.snapshot(["Sponsors"])["Sponsors"].rows:
        sponsors.setdefault(r["Action"], []).append(r["Referrer code"])
    for i in range(extra):
        slug = slugs[i % len(slugs)]
        plan.append("Submissions", {"Id": f"late{i:07d}", "At": T0 + timedelta(days=60, seconds=i),
                                    "Action": slug, "Email": f"late{i}@example.org",
                                    "Referrer code": rng.choice(sponsors[slug]) if rng.random() < 0.3 else None,
                                    "Subscribe": True, "Via": "web"})
    wb.apply(plan)
    return extra


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--actions", type=int, default=20)
    parser.add_argument("--list-size", type=int, default=5000)
    args = parser.parse_args()
    with localsheets(reads_per_minute=0, writes_per_minute=0) as sheets_url, \
            redis_server(appendonly="no") as redis_url:
        local = Local(sheets_url)
        connection = worker_queue.connect(redis_url)
        print(f"{args.actions} actions x 5 sponsors, 10 partner lists of {args.list_size} (2 in their own "
              f"spreadsheets), localsheets latency {args.latency_ms} ms\n")
        print(f"{'submissions':>11} {'run':>7} {'shares':>7} {'read s':>7} {'engine s':>8} {'write s':>8} "
              f"{'wall s':>7} {'in calls':>8}  API calls")
        for size in [int(s) for s in args.sizes.split(",")]:
            rng = random.Random(size)
            local.configure(latency_ms=0)
            wb, slugs = build(local, size, args.actions, args.list_size, rng)
            for label in ("first", "hourly"):
                if label == "hourly":
                    local.configure(latency_ms=0)
                    more_signatures(wb, slugs, size, rng)
                local.configure(latency_ms=args.latency_ms)
                local.reset_log()
                watch = Stopwatch(wb)
                began = time.perf_counter()
                summary = runs.run(wb, connection, seed=1, trigger="manual")
                wall = time.perf_counter() - began
                counts = local.counts()
                calls = ", ".join(f"{k.removeprefix('spreadsheets.')} {v}" for k, v in sorted(counts.items()))
                s = summary.seconds
                print(f"{size:>11,} {label:>7} {summary.shares:>7,} {s['read']:>7.1f} {s['engine']:>8.1f} "
                      f"{s['write']:>8.1f} {wall:>7.1f} {watch.seconds:>8.1f}  {sum(counts.values())} ({calls})",
                      flush=True)


if __name__ == "__main__":
    main()

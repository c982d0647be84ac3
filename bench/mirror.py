"""The mirror: what a dashboard read costs, and what a refresh costs, as members grow.

    python bench/mirror.py [--members 1000 100000] [--reads 500]

For each size, against a real redis-server and localsheets started here:
- a dashboard-sized read from the mirror (counts, every action with its
  sponsors, groups, freshness, one person by email): p50 and p99;
- a refresh: its time when the Members tab changed (a full compare), when
  one person changed, and when nothing did; the bytes it reads from the sheet
  and the memory the mirror holds in Redis.
"""
import argparse
import random
import sys
import time
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_parts import localsheets, percentile, redis_server  # noqa: E402
from services import mirror_refresh, schema  # noqa: E402
from services.mirror import Mirror  # noqa: E402
from services.plan import WritePlan  # noqa: E402
from services.workbook import quote  # noqa: E402
from tests.intake_helpers import make_network, workbook  # noqa: E402


def seed_members(wb, n):
    rng = random.Random(n)
    plan = WritePlan()
    for i in range(n):
        plan.append("Members", {"Email": f"person{i}@example.org", "First name": rng.choice(["Ana", "Ben", "Kim"]),
                                "Last name": "Lee", "ZIP": f"98{i % 1000:03d}", "Phone": f"206-555-{i % 10000:04d}",
                                "Ladder stage": rng.choice(schema.LADDER), "Preferred contact": rng.choice(schema.CONTACT),
                                "Status": "subscribed" if rng.random() < 0.9 else "unsubscribed", "Source": "import",
                                "Actions taken": rng.randrange(0, 9), "Id": f"m{i}"})
    for start in range(0, n, 20_000):
        part = WritePlan()
        part.appends["Members"] = plan.appends["Members"][start:start + 20_000]
        wb.apply(part)


def dashboard(mirror, n, reads):
    times = []
    for i in range(reads):
        t = time.perf_counter()
        mirror.counts()
        for action in mirror.actions():
            mirror.sponsors(action["slug"])
        mirror.groups()
        mirror.freshness()
        mirror.member(f"person{i % n}@example.org")
        times.append(time.perf_counter() - t)
    return percentile(times, 50) * 1000, percentile(times, 99) * 1000


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def mirror_bytes(conn):
    total = 0
    for key in conn.scan_iter("actnet:mirror:*", count=1000):
        total += conn.memory_usage(key) or 0
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--reads", type=int, default=500)
    args = parser.parse_args()
    with redis_server() as redis_url:
        conn = redis.Redis.from_url(redis_url)
        for n in args.members:
            conn.flushdb()
            with localsheets(reads_per_minute=0, writes_per_minute=0) as url:
                home, _ = make_network(url)
                wb = workbook(url, home, attempts=10)
                seed_members(wb, n)
                mirror_refresh.remember_titles(conn, wb.metadata()["sheets"])
                full = timed(lambda: mirror_refresh.refresh(conn, wb, force=True))
                changed = WritePlan()
                changed.update("Members", ("person7@example.org",), Status="unsubscribed")
                wb.apply(changed)
                one = timed(lambda: mirror_refresh.refresh(conn, wb, force=True))
                same = timed(lambda: mirror_refresh.refresh(conn, wb, force=True))
                titles = [quote(t) for t in mirror_refresh.PAGE_TABS]
                read = requests.get(f"{url}/v4/spreadsheets/{home}/values:batchGet",
                                    params={"ranges": titles}, timeout=120)
                p50, p99 = dashboard(Mirror(conn), n, args.reads)
                print(f"{n:>7,} members: dashboard read p50 {p50:.2f} ms, p99 {p99:.2f} ms; refresh "
                      f"{full:.2f} s (first), {one:.2f} s (one person changed), {same:.2f} s (nothing changed); "
                      f"reads {len(read.content) / 1e6:.1f} MB from the sheet; mirror holds "
                      f"{mirror_bytes(conn) / 1e6:.1f} MB in Redis", flush=True)


if __name__ == "__main__":
    main()

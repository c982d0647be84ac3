"""How fast the manager's and partner's pages render from the mirror, at 1,000 and 100,000 members.

    python bench/dashboard.py [--members 1000 100000] [--requests 200]

For each size: a workbook in a local localsheets (Groups, 20 actions with 3
sponsors each, the members, a partner list of a tenth of them, 200 links),
read into a local redis-server by the mirror's real refresh (timed), the
charts' days recorded from a generated journal as the flush records them;
then each page is requested through the app in-process (no network) and its
p50 and p99 printed. The aim: the dashboard's p50 under 50 ms at 100,000.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_parts import localsheets, redis_server  # noqa: E402
from services import activity, links, mirror_refresh, schema  # noqa: E402
from services.config import Settings  # noqa: E402
from services.plan import WritePlan  # noqa: E402
from services.sheet_setup import init_workbook  # noqa: E402
from services.sheets import RetryPolicy  # noqa: E402
from services.workbook import Workbook  # noqa: E402

GROUPS = ["Seattle RESULTS", "Tacoma Hunger Coalition", "Olympia Faith Network", "Spokane Bread for the World"]


def fill(wb, members, rng, now):
    init_workbook(wb)
    plan = WritePlan()
    for name in GROUPS:
        plan.append("Groups", {"Name": name, "Contact name": "Contact", "Slug": name.split()[0].lower()})
    for a in range(20):
        slug = f"action-{a}"
        plan.append("Actions", {"Title": f"Action number {a}", "Slug": slug, "Ask": "Ask.", "Created": now,
                                "Status": "Live" if a < 5 else "Closed", "Mode": rng.choice(schema.ACTIONS.column("Mode").choices)})
        for g in GROUPS[1:]:
            plan.append("Sponsors", {"Action": slug, "Group": g, "Status": "Active", "Joined at": now,
                                     "Referrer code": f"{g.split()[0].lower()}-{a}", "Referrer": rng.randrange(50),
                                     "Owed": rng.randrange(10), "Shared": rng.randrange(50)})
    for i in range(members):
        plan.append("Members", {"Email": f"person{i}@example.org", "First name": "Pat", "Status": "subscribed",
                                "Ladder stage": rng.choice(schema.LADDER), "Preferred contact": rng.choice(schema.CONTACT),
                                "Joined": (now - timedelta(days=rng.randrange(400))).date(), "Source": "import"})
    wb.apply(plan)
    init_workbook(wb)  # the partners' List tabs
    partner = WritePlan()
    for i in range(0, members, 10):
        partner.append(schema.list_tab(GROUPS[1]).name, {"Email": f"person{i}@example.org", "Status": "subscribed"})
    wb.apply(partner)


def journal(members, rng, now):
    """A month of signatures on the live actions, as the flush would record their days."""
    return [{"action": f"action-{rng.randrange(5)}", "email": f"person{rng.randrange(members)}@example.org",
             "at": now - timedelta(minutes=rng.randrange(30 * 24 * 60))} for _ in range(members // 2)]


def timed(client, path, n, headers=None):
    times = []
    for _ in range(n):
        began = time.perf_counter()
        response = client.get(path, headers=headers or {})
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code in (200, 286), (path, response.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def bench(size, n, sheets_url, redis_url):
    import redis as redis_lib

    from app import create_app

    rng = random.Random(size)
    now = datetime.now(timezone.utc)
    sheet_id = requests.post(f"{sheets_url}/v4/spreadsheets", json={}, timeout=10).json()["spreadsheetId"]
    wb = Workbook.from_settings(Settings(sheets_url=sheets_url, sheet_id=sheet_id),
                                retry=RetryPolicy(attempts=10, base=0.05, cap=1.0),
                                http_retry=RetryPolicy(attempts=10, base=0.05, cap=1.0))
    fill(wb, size, rng, now)
    r = redis_lib.Redis.from_url(redis_url)
    r.flushdb()
    began = time.perf_counter()
    mirror_refresh.refresh(r, wb, settings=Settings(sheets_url=sheets_url, sheet_id=sheet_id), force=True)
    refresh_s = time.perf_counter() - began
    days = activity.first_signature_days(journal(size, rng, now))
    with r.pipeline() as pipe:
        activity.record(pipe, days, days)
        pipe.execute()
    for i in range(200):
        links.create(r, f"Co-leader {i}", links.NETWORK if i % 2 else GROUPS[1 + i % 3])
    app = create_app({"redis_url": redis_url, "sheets_url": sheets_url, "sheet_id": sheet_id,
                      "secret_key": "bench", "ratelimit_enabled": False})
    manager, partner = app.test_client(), app.test_client()
    manager.get(f"/l/{links.create(r, 'Maria', links.NETWORK)[0]}")
    partner.get(f"/l/{links.create(r, 'Priya', GROUPS[1])[0]}")
    pages = [("dashboard", manager, "/manage", None), ("actions", manager, "/manage/actions", None),
             ("one action", manager, "/manage/actions/action-0", None),
             ("sponsors fragment", manager, "/manage/actions/action-0/sponsors",
              {"HX-Request": "true", "HX-Target": "sponsors-table"}),
             ("runs", manager, "/manage/runs", None), ("links (200)", manager, "/manage/links", None),
             ("partner view", partner, "/partner", None)]
    print(f"\n{size:,} members (mirror refresh from the sheet: {refresh_s:.2f} s)")
    for name, client, path, headers in pages:
        timed(client, path, 5, headers)  # warm: templates compiled, connections made
        p50, p99 = timed(client, path, n, headers)
        print(f"  {name:<18} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    began = time.perf_counter()
    csv = partner.get("/partner/list.csv")
    print(f"  {'partner list CSV':<18} {len(csv.data.splitlines()) - 1:,} people in {(time.perf_counter() - began) * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with localsheets(reads_per_minute=0, writes_per_minute=0) as sheets_url, \
            redis_server(appendonly="no") as redis_url:
        for size in args.members:
            bench(size, args.requests, sheets_url, redis_url)

if __name__ == "__main__":
    main()

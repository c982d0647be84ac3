"""How the write plan does at scale, against a local localsheets.

    python bench/workbook.py [--rows 10000] [--updates 5000] [--fail-rate 0.0]

Seeds a Members tab, then applies one plan of new rows and cell updates and
prints the API calls it took (from localsheets' request log), the time, and
what a snapshot read of the result costs.
"""
import argparse
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_parts import admin, api_log, localsheets  # noqa: E402
from services.config import Settings  # noqa: E402
from services.plan import WritePlan  # noqa: E402
from services.sheet_setup import init_workbook  # noqa: E402
from services.sheets import RetryPolicy  # noqa: E402
from services.workbook import Workbook  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=5000)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    args = parser.parse_args()
    with localsheets(reads_per_minute=0, writes_per_minute=0) as url:
        sheet_id = requests.post(url + "/v4/spreadsheets", json={}, timeout=5).json()["spreadsheetId"]
        wb = Workbook.from_settings(Settings(sheets_url=url, sheet_id=sheet_id),
                                    retry=RetryPolicy(attempts=20, base=0.05, cap=1.0),
                                    http_retry=RetryPolicy(attempts=10, base=0.05, cap=1.0))
        init_workbook(wb, ["Members"])
        seed = WritePlan()
        for i in range(args.updates):
            seed.append("Members", {"Email": f"old{i}@example.org", "Status": "subscribed"})
        wb.apply(seed)

        plan = WritePlan()
        for i in range(args.rows):
            plan.append("Members", {"Email": f"new{i}@example.org", "First name": f"New {i}",
                                    "Status": "subscribed", "Source": "import"})
        for i in range(args.updates):
            plan.update("Members", [f"old{i}@example.org"], **{"Actions taken": i})
        admin(url, fail_rate=args.fail_rate, seed=1)
        requests.delete(url + "/admin/log", timeout=5)
        began = time.perf_counter()
        result = wb.apply(plan)
        took = time.perf_counter() - began
        log = api_log(url)
        admin(url, fail_rate=0.0)
        began = time.perf_counter()
        snap = wb.snapshot(["Members"])
        read = time.perf_counter() - began
    print(f"plan                {args.rows:,} new rows + {args.updates:,} cell updates, fail rate {args.fail_rate:.0%}")
    print(f"applied             {result.appended:,} rows, {result.cells_updated:,} cells in {took:.2f} s")
    print(f"API calls           {log['total']} ({', '.join(f'{k} {v}' for k, v in sorted(log['counts'].items()))})")
    print(f"snapshot read       {len(snap['Members'].rows):,} rows in {read:.2f} s")


if __name__ == "__main__":
    main()

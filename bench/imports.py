"""An import at scale, against a local localsheets: the preview and the landing.

    python bench/imports.py [--rows 10000] [--existing 1000] [--latency-ms 0]

Seeds Members with `--existing` people, then imports a file of `--rows` rows
(the existing people among them, 3% repeats, 0.5% bad emails) the way the
People page does: the check (one read and the preview), then the landing (one
read and one plan). Prints the counts, the API calls each step took and its time.
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

from bench.local_parts import admin, api_log, localsheets, redis_server  # noqa: E402
from services.config import Settings  # noqa: E402
from services.imports import Imports, open_list_from  # noqa: E402
from services.plan import WritePlan  # noqa: E402
from services.sheet_setup import init_workbook  # noqa: E402
from services.sheets import RetryPolicy  # noqa: E402
from services.workbook import Workbook  # noqa: E402


def the_file(rows, existing, rng):
    new = rows - existing - rows * 3 // 100 - rows // 200
    people = [f"new{i}@example.org" for i in range(new)] + [f"old{i}@example.org" for i in range(existing)]
    lines = [f"{e},Name{i},98{i % 1000:03d}" for i, e in enumerate(people)]
    rng.shuffle(lines)
    lines += [f" {rng.choice(people).upper()} ,Repeat,98000" for _ in range(rows * 3 // 100)]
    lines += [f"broken{i}@,Bad,98000" for i in range(rows // 200)]
    return "E-mail,First,Zip code\n" + "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args()
    with localsheets(reads_per_minute=0, writes_per_minute=0) as url, redis_server(appendonly="no") as redis_url:
        admin(url, latency_ms=args.latency_ms)
        sheet_id = requests.post(url + "/v4/spreadsheets", json={}, timeout=5).json()["spreadsheetId"]
        wb = Workbook.from_settings(Settings(sheets_url=url, sheet_id=sheet_id),
                                    retry=RetryPolicy(attempts=20, base=0.05, cap=1.0),
                                    http_retry=RetryPolicy(attempts=10, base=0.05, cap=1.0))
        init_workbook(wb, ["Members", "Groups"])
        seed = WritePlan()
        for i in range(args.existing):
            seed.append("Members", {"Email": f"old{i}@example.org", "First name": "Typed", "Status": "subscribed"})
        wb.apply(seed)
        imports = Imports(redis.Redis.from_url(redis_url))
        open_list = open_list_from(None, wb)
        import_id = imports.create(the_file(args.rows, args.existing, random.Random(1)), "bench.csv")
        for step, work in (("check", imports.check), ("land", imports.land)):
            requests.delete(url + "/admin/log", timeout=5)
            started = time.perf_counter()
            preview = work(import_id, open_list)
            took = time.perf_counter() - started
            print(f"{step}: {took:.2f} s, API calls {dict(sorted(api_log(url)['counts'].items()))}")
        print(f"rows {preview.rows}: added {preview.added}, completed {preview.updated}, "
              f"repeats {preview.duplicate}, bad emails {preview.bad_email}, typed cells kept "
              f"{preview.conflict_count}")

if __name__ == "__main__":
    main()

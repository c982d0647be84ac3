"""Intake on the request path, and the time for signatures to reach the sheet.

    python bench/intake.py [--accepts 5000] [--http 3000] [--to-sheet 10000]

Prints, against a real redis-server and localsheets started here:
- intake.accept called in-process: accepts per second, p50 and p99;
- the same through gunicorn (bench/intake_wsgi.py, 2 workers x 4 threads),
  loaded from a second process by 8 threads: requests per second, p50, p99;
- the time for --to-sheet accepted signatures to reach the sheet under
  Google's quotas (localsheets at 60 reads and 60 writes a minute, 300 ms
  latency), flushed as the worker does, and the API calls it took.
"""
import argparse
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_parts import admin, api_log, free_port, localsheets, percentile, redis_server  # noqa: E402
from services import intake, intake_flush, mirror_refresh  # noqa: E402
from services.config import Settings  # noqa: E402
from services.workbook import Workbook  # noqa: E402
from tests.intake_helpers import make_network, signature, workbook  # noqa: E402


def in_process(conn, n):
    times = []
    began = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        intake.accept(conn, signature(f"inproc{i}@example.org"))
        times.append(time.perf_counter() - t)
    wall = time.perf_counter() - began
    print(f"in-process: {n} accepts in {wall:.2f} s = {n / wall:,.0f}/s; "
          f"p50 {percentile(times, 50) * 1000:.2f} ms, p99 {percentile(times, 99) * 1000:.2f} ms")


def _load(url, n, threads, out):
    times, lock = [], threading.Lock()
    per = n // threads

    def run(k):
        session = requests.Session()
        for i in range(per):
            t = time.perf_counter()
            r = session.post(url, json=signature(f"http{k}-{i}@example.org"), timeout=10)
            r.raise_for_status()
            with lock:
                times.append(time.perf_counter() - t)

    began = time.perf_counter()
    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((time.perf_counter() - began, times))


def through_gunicorn(redis_url, n):
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "intake_wsgi:app", "--chdir",
                               str(ROOT / "bench"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                               "--log-level", "warning"], env=env)
    try:
        url = f"http://127.0.0.1:{port}/sign"
        for _ in range(600):
            try:
                requests.get(url, timeout=5)  # 405: it answers
                break
            except requests.RequestException:
                time.sleep(0.1)
        out = multiprocessing.Queue()
        loader = multiprocessing.Process(target=_load, args=(url, n, 8, out))  # a second process
        loader.start()
        wall, times = out.get()
        loader.join()
    finally:
        server.terminate()
        server.wait(10)
    print(f"through gunicorn: {len(times)} POSTs in {wall:.2f} s = {len(times) / wall:,.0f}/s; "
          f"p50 {percentile(times, 50) * 1000:.1f} ms, p99 {percentile(times, 99) * 1000:.1f} ms")


def to_sheet(redis_url, n):
    with localsheets(reads_per_minute=0, writes_per_minute=0) as url:
        home, olympia = make_network(url, olympia_limit=500)
        conn = redis.Redis.from_url(redis_url)
        conn.flushdb()
        settings = Settings(sheets_url=url, sheet_id=home, redis_url=redis_url)
        wb = Workbook.from_settings(settings)
        mirror_refresh.refresh(conn, wb, force=True)
        for i in range(n):
            intake.accept(conn, signature(f"s{i}@example.org", action="snap" if i % 4 else "nutrition"))
        admin(url, reads_per_minute=60, writes_per_minute=60, latency_ms=300)
        requests.delete(f"{url}/admin/log", timeout=5)
        began = time.monotonic()
        flushes = 0
        while intake.depth(conn):
            intake_flush.flush(conn, wb, lambda sid: Workbook.from_settings(settings.replace(sheet_id=sid)))
            flushes += 1
        wall = time.monotonic() - began
        log = api_log(url)
        rows = len(workbook(url, home).snapshot(["Submissions"])["Submissions"].rows)
    print(f"to the sheet: {n} signatures in {wall:.0f} s ({n / wall:.0f}/s) at 60 reads + 60 writes a minute and "
          f"300 ms latency; {flushes} flushes, {log['reads']} reads + {log['writes']} writes "
          f"({log['statuses']}); {rows} Submissions rows")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accepts", type=int, default=5000)
    parser.add_argument("--http", type=int, default=3000)
    parser.add_argument("--to-sheet", type=int, default=10_000)
    args = parser.parse_args()
    with redis_server() as redis_url, localsheets(reads_per_minute=0, writes_per_minute=0) as url:
        home, _ = make_network(url)
        conn = redis.Redis.from_url(redis_url)
        mirror_refresh.refresh(conn, workbook(url, home), force=True)
        in_process(conn, args.accepts)
        through_gunicorn(redis_url, args.http)
        if args.to_sheet:
            to_sheet(redis_url, args.to_sheet)


if __name__ == "__main__":
    main()

"""The action page under load, beside a bare Flask hello-world served the same way.

    python bench/action_page.py [--workers 2] [--threads 4] [--connections 8] [--requests 3000] [--seconds 15]

Starts, on loopback only: a redis-server, localsheets with the demo network
read into the mirror, then gunicorn serving actnet (RATELIMIT_ENABLED=false)
and gunicorn serving a hello-world Flask app with the same workers. A second
process sends GETs of the action page and POSTs of its form (each a new
activist, with the page's token, as a browser would), then the same to the
hello-world, each phase bounded by a count and a time, in alternating rounds.
Prints requests per second and p50/p99 latency for each (the median round),
and the ratio of actnet to hello-world.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.local_parts import free_port, localsheets, redis_server  # noqa: E402

HELLO = '''from flask import Flask
app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def hello():
    return "Hello, World!"
'''


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered at {url}")


def prepare_network(sheets_url, redis_url):
    """The demo network in localsheets, read into the mirror (what `make run` shows)."""
    import redis

    from services import mirror_refresh
    from services.config import Settings
    from services.demo import fill_demo
    from services.sheets import RetryPolicy
    from services.workbook import Workbook

    sheet_id = requests.post(sheets_url + "/v4/spreadsheets", json={}, timeout=5).json()["spreadsheetId"]
    settings = Settings(sheets_url=sheets_url, sheet_id=sheet_id, redis_url=redis_url,
                        reads_per_minute=100_000, writes_per_minute=100_000)
    workbook = Workbook.from_settings(settings, retry=RetryPolicy(attempts=5, base=0.1, cap=1.0))
    fill_demo(workbook)
    mirror_refresh.refresh(redis.Redis.from_url(redis_url), workbook, settings=settings, force=True)
    return sheet_id


def gunicorn(app_spec, port, workers, threads, env, cwd):
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
                            env=env, cwd=cwd, stdout=subprocess.DEVNULL)


def load(url, method, expected, connections, count, seconds):
    """Run the load generator in a second process; returns its figures."""
    out = subprocess.run([sys.executable, str(Path(__file__).parent / "loadgen.py"), url, method, str(expected),
                          str(connections), str(count), str(seconds)],
                         capture_output=True, text=True, check=True, timeout=seconds + 60)
    return json.loads(out.stdout)


def row(name, figures):
    return (f"{name:<22} {figures['rps']:>8.0f} {figures['p50_ms']:>8.2f} {figures['p99_ms']:>8.2f} "
            f"{figures['done']:>7} {figures['failed']:>6}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, for both apps")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (1: sync workers)")
    parser.add_argument("--connections", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--requests", type=int, default=3000, help="at most this many per phase")
    parser.add_argument("--seconds", type=float, default=15, help="and at most this long per phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the four phases; the median is shown")
    args = parser.parse_args()
    children = []
    with tempfile.TemporaryDirectory() as tmp, localsheets(reads_per_minute=0, writes_per_minute=0) as sheets_url, \
            redis_server(appendonly="no") as redis_url:
        try:
            app_port, hello_port = free_port(), free_port()
            sheet_id = prepare_network(sheets_url, redis_url)
            env = {**os.environ, "REDIS_URL": redis_url, "SHEETS_URL": sheets_url, "SHEET_ID": sheet_id,
                   "SECRET_KEY": "bench", "RATELIMIT_ENABLED": "false", "BASE_URL": f"http://127.0.0.1:{app_port}"}
            Path(tmp, "hello.py").write_text(HELLO)
            children.append(gunicorn("app:app", app_port, args.workers, args.threads, env, ROOT))
            children.append(gunicorn("hello:app", hello_port, args.workers, args.threads, env, tmp))
            action = f"http://127.0.0.1:{app_port}/a/protect-snap"
            hello = f"http://127.0.0.1:{hello_port}/"
            wait_for(action)
            wait_for(hello)
            phases = (("action page GET", action, "GET", 200), ("hello-world GET", hello, "GET", 200),
                      ("action page POST", action, "POST", 303), ("hello-world POST", hello, "POST", 200))
            for name, url, method, expected in phases:
                load(url, method, expected, args.connections, min(300, args.requests), 5)  # warm up
            # Rounds alternate the two apps, so a burst of other work on the machine
            # weighs on both; the median round is reported.
            rounds = {name: [] for name, *_ in phases}
            for _ in range(args.rounds):
                for name, url, method, expected in phases:
                    rounds[name].append(load(url, method, expected, args.connections, args.requests, args.seconds))
        finally:
            for child in reversed(children):
                child.terminate()
            for child in children:
                child.wait(10)
    kind = "sync" if args.threads == 1 else f"gthread x {args.threads}"
    print(f"{args.workers} gunicorn {kind} workers each; {args.connections} connections; "
          f"at most {args.requests} requests or {args.seconds:g} s a phase; {os.cpu_count()} cores")
    print(f"{'median of ' + str(args.rounds) + ' rounds':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'done':>7} {'failed':>6}")
    for name, figures in rounds.items():
        print(row(name, sorted(figures, key=lambda f: f["rps"])[len(figures) // 2]))
    for method in ("GET", "POST"):
        ratios = sorted(a["rps"] / h["rps"] for a, h in zip(rounds[f"action page {method}"],
                                                            rounds[f"hello-world {method}"]))
        print(f"{method} throughput, action page / hello-world: {statistics.median(ratios):.2f} "
              f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()

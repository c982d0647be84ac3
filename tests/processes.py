"""Real processes for the crash tests: an rq worker that can be SIGKILLed, a redis-server
with an append-only file that can be killed and restarted, and a stand-in for `rq cron`."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis

from tests.conftest import free_port, redis_server_binary, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Worker:
    """`rq worker --with-scheduler`, in its own process group so a kill takes its work-horse too."""

    def __init__(self, env):
        self.env = env
        self.proc = None
        self.kills = 0

    def start(self):
        self.proc = subprocess.Popen([str(BIN / "rq"), "worker", "--with-scheduler", "--url", self.env["REDIS_URL"],
                                      "--logging_level", "WARNING", "actnet"], cwd=ROOT, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL, mid-whatever it was doing: no cleanup, the lock it held stays until it lapses."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.kills += 1

    def stop(self):
        if self.alive():
            self.kill()


class RedisServer:
    """A redis-server with appendonly and appendfsync everysec, as production should run it."""

    def __init__(self, data_dir):
        self.dir = data_dir
        self.port = free_port()
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen([redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--dir", str(self.dir), "--appendonly", "yes", "--appendfsync", "everysec",
                                      "--save", ""], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # wait until the append-only file is loaded
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.exceptions.BusyLoadingError:
                time.sleep(0.05)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Cron(threading.Thread):
    """Enqueues a flush every `every` seconds, as `rq cron` does every 15 (quicker here)."""

    def __init__(self, redis_url, every=2.0, jobs=("services.schedule.flush_outbox",)):
        super().__init__(daemon=True)
        self.redis_url = redis_url
        self.every = every
        self.jobs = jobs
        self.halt = threading.Event()

    def run(self):
        from rq import Queue

        while not self.halt.wait(self.every):
            try:
                conn = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=1)
                queue = Queue("actnet", connection=conn)
                if queue.count < 2:
                    for job in self.jobs:
                        queue.enqueue(job, job_timeout=600, result_ttl=30, failure_ttl=60)
                conn.close()
            except redis.RedisError:
                pass  # Redis is restarting; the next tick tries again

    def stop(self):
        self.halt.set()
        self.join(10)


def worker_env(redis_url, sheets_url, sheet_id, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHEET", "REDIS", "ACTNET"))}
    env.update(REDIS_URL=redis_url, SHEETS_URL=sheets_url, SHEET_ID=sheet_id, PYTHONPATH=str(ROOT),
               SHEETS_READS_PER_MINUTE="60", SHEETS_WRITES_PER_MINUTE="60", **extra)
    return env

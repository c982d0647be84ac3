"""The sheet away for a while: pages keep reading the mirror, intake keeps accepting,
and when it comes back everything lands once while /healthz shows the backlog draining.

`make test` runs a 20-second outage; `make soak` the full 10 minutes
(ACTNET_OUTAGE_SECONDS=600), printing its figures.
"""
import collections
import os
import subprocess
import sys
import time

import pytest
import requests

from app import create_app
from services import intake, mirror_refresh
from services.mirror import Mirror
from tests.conftest import free_port, wait_for_port
from tests.intake_helpers import make_network, signature, workbook
from tests.processes import ROOT, Cron, Worker, worker_env

OUTAGE = float(os.environ.get("ACTNET_OUTAGE_SECONDS") or 20)


class Sheets:
    """A localsheets of this test's own, to stop and start again on the same port and data."""

    def __init__(self, data):
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "localsheets", "--port", str(self.port), "--data",
                                      str(self.data), "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def test_an_outage_delays_the_sheet_and_nothing_else(tmp_path, redis_url, redis_conn):
    sheets = Sheets(tmp_path / "sheets")
    sheets.start()
    home, _ = make_network(sheets.url)
    wb = workbook(sheets.url, home)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    app = create_app({"redis_url": redis_url, "sheets_url": sheets.url, "sheet_id": home, "testing": True,
                      "secret_key": "x", "var_dir": tmp_path})
    web = app.test_client()
    worker = Worker(worker_env(redis_url, sheets.url, home))
    cron = Cron(redis_url, every=2.0, jobs=("services.schedule.flush_outbox", "services.schedule.refresh_mirror"))
    mirror = Mirror(redis_conn)
    accepted, figures = [], collections.OrderedDict()
    worker.start()
    cron.start()
    try:
        sheets.stop()
        began = time.monotonic()
        n = 0
        while time.monotonic() - began < OUTAGE:
            accepted.append(intake.accept(redis_conn, signature(f"o{n}@example.org")).id)
            n += 1
            # What pages read keeps answering, from Redis.
            assert mirror.action("snap")["title"] == "Protect SNAP"
            assert mirror.sponsor_by_code("tacoma-snap")["group"] == "Tacoma"
            assert mirror.member(f"o{n - 1}@example.org")["status"] == "subscribed"
            time.sleep(0.5 if OUTAGE < 60 else 0.25)
        while not (health := web.get("/healthz").get_json())["sheets"]["ok"] is False:
            # A flush that cannot reach the sheet gives up after its retries, and says so.
            assert time.monotonic() - began < OUTAGE + 90, health
            accepted.append(intake.accept(redis_conn, signature(f"o{n}@example.org")).id)
            n += 1
            time.sleep(0.5)
        figures["during"] = health["queue"]["waiting_for_sheet"]
        assert figures["during"] >= len(accepted)
        assert health["mirror"]["age_seconds"] >= OUTAGE * 0.5
        assert "not accepting requests" in health["sheets"]["detail"]  # the jobs found it away, and say so

        sheets.start()
        back = time.monotonic()
        drain = []
        while time.monotonic() - back < 300:
            health = web.get("/healthz").get_json()
            drain.append(health["queue"]["waiting_for_sheet"])
            if drain[-1] == 0 and health["sheets"]["ok"]:
                break
            time.sleep(1)
        figures["drained_in_seconds"] = round(time.monotonic() - back)
        assert drain[-1] == 0 and drain[0] > 0, drain  # /healthz showed the backlog, then none
    finally:
        cron.stop()
        worker.stop()
    ids = collections.Counter(r["Id"] for r in workbook(sheets.url, home).snapshot(["Submissions"])
                              ["Submissions"].rows)
    sheets.stop()
    assert all(ids[i] == 1 for i in accepted) and len(ids) == len(accepted)
    print(f"\noutage {OUTAGE:.0f} s: {len(accepted)} signatures accepted meanwhile, {figures['during']} changes "
          f"waiting at its end, all in the sheet {figures['drained_in_seconds']} s after it came back "
          f"(/healthz backlog: {drain[0]} -> {drain[-1]})")


@pytest.fixture
def network(localsheets, redis_conn):
    home, _ = make_network(localsheets.url)
    mirror_refresh.refresh(redis_conn, workbook(localsheets.url, home), force=True)
    return home


def test_serving_pages_makes_no_google_call(network, localsheets, redis_conn, redis_url, tmp_path):
    app = create_app({"redis_url": redis_url, "sheets_url": localsheets.url, "sheet_id": network,
                      "testing": True, "secret_key": "x", "var_dir": tmp_path})
    web = app.test_client()
    requests.delete(f"{localsheets.url}/admin/log", timeout=5)
    mirror = Mirror(redis_conn)
    for n in range(50):
        assert web.get("/").status_code == 200
        assert web.get("/healthz").status_code == 200
        # What the action, thank-you and dashboard pages do: read the mirror, hand signatures to intake.
        assert mirror.action("snap") and mirror.sponsors("snap") and mirror.groups() and mirror.counts()
        accepted = intake.accept(redis_conn, signature(f"w{n}@example.org", referrer_code="tacoma-snap"))
        assert accepted.signatures == n + 1
        assert mirror.member(f"w{n}@example.org") and mirror.freshness()["outbox_depth"] >= n + 1
    assert localsheets.log()["total"] == 0

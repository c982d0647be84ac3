"""R20 by construction: a run SIGKILLed at any moment of its write, run again with the
same seed, leaves every tab as one clean run does. Real `rq worker`, real redis-server,
localsheets over HTTP."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from services import schedule, worker_queue
from services.run_state import LOCK_KEY, PROGRESS_KEY
from sheet_network import build, sign, values

ROOT = Path(__file__).resolve().parent.parent
LATENCY_MS = 100  # each call takes this long, so a kill can land inside one
READS = 3  # a run's reads: the tab list, the workbook, Olympia's own spreadsheet
SEED = 4242
# `make soak` kills at ten moments; `make test` at three, spread over the write the same way.
MOMENTS = 10 if os.environ.get("ACTNET_SOAK") else 3


def raw_values(localsheets, sheet_id):
    meta = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}", timeout=10).json()
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    got = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values:batchGet", timeout=30,
                       params={"ranges": [f"'{t}'" for t in titles],
                               "valueRenderOption": "UNFORMATTED_VALUE"}).json()["valueRanges"]
    return {t: vr.get("values", []) for t, vr in zip(titles, got, strict=True)}


def restore(localsheets, sheet_id, saved):
    """Put every tab's values back as they were (the run only adds rows and sets cells)."""
    base = f"{localsheets.url}/v4/spreadsheets/{sheet_id}"
    requests.post(f"{base}/values:batchClear", json={"ranges": [f"'{t}'" for t in saved]},
                  timeout=10).raise_for_status()
    data = [{"range": f"'{t}'!A1", "values": v} for t, v in saved.items() if v]
    requests.post(f"{base}/values:batchUpdate", json={"valueInputOption": "RAW", "data": data},
                  timeout=10).raise_for_status()


def normalised(sheets):
    """The run's own identity (its id, start and finish) is the one thing two runs can't share."""
    (run_row,) = sheets["main"]["Runs"][1:]
    run_id, started, finished = run_row[0], run_row[1], run_row[2]
    marks = {run_id: "<run>", started: "<started>", finished: "<finished>", started[:10]: "<date>"}
    return {book: {tab: [[marks.get(c, c) for c in row] for row in cells] for tab, cells in tabs.items()}
            for book, tabs in sheets.items()}


@pytest.fixture
def worker(redis_url, localsheets):
    procs = []

    def start(sheet_id):
        env = dict(os.environ, SHEETS_URL=localsheets.url, SHEET_ID=sheet_id, REDIS_URL=redis_url)
        proc = subprocess.Popen([str(Path(sys.executable).parent / "rq"), "worker", "--url", redis_url,
                                 worker_queue.QUEUE_NAME], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(20)


def wait_for(job, seconds=60):
    deadline = time.monotonic() + seconds
    while job.get_status(refresh=True) not in ("finished", "failed", "stopped", "canceled"):
        assert time.monotonic() < deadline, "the job did not end"
        time.sleep(0.05)
    return job.get_status()


def horse_of(proc):
    """The work-horse a worker forked for its job: the process running the run."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert children, "the worker has no work-horse"
    return int(children[0])


def test_a_run_killed_at_any_moment_of_its_write_and_run_again_ends_as_one_clean_run(
        localsheets, redis_conn, worker):
    wb, own = build(localsheets)
    sign(wb, [f"t{i}@example.org" for i in range(4)], code="tacoma-fund")
    sign(wb, [f"o{i}@example.org" for i in range(3)], start=10, code="olympia-fund")
    sign(wb, [f"p{i}@example.org" for i in range(6)], start=20)
    books = {"main": wb.sheet_id, "own": own}
    initial = {book: raw_values(localsheets, sid) for book, sid in books.items()}
    proc = worker(wb.sheet_id)
    queue = worker_queue.queue(redis_conn)

    def fresh():
        localsheets.configure(latency_ms=0)
        for book, sid in books.items():
            restore(localsheets, sid, initial[book])
        redis_conn.delete(LOCK_KEY, PROGRESS_KEY, *redis_conn.keys("actnet:status:*"))
        localsheets.reset()
        localsheets.configure(latency_ms=LATENCY_MS)

    def sheets():
        localsheets.configure(latency_ms=0)
        return {book: values(localsheets, sid) for book, sid in books.items()}

    # One clean run: what every killed-and-repeated run must end as.
    fresh()
    assert wait_for(queue.enqueue(schedule.sharing_run, seed=SEED)) == "finished"
    calls = len(localsheets.log()["requests"])
    clean = sheets()
    assert len(clean["main"]["Runs"]) == 2 and clean["main"]["Runs"][1][8] == "ok"
    writes = calls - READS
    assert writes >= 8, "the write should span the journal, both lists, the figures and the log"
    # A moment: once `done` calls have landed, wait `pause` (under half a call), then kill. The call in
    # flight may land with its answer lost; the run's last call (its Runs row) never does.
    rng = random.Random(SEED)
    moments = [(READS + i * (writes - 1) // MOMENTS, rng.uniform(0, LATENCY_MS / 2000)) for i in range(MOMENTS)]
    landed = []

    for done, pause in moments:
        fresh()
        job = queue.enqueue(schedule.sharing_run, seed=SEED)
        deadline = time.monotonic() + 30
        while len(localsheets.log()["requests"]) < done:
            assert time.monotonic() < deadline and job.get_status(refresh=True) != "finished"
            time.sleep(0.002)
        time.sleep(pause)
        os.kill(horse_of(proc), signal.SIGKILL)
        assert wait_for(job) == "failed"
        time.sleep(2 * LATENCY_MS / 1000)  # the call the kill cut off may still land, its answer lost
        killed = sheets()
        assert len(killed["main"]["Runs"]) == 1, "the kill came after the run's last write"
        landed.append(len(killed["main"]["Shares"]) - 1)
        # Killed outright, its lock lapses by itself within LOCK_SECONDS; no need to wait here.
        assert 0 < redis_conn.pttl(LOCK_KEY)
        redis_conn.delete(LOCK_KEY)
        localsheets.configure(latency_ms=LATENCY_MS)
        assert wait_for(queue.enqueue(schedule.sharing_run, seed=SEED)) == "finished"
        again = sheets()
        assert normalised(again) == normalised(clean), f"killed after {done} calls and {pause:.3f}s"
        shares = [tuple(r[2:6]) for r in again["main"]["Shares"][1:]]
        assert len(shares) == len(set(shares))  # no activist shared twice
    # Some kills fell before the journal was written, some after.
    assert {0, len(clean["main"]["Shares"]) - 1} <= set(landed), landed

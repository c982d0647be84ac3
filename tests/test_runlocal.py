"""`make run`'s launcher: every part starts, /healthz says so, Ctrl-C stops them all."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def descendants(pid):
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_make_run_starts_every_part_and_ctrl_c_stops_them(tmp_path):
    web, sheets = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SHEETS_URL", "SHEET_ID")}
    env.update(PORT=str(web), LOCALSHEETS_PORT=str(sheets), ACTNET_VAR=str(tmp_path / "var"))
    proc = subprocess.Popen([sys.executable, "-m", "runlocal"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines, started = [], set()
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web}/healthz", timeout=2) as r:
                    health = json.load(r)
                if health["status"] == "ok" and health["queue"]["workers"] >= 1:
                    break
            except urllib.error.HTTPError as down:  # 503 while a part is still starting
                with down:
                    health = json.load(down)
            except OSError:
                pass
            time.sleep(0.3)
        assert health and health["status"] == "ok", health
        assert health["queue"]["workers"] == 1
        started = descendants(proc.pid)
        assert len(started) >= 5  # redis, localsheets, web, worker, cron
        sheet_id = (tmp_path / "var" / "sheet_id").read_text().strip()
        with urllib.request.urlopen(f"http://127.0.0.1:{sheets}/v4/spreadsheets/{sheet_id}/values/Members",
                                    timeout=5) as r:
            members = json.load(r)
        assert len(members["values"]) == 61  # the demo network: a header and 60 people
        # What a person sees before pressing Ctrl-C: where everything is.
        deadline = time.monotonic() + 30
        while not any("Press Ctrl-C" in line for line in list(lines)) and time.monotonic() < deadline:
            time.sleep(0.1)
        # The printed manager link opens the dashboard, whichever gunicorn worker answers.
        link = next(line.split()[-1] for line in list(lines) if line.startswith("  manager link"))
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(link, timeout=10) as r:
            assert r.url.endswith("/manage")
        for _ in range(8):
            with opener.open(f"http://127.0.0.1:{web}/manage", timeout=10) as r:
                assert r.status == 200
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(10)
        for _ in range(50):  # a moment for the last ones to exit
            if not any(alive(pid) for pid in started):
                break
            time.sleep(0.1)
        # A part left running holds the output pipe open: note it, then stop it, so the
        # test fails with its name instead of hanging on the pipe.
        left = [pid for pid in started if alive(pid)]
        left_names = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                      for pid in left if alive(pid)]
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reader.join(10)
        if not reader.is_alive():
            proc.stdout.close()
    output = "".join(lines)
    assert proc.returncode == 0
    assert f"  web          http://127.0.0.1:{web}/" in output
    assert not left_names, f"still running after Ctrl-C: {left_names}"

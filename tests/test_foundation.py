"""The house: home page, health check, and the page layout every page shares."""
import json
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent


def test_home_page_says_what_this_instance_is(client, app):
    response = client.get("/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find("meta", attrs={"name": "viewport"})["content"].startswith("width=device-width")
    assert soup.h1.get_text(strip=True) == app.config["SETTINGS"].instance_name
    assert "action network" in soup.get_text()
    scripts = [s["src"] for s in soup.find_all("script")]
    assert scripts == ["/static/vendor/htmx.min.js", "/static/js/actnet.js"]  # ours only
    assert len(soup.find_all("link", rel="stylesheet")) == 1


def test_every_response_varies_on_hx_request(client):
    assert "HX-Request" in client.get("/").headers["Vary"]


def test_healthz_reports_every_part_up(client, redis_conn):
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["redis"]["ok"] and body["sheets"]["ok"] and body["queue"]["ok"]
    assert body["sheets"]["backend"] == "localsheets"
    assert body["queue"]["depth"] == 0


def test_healthz_counts_queued_jobs(client, redis_conn):
    from services import worker_queue

    worker_queue.queue(redis_conn).enqueue("services.schedule.heartbeat")
    assert client.get("/healthz").get_json()["queue"]["depth"] == 1


def test_healthz_is_503_when_redis_is_down(settings_overrides, redis_conn):
    from app import create_app

    app = create_app({**settings_overrides, "redis_url": "redis://127.0.0.1:1/0"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down"
    assert body["redis"]["ok"] is False and "not answering" in body["redis"]["detail"]


def test_healthz_is_503_when_the_spreadsheet_is_missing(settings_overrides, redis_conn):
    from app import create_app

    app = create_app({**settings_overrides, "sheet_id": "no-such-sheet"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "not found" in response.get_json()["sheets"]["detail"]


def test_heartbeat_job_records_when_it_ran(redis_conn):
    from rq import SimpleWorker

    from services import schedule, worker_queue

    worker_queue.queue(redis_conn).enqueue(schedule.heartbeat)
    SimpleWorker([worker_queue.queue(redis_conn)], connection=redis_conn).work(burst=True)
    assert schedule.last_heartbeat(redis_conn) is not None


def test_htmx_loads_in_a_real_browser(page, live_server):
    complaints = []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    page.goto(live_server + "/")
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.version").startswith("2.")
    assert complaints == []  # nothing refused by the Content-Security-Policy


def test_pages_carry_a_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert client.get("/").headers["Content-Security-Policy"] != csp  # a fresh nonce each time


def test_no_third_party_code_is_committed():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert not [f for f in files if f.startswith(("static/vendor/", "node_modules/"))]
    assert not [f for f in files if f.endswith(".js") and "htmx" in f]


def test_htmx_is_pinned_to_2x():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["htmx.org"]
    assert pinned.startswith("2.")


def test_a_wrong_address_gets_a_page_in_plain_words(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    text = BeautifulSoup(response.data, "html.parser").get_text()
    assert "Page not found" in text and "mistyped" in text


def test_an_error_inside_shows_words_not_a_traceback(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    app.testing = False  # as in production: the error handler answers, not the test client
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body and "RuntimeError" not in body and "Traceback" not in body

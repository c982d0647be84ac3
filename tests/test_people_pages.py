"""The manager's People and API keys pages, used as Maria would: import, paper, downloads, keys."""
import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from rq import SimpleWorker

from services import api_keys, intake, intake_flush, worker_queue
from services.outbox import Outbox
from test_api import network  # noqa: F401  (the demo network in the mirror)
from test_links_pages import csrf, manager  # noqa: F401


@pytest.fixture
def worker(redis_conn, localsheets, sheet_id, monkeypatch):
    """Run what the pages enqueued, as the worker would, with the worker's settings."""
    monkeypatch.setenv("SHEETS_URL", localsheets.url)
    monkeypatch.setenv("SHEET_ID", sheet_id)

    def work():
        SimpleWorker([worker_queue.queue(redis_conn)], connection=redis_conn).work(burst=True)

    return work


def text_of(response):
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())


def test_maria_pastes_rows_sees_the_counts_and_imports_them(network, client, manager, worker):
    page = client.get("/manage/people")
    members = network.snapshot(["Members"])["Members"].rows
    existing = members[0]["Email"]
    pasted = f"E-mail\tFirst\tZip code\nnew.one@example.org\tNew\t98101\n{existing.upper()}\tX\t98102\nbob@\tBob\t1\n"
    answer = client.post("/manage/people/import", data={"csrf_token": csrf(page), "into": "", "pasted": pasted})
    assert answer.status_code == 303
    import_url = answer.headers["Location"]
    waiting = client.get(import_url)
    assert 'hx-trigger="load delay:1s"' in waiting.get_data(as_text=True)
    worker()
    preview = client.get(import_url)
    shown = text_of(preview)
    assert "1 new, to add" in shown and "Row 4" not in shown and "'bob@' is not an email address" in shown
    poll = client.get(import_url, headers={"HX-Request": "true", "HX-Target": "import-status"})
    assert poll.status_code == 286 and "hx-get" not in poll.get_data(as_text=True)
    landed = client.post(import_url + "/land", data={"csrf_token": csrf(preview)})
    assert landed.status_code == 303
    worker()
    done = text_of(client.get(import_url))
    assert "Imported into Members" in done
    emails = [r["Email"] for r in network.snapshot(["Members"])["Members"].rows]
    assert "new.one@example.org" in emails and len(emails) == len(members) + 1


def test_a_file_that_is_not_a_csv_is_explained_beside_the_field(network, client, manager):
    page = client.get("/manage/people")
    answer = client.post("/manage/people/import", data={
        "csrf_token": csrf(page), "into": "", "upload": (io.BytesIO(b"PK\x03\x04\x00\x00zip"), "people.xlsx")},
        content_type="multipart/form-data")
    assert answer.status_code == 200 and "doesn't look like a CSV file" in text_of(answer)


def test_paper_signatures_are_checked_then_recorded_once_via_paper(network, client, manager, redis_conn):
    page = client.get("/manage/paper")
    table = "Name\tEmail\tZIP\tSubscribe\nAnn Lee\tann@example.org\t98101\tyes\nBo\tbo@\t98102\tno\n" \
            "Cy Ray\tcy@example.org\t98103\t\n"
    checked = client.post("/manage/paper", data={"csrf_token": csrf(page), "action": "fund-nutrition",
                                                 "table": table, "check": "1"})
    shown = text_of(checked)
    assert "2 ready to record, 1 to fix" in shown and "'bo@' is not an email address" in shown
    once = BeautifulSoup(checked.data, "html.parser").find("input", attrs={"name": "once"})["value"]
    form = {"csrf_token": csrf(checked), "action": "fund-nutrition", "table": table, "once": once, "record": "1"}
    recorded = client.post("/manage/paper", data=form)
    assert recorded.status_code == 303
    assert "2 signatures recorded" in text_of(client.get(recorded.headers["Location"]))
    assert "recorded already" in text_of(client.post("/manage/paper", data=form))  # a second press
    queued = [json.loads(raw) for raw in redis_conn.lrange(intake.PENDING, 0, -1)]
    assert [(q["email"], q["via"], q["subscribe"]) for q in queued] == [
        ("ann@example.org", "paper", True), ("cy@example.org", "paper", False)]
    intake_flush.flush(redis_conn, network)
    Outbox(redis_conn).flush(network)
    journal = {r["Email"]: r for r in network.snapshot(["Submissions"])["Submissions"].rows}
    assert (journal["ann@example.org"]["Via"], journal["ann@example.org"]["First name"]) == ("paper", "Ann")
    assert journal["cy@example.org"]["Subscribe"] is False


def test_members_download_opens_as_text(network, client, manager):
    answer = client.get("/manage/exports/members.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Email", "First name", "Last name"] and len(rows) == 61
    assert not [cell for row in rows for cell in row if cell.lstrip(" ")[:1] in ("=", "+", "-", "@")]


def test_the_shares_trail_is_prepared_by_a_worker_then_downloaded(network, client, manager, worker):
    page = client.get("/manage/people")
    started = client.post("/manage/exports", data={"csrf_token": csrf(page), "kind": "shares"})
    assert started.status_code == 303
    worker()
    ready = client.get(started.headers["Location"])
    link = BeautifulSoup(ready.data, "html.parser").find("a", attrs={"download": True})["href"]
    download = client.get(link)
    assert download.status_code == 200 and download.get_data(as_text=True).lstrip("\ufeff").startswith('"At","Run"')


def test_a_manager_makes_a_key_sees_it_once_and_turns_it_off(network, client, manager, redis_conn):
    page = client.get("/manage/api-keys")
    made = client.post("/manage/api-keys", data={"csrf_token": csrf(page), "label": "Mailchimp sync",
                                                  "group": "Tacoma Hunger Coalition"})
    token = BeautifulSoup(made.data, "html.parser").find("input", id="new-key-token")["value"]
    assert api_keys.lookup(redis_conn, token).group == "Tacoma Hunger Coalition"
    again = client.get("/manage/api-keys")
    assert token not in again.get_data(as_text=True) and "Mailchimp sync" in text_of(again)
    revoke = BeautifulSoup(again.data, "html.parser").find("form", action=lambda a: a and a.endswith("/revoke"))
    assert client.post(revoke["action"], data={"csrf_token": csrf(again)}).status_code == 303
    assert api_keys.lookup(redis_conn, token) is None


def test_a_partner_downloads_its_own_list_and_nothing_else(network, client, redis_conn):
    from services import links

    token, _ = links.create(redis_conn, "Priya", "Tacoma Hunger Coalition")
    client.get(f"/l/{token}")
    answer = client.get("/partner/list.csv")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    tacoma = {r["Email"] for r in network.snapshot(["List – Tacoma Hunger Coalition"])[
        "List – Tacoma Hunger Coalition"].rows}
    assert {r[0] for r in rows[1:]} == tacoma and len(rows) == 26
    assert client.get("/manage/exports/members.csv").status_code == 403

"""The API as an outside tool meets it: `requests` against a running server, keys in a header."""
import json

import pytest
import requests

from services import api_keys, intake, intake_flush, intake_plan, mirror_refresh, runs, sharing, signature_index
from services.demo import fill_demo
from services.outbox import Outbox

HOME, TACOMA, OLYMPIA = "Seattle RESULTS", "Tacoma Hunger Coalition", "Olympia Faith Network"


@pytest.fixture
def network(open_workbook, redis_conn, settings_overrides):
    """The demo network read into the mirror and the signature index, as the jobs leave them."""
    from services.config import Settings

    workbook = open_workbook(tabs=(), attempts=3)
    fill_demo(workbook)
    settings = Settings(**{k: v for k, v in settings_overrides.items() if k != "testing"})
    mirror_refresh.refresh(redis_conn, workbook, settings=settings, force=True)
    signature_index.rebuild(redis_conn, workbook.snapshot(["Submissions"])["Submissions"])
    return workbook


@pytest.fixture
def api(live_server, app):
    return live_server + "/api/v1"


def key_for(redis_conn, group):
    token, _ = api_keys.create(redis_conn, group, f"{group} sync")
    return {"OSDI-API-Token": token}


def test_a_tool_pages_through_the_people_25_at_a_time_by_next_links(network, redis_conn, api):
    headers = key_for(redis_conn, HOME)
    first = requests.get(f"{api}/people", headers=headers, timeout=10)
    assert first.status_code == 200 and first.headers["Content-Type"] == "application/hal+json"
    body = first.json()
    assert (body["page"], body["per_page"], body["total_pages"], body["total_records"]) == (1, 25, 3, 60)
    seen, url = [], f"{api}/people"
    while url:
        page = requests.get(url, headers=headers, timeout=10).json()
        seen += page["_embedded"]["osdi:people"]
        url = page["_links"].get("next", {}).get("href")
    assert len(seen) == 60 and len({p["identifiers"][0] for p in seen}) == 60
    person = seen[0]
    assert {"identifiers", "given_name", "family_name", "email_addresses", "created_date", "modified_date",
            "_links"} <= set(person)
    again = requests.get(person["_links"]["self"]["href"], headers=headers, timeout=10).json()
    assert again["identifiers"] == person["identifiers"]


def test_a_request_without_a_key_or_with_a_revoked_one_is_refused(network, redis_conn, api):
    assert requests.get(f"{api}/people", timeout=10).status_code == 401
    token, key = api_keys.create(redis_conn, HOME, "old")
    assert requests.get(f"{api}/people", headers={"OSDI-API-Token": token}, timeout=10).status_code == 200
    api_keys.revoke(redis_conn, key.key_hash)
    refused = requests.get(f"{api}/people", headers={"OSDI-API-Token": token}, timeout=10)
    assert refused.status_code == 401 and "OSDI-API-Token" in refused.json()["error"]


def test_a_partner_key_cannot_read_another_groups_people_and_gets_404(network, redis_conn, api):
    home, tacoma, olympia = (key_for(redis_conn, g) for g in (HOME, TACOMA, OLYMPIA))
    olympia_people = requests.get(f"{api}/people", headers=olympia, timeout=10).json()
    olympia_person = olympia_people["_embedded"]["osdi:people"][0]["_links"]["self"]["href"]
    member = requests.get(f"{api}/people", headers=home, timeout=10).json()["_embedded"]["osdi:people"][0]
    for href in (olympia_person, member["_links"]["self"]["href"], f"{api}/people/no-such-id"):
        answer = requests.get(href, headers=tacoma, timeout=10)
        assert answer.status_code == 404, href
        assert answer.json()["error"] == "No such person."  # the same words whether it exists or not
    assert requests.get(olympia_person + "/signatures", headers=tacoma, timeout=10).status_code == 404
    own = requests.get(f"{api}/people", headers=tacoma, timeout=10).json()
    assert own["total_records"] == 25  # its own list, nobody else's
    emails = {p["email_addresses"][0]["address"] for p in own["_embedded"]["osdi:people"]}
    assert all(not e.startswith("olympia.") for e in emails)


def test_a_partner_key_sees_only_its_own_sponsor_rows_and_signers_on_its_list(network, redis_conn, api):
    tacoma = key_for(redis_conn, TACOMA)
    petitions = requests.get(f"{api}/petitions", headers=tacoma, timeout=10).json()["_embedded"]["osdi:petitions"]
    assert petitions and all([s["group"] for s in p["actnet:sponsors"]] == [TACOMA] for p in petitions)
    on_list = {p["email_addresses"][0]["address"] for p in requests.get(
        f"{api}/people", headers=tacoma, timeout=10).json()["_embedded"]["osdi:people"]}
    signatures = requests.get(f"{api}/petitions/fund-nutrition/signatures", headers=tacoma, timeout=10).json()
    for sig in signatures["_embedded"]["osdi:signatures"]:
        person = requests.get(sig["_links"]["osdi:person"]["href"], headers=tacoma, timeout=10).json()
        assert person["email_addresses"][0]["address"] in on_list


def test_the_signature_helper_records_a_signature_through_intake_with_via_api(network, redis_conn, api):
    headers = key_for(redis_conn, HOME)
    body = {"person": {"given_name": "Ann", "family_name": "Lee",
                       "email_addresses": [{"address": "Ann.Lee@Example.org"}],
                       "postal_addresses": [{"postal_code": "98101"}]},
            "add_tags": ["volunteer"], "triggers": {"autoresponse": {"enabled": True}}}
    answer = requests.post(f"{api}/petitions/fund-nutrition/record_signature_helper", headers=headers,
                           json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    signature = answer.json()
    assert signature["action_network:via"] == "api" and signature["identifiers"][0].startswith("actnet:")
    queued = [json.loads(raw) for raw in redis_conn.lrange(intake.PENDING, 0, -1)]
    assert [(q["email"], q["via"], q["answers"]) for q in queued] == [
        ("ann.lee@example.org", "api", [["Tags", "volunteer"]])]
    listed = requests.get(f"{api}/petitions/fund-nutrition/signatures", headers=headers, timeout=10).json()
    last_page = requests.get(f"{api}/petitions/fund-nutrition/signatures?page={listed['total_pages']}",
                             headers=headers, timeout=10).json()
    assert last_page["_embedded"]["osdi:signatures"][-1]["identifiers"] == signature["identifiers"]

    intake_flush.flush(redis_conn, network)  # what the worker does within seconds
    Outbox(redis_conn).flush(network)
    row = next(r for r in network.snapshot(["Submissions"])["Submissions"].rows
               if r["Email"] == "ann.lee@example.org")
    assert (row["Via"], row["Action"], "actnet:" + row["Id"]) == ("api", "fund-nutrition",
                                                                  signature["identifiers"][0])
    assert proportional_shares_of(row.values) == []  # R2: shared with nobody
    summary = runs.run(network, redis_conn, seed=3)  # the sharing run, on the sheet as it now is
    shares = network.snapshot(["Shares"])["Shares"].rows
    assert summary.shares > 0  # the run did share other people with the owed sponsors
    assert not [r for r in shares if r["Email"] == "ann.lee@example.org" and r["Kind"] != "delivery"]
    assert proportional_shares_of({**row.values, "Via": "web"}) == [
        {"activist": "ann.lee@example.org", "group": "tacoma"}]  # the check can fail


def proportional_shares_of(values):
    """What a proportional run gives an owed sponsor, with this submission in the record
    (its source from Via, as the run and the flush map it: services/intake_plan.SOURCE)."""
    scenario = {
        "seed": 1, "original_sponsor": "seattle",
        "mode_history": [{"at": "2026-01-01T00:00:00Z", "mode": "proportional"}],
        "sponsors": [{"group": "tacoma", "joined_at": "2026-01-01T00:00:00Z", "referrer_code": "tacoma-x",
                      "limit": None}],
        "submissions": [
            # Tacoma brought someone in with its code, so it is owed one activist (R12).
            {"activist": "brought@example.org", "at": "2026-01-02T00:00:00Z", "referrer_code": "tacoma-x",
             "subscribe": True, "source": "web"},
            {"activist": values["Email"], "at": "2026-01-03T00:00:00Z", "referrer_code": None,
             "subscribe": True, "source": intake_plan.SOURCE[values["Via"]]}],
        "lists": {}, "shares": [], "deliveries": []}
    return [{k: s[k] for k in ("activist", "group")} for s in sharing.allocate(scenario)["shares"]]


def test_the_helper_explains_a_bad_email_and_a_partner_key_may_not_record(network, redis_conn, api):
    home, tacoma = key_for(redis_conn, HOME), key_for(redis_conn, TACOMA)
    bad = requests.post(f"{api}/petitions/fund-nutrition/signatures", headers=home, timeout=10, json={
        "person": {"email_addresses": [{"address": "bob@"}], "postal_addresses": [{"postal_code": "98101"}]}})
    assert bad.status_code == 400
    described = bad.json()["osdi:error"]["resource_status"][0]["error_descriptions"]
    assert described[0]["properties"] == ["person.email_addresses[0].address"]
    assert "'bob@' is not an email address" in described[0]["description"]
    refused = requests.post(f"{api}/petitions/fund-nutrition/signatures", headers=tacoma, timeout=10, json={
        "person": {"email_addresses": [{"address": "ann@example.org"}]}})
    assert refused.status_code == 403
    assert requests.post(f"{api}/petitions/no-such/signatures", headers=tacoma, timeout=10,
                         json={}).status_code == 404


def test_the_openapi_description_is_served_and_shown_on_a_page(client, app):
    described = client.get("/api/v1/openapi.json")
    assert described.status_code == 200 and described.json["openapi"] == "3.1.0"
    page = client.get("/api/v1/docs")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "OSDI-API-Token" in text and "/petitions/{petition_id}/signatures" in text


def test_the_signature_index_job_reads_the_sheet_only_while_a_key_exists(network, redis_conn, localsheets,
                                                                         sheet_id, monkeypatch):
    from rq import SimpleWorker

    from services import worker_queue

    monkeypatch.setenv("SHEETS_URL", localsheets.url)
    monkeypatch.setenv("SHEET_ID", sheet_id)
    redis_conn.delete(signature_index.ACTIONS)
    queue = worker_queue.queue(redis_conn)
    idle = queue.enqueue(signature_index.refresh_job)
    localsheets.reset()
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    assert idle.return_value() == 0 and localsheets.log()["reads"] == 0
    key_for(redis_conn, HOME)
    busy = queue.enqueue(signature_index.refresh_job)
    SimpleWorker([queue], connection=redis_conn).work(burst=True)
    assert busy.return_value() == 300  # the demo's submissions
    assert signature_index.of_action(redis_conn, "fund-nutrition")[1] > 0

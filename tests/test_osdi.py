"""OSDI documents and API keys, without a server: shapes, pages, hashing."""
import json

import pytest

from services import api_keys, openapi, osdi


class Urls:
    base = "https://actnet.example/api/v1"

    def entry_point(self):
        return self.base + "/"

    def people(self):
        return self.base + "/people"

    def person(self, pid):
        return f"{self.base}/people/{pid}"

    def person_signatures(self, pid):
        return f"{self.base}/people/{pid}/signatures"

    def petitions(self):
        return self.base + "/petitions"

    def petition(self, slug):
        return f"{self.base}/petitions/{slug}"

    def petition_signatures(self, slug):
        return f"{self.base}/petitions/{slug}/signatures"

    def signature(self, slug, sid):
        return f"{self.base}/petitions/{slug}/signatures/{sid}"

    def signature_helper(self, slug):
        return f"{self.base}/petitions/{slug}/record_signature_helper"

    def action_page(self, slug):
        return f"https://actnet.example/a/{slug}"


def test_a_person_has_osdi_field_names():
    doc = osdi.person({"id": "ab12", "email": "ann@example.org", "first_name": "Ann", "last_name": "Lee",
                       "zip": "98101", "status": "unsubscribed", "joined": "2026-03-01",
                       "ladder_stage": "Regular"}, Urls())
    assert doc["identifiers"] == ["actnet:ab12"]
    assert (doc["given_name"], doc["family_name"]) == ("Ann", "Lee")
    assert doc["email_addresses"] == [{"primary": True, "address": "ann@example.org", "status": "unsubscribed"}]
    assert doc["postal_addresses"] == [{"primary": True, "postal_code": "98101"}]
    assert doc["created_date"] == "2026-03-01T00:00:00Z"
    assert doc["custom_fields"] == {"Ladder stage": "Regular"}
    assert doc["_links"]["self"]["href"] == "https://actnet.example/api/v1/people/ab12"


def test_a_collection_pages_25_at_a_time_with_next_and_previous_links():
    items = list(range(60))
    page, pages = osdi.page_of(items, 2)
    assert page == list(range(25, 50)) and pages == 3
    docs = [{"_links": {"self": {"href": f"/x/{i}"}}} for i in page]
    doc = osdi.collection("osdi:people", docs, page=2, total_records=60, self_url="/p?page=2",
                          page_url=lambda n: f"/p?page={n}", docs_url="/docs")
    assert (doc["total_pages"], doc["per_page"], doc["page"], doc["total_records"]) == (3, 25, 2, 60)
    assert doc["_links"]["next"] == {"href": "/p?page=3"} and doc["_links"]["previous"] == {"href": "/p?page=1"}
    assert len(doc["_embedded"]["osdi:people"]) == 25
    last = osdi.collection("osdi:people", [], page=3, total_records=60, self_url="/p?page=3",
                           page_url=lambda n: f"/p?page={n}", docs_url="/docs")
    assert "next" not in last["_links"]


def test_the_signature_helper_body_becomes_an_api_submission():
    body = {"person": {"given_name": "Ann", "family_name": "Lee",
                       "email_addresses": [{"address": "old@example.org"}, {"address": "ann@example.org",
                                                                            "primary": True}],
                       "postal_addresses": [{"postal_code": 98101}]},
            "add_tags": ["volunteer", "nurse"], "triggers": {"autoresponse": {"enabled": True}},
            "referrer_data": {"source": "newsletter"}}
    sub = osdi.signature_submission(body, "fund-nutrition")
    assert sub == {"action": "fund-nutrition", "email": "ann@example.org", "first_name": "Ann", "last_name": "Lee",
                   "zip": "98101", "referrer_code": None, "source_code": "newsletter", "subscribe": True,
                   "via": "api", "answers": [["Tags", "volunteer, nurse"]], "shown_to": []}


@pytest.mark.parametrize("body", [None, [], {"person": "ann"}, {"person": {}, "add_tags": "x"}])
def test_a_helper_body_that_cannot_be_read_is_refused_with_the_property_named(body):
    with pytest.raises(osdi.HelperProblem) as caught:
        osdi.signature_submission(body, "x")
    assert set(caught.value.errors) <= {"person", "add_tags"}


def test_an_api_key_is_kept_only_as_its_hash_and_works_until_revoked(redis_conn):
    token, key = api_keys.create(redis_conn, "Tacoma Hunger Coalition", "  Mailchimp   sync ")
    stored = json.dumps({k.decode(): v.decode() for k, v in redis_conn.hgetall(api_keys.INDEX).items()})
    assert token not in stored and token[10:] not in stored
    assert api_keys.lookup(redis_conn, token).group == "Tacoma Hunger Coalition"
    assert key.label == "Mailchimp sync" and key.shown.startswith("actnet_")
    assert api_keys.lookup(redis_conn, token[:-1]) is None and api_keys.lookup(redis_conn, "") is None
    assert api_keys.revoke(redis_conn, key.key_hash)
    assert api_keys.lookup(redis_conn, token) is None


def test_the_openapi_document_names_every_path_and_the_token_header():
    doc = openapi.document("https://actnet.example/api/v1")
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["OSDI-API-Token"] == {
        "type": "apiKey", "in": "header", "name": "OSDI-API-Token"}
    assert {"/people", "/people/{person_id}", "/petitions/{petition_id}/signatures",
            "/petitions/{petition_id}/record_signature_helper", "/people/{person_id}/signatures"} <= set(doc["paths"])
    refs = [v for v in _walk(doc) if isinstance(v, str) and v.startswith("#/components/schemas/")]
    assert refs and all(r.rsplit("/", 1)[1] in doc["components"]["schemas"] for r in refs)


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value

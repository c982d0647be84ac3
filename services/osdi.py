"""OSDI 1.1 as Action Network speaks it: people, petitions and signatures as HAL+JSON.

Pure: records in (the mirror's people, actions and sponsors, the signature
index's signatures), documents out. Field names are OSDI's (`identifiers`,
`given_name`, `email_addresses`, `created_date`, `_links`, `_embedded`,
`total_pages`, `per_page`, `page`); link relations carry the `osdi:` curie.
Nothing here decides who may see what: the API view does, before it calls.
"""
import math
from datetime import date, datetime, time, timezone

PER_PAGE = 25
ORIGIN = "actnet"
MEDIA_TYPE = "application/hal+json"


def iso(value):
    """A date or time as OSDI writes it (UTC, Z); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        moment = datetime.combine(value, time.min, timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def identifier(value):
    return f"{ORIGIN}:{value}"


def _link(href, **extra):
    return {"href": href, **extra}


def curies(docs_url):
    return [{"name": "osdi", "href": docs_url + "#{rel}", "templated": True}]


def person(record, urls):
    """A list row (mirror fields) as an OSDI person. `urls` builds this API's links."""
    pid = record["id"]
    status = record.get("status") or "subscribed"
    doc = {
        "identifiers": [identifier(pid)],
        "origin_system": ORIGIN,
        "created_date": iso(record.get("joined")),
        "modified_date": iso(record.get("status_changed") or record.get("last_action") or record.get("joined")),
        "given_name": record.get("first_name") or None,
        "family_name": record.get("last_name") or None,
        "email_addresses": [{"primary": True, "address": record["email"], "status": status}],
        "postal_addresses": [{"primary": True, "postal_code": str(record["zip"])}] if record.get("zip") else [],
        "phone_numbers": [{"primary": True, "number": str(record["phone"])}] if record.get("phone") else [],
        "custom_fields": {k: str(record[f]) for k, f in (("Preferred contact", "preferred_contact"),
                                                          ("Ladder stage", "ladder_stage"), ("Tags", "tags"),
                                                          ("Source", "source")) if record.get(f)},
        "_links": {
            "self": _link(urls.person(pid)),
            "osdi:signatures": _link(urls.person_signatures(pid)),
        },
    }
    return doc


def petition(action, urls, sponsors=None):
    """An action as an OSDI petition; `sponsors` are the sponsor rows this key may see."""
    slug = action["slug"]
    doc = {
        "identifiers": [identifier(slug)],
        "origin_system": ORIGIN,
        "created_date": iso(action.get("created")),
        "modified_date": iso(action.get("created")),
        "name": action.get("title"),
        "title": action.get("title"),
        "description": action.get("ask"),
        "petition_text": action.get("ask"),
        "browser_url": urls.action_page(slug),
        "total_signatures": int(action.get("signatures") or 0),
        "target": [{"name": action["target"]}] if action.get("target") else [],
        "action_network:status": action.get("status"),
        "action_network:sponsor_mode": action.get("mode"),
        "_links": {
            "self": _link(urls.petition(slug)),
            "osdi:signatures": _link(urls.petition_signatures(slug)),
            "osdi:record_signature_helper": _link(urls.signature_helper(slug)),
        },
    }
    if sponsors is not None:
        doc["actnet:sponsors"] = [sponsor(s) for s in sponsors]
    return doc


def sponsor(row):
    """One sponsor row's figures (workbook.md, Sponsors)."""
    return {
        "group": row.get("group"),
        "status": row.get("status"),
        "joined_date": iso(row.get("joined_at")),
        "limit": row.get("limit"),
        "referrer_code": row.get("referrer_code"),
        "referrer_link": row.get("referrer_link"),
        "total_activists": row.get("total_activists"),
        "new_to_list": row.get("new_to_list"),
        "referrer": row.get("referrer"),
        "owed": row.get("owed"),
        "shared": row.get("shared"),
    }


def signature(record, urls, person_id=None):
    """A submission as an OSDI signature; the person link only when this key may see the person."""
    slug, sid = record["action"], record["id"]
    links = {"self": _link(urls.signature(slug, sid)), "osdi:petition": _link(urls.petition(slug))}
    if person_id:
        links["osdi:person"] = _link(urls.person(person_id))
    at = iso(record.get("at"))
    doc = {
        "identifiers": [identifier(sid)],
        "origin_system": ORIGIN,
        "created_date": at,
        "modified_date": at,
        "action_date": at,
        "action_network:via": record.get("via"),
        "_links": links,
    }
    referrer = {k: v for k, v in (("referrer", record.get("referrer_code")),
                                   ("source", record.get("source_code"))) if v}
    if referrer:
        doc["referrer_data"] = referrer
    return doc


def page_of(items, page, per_page=PER_PAGE):
    """The items on a 1-based page, and how many pages there are (at least 1)."""
    total_pages = max(1, math.ceil(len(items) / per_page))
    start = (page - 1) * per_page
    return items[start:start + per_page], total_pages


def collection(rel, docs, *, page, total_records, self_url, page_url, docs_url, per_page=PER_PAGE):
    """A HAL collection: `docs` are this page's documents; `page_url(n)` links page n."""
    total_pages = max(1, math.ceil(total_records / per_page))
    links = {"self": _link(self_url), rel: [{"href": d["_links"]["self"]["href"]} for d in docs],
             "curies": curies(docs_url)}
    if page < total_pages:
        links["next"] = _link(page_url(page + 1))
    if page > 1:
        links["previous"] = _link(page_url(min(page - 1, total_pages)))
    return {"total_pages": total_pages, "per_page": per_page, "page": page, "total_records": total_records,
            "_links": links, "_embedded": {rel: docs}}


def entry_point(urls, group, docs_url):
    return {
        "motd": f"actnet's API for {group}. Send your key in the OSDI-API-Token header.",
        "max_pagesize": PER_PAGE,
        "vendor_name": ORIGIN,
        "product_name": ORIGIN,
        "osdi_version": "1.1",
        "_links": {
            "self": _link(urls.entry_point(), title="This API entry point"),
            "osdi:people": _link(urls.people(), title="The people on this group's list"),
            "osdi:petitions": _link(urls.petitions(), title="The actions this group runs or sponsors"),
            "docs": _link(docs_url, title="Documentation", name="Docs"),
            "curies": curies(docs_url),
        },
    }


def error(status, description, code=None, properties=None, hint=None):
    """An osdi:error document (OSDI errors.md, an atomic request)."""
    detail = {"error_code": code or {400: "INVALID", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
                                     405: "METHOD_NOT_ALLOWED", 429: "TOO_MANY_REQUESTS"}.get(status, "ERROR"),
              "description": description}
    if properties:
        detail["properties"] = list(properties)
    if hint:
        detail["hint"] = hint
    # Action Network answers errors with {"error": "..."}; kept beside OSDI's shape for its clients.
    return {"error": description, "osdi:error": {"request_type": "atomic", "response_code": status,
                                                 "resource_status": [{"response_code": status,
                                                                      "error_descriptions": [detail]}]}}


# --- the record signature helper ---------------------------------------------------

# Where each of intake's fields sits in an OSDI request, for error properties.
PROPERTIES = {"email": "person.email_addresses[0].address", "first_name": "person.given_name",
              "last_name": "person.family_name", "zip": "person.postal_addresses[0].postal_code",
              "referrer_code": "referrer_data.referrer", "answers": "add_tags", "action": "petition",
              "subscribe": "person.email_addresses[0].status"}


class HelperProblem(ValueError):
    """A helper request that cannot be read; `errors` maps OSDI properties to messages."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _primary(items):
    items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    return next((i for i in items if i.get("primary")), items[0] if items else {})


def signature_submission(body, slug):
    """A record_signature_helper body as intake's submission (Via api, R2).

    Tags and comments have no column of their own in Submissions, so they are
    kept with the signature as answer lines ("Tags: …", "Comments: …").
    `triggers` are accepted and not acted on: actnet sends no autoresponse.
    """
    if not isinstance(body, dict) or not isinstance(body.get("person"), dict):
        raise HelperProblem({"person": "Send a JSON object with a `person` (email_addresses, given_name, "
                                       "family_name, postal_addresses)."})
    who = body["person"]
    email = _primary(who.get("email_addresses"))
    address = _primary(who.get("postal_addresses"))
    tags = body.get("add_tags", who.get("add_tags")) or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise HelperProblem({"add_tags": "add_tags is a list of tag names."})
    referrer = body.get("referrer_data") if isinstance(body.get("referrer_data"), dict) else {}
    answers = []
    if tags:
        answers.append(["Tags", ", ".join(t.strip() for t in tags if t.strip())])
    if isinstance(body.get("comments"), str) and body["comments"].strip():
        answers.append(["Comments", body["comments"].strip()])
    return {
        "action": slug,
        "email": email.get("address") if isinstance(email.get("address"), str) else "",
        "first_name": who.get("given_name") if isinstance(who.get("given_name"), str) else "",
        "last_name": who.get("family_name") if isinstance(who.get("family_name"), str) else "",
        "zip": str(address.get("postal_code") or "") if isinstance(address.get("postal_code"), (str, int)) else "",
        "referrer_code": referrer.get("referrer") if isinstance(referrer.get("referrer"), str) else None,
        "source_code": referrer.get("source") if isinstance(referrer.get("source"), str) else None,
        # Action Network's convention: a person posted unsubscribed is recorded, not subscribed.
        "subscribe": str(email.get("status") or "subscribed").lower() != "unsubscribed",
        "via": "api",  # R2: never shared with additional sponsors, never counts towards what they are owed
        "answers": answers,
        "shown_to": [],  # no actnet page showed this person a consent line
    }

"""The API described for tools and people: an OpenAPI 3.1 document, built once per base URL."""
from services.osdi import MEDIA_TYPE, PER_PAGE

def _hal(schema):
    return {MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _error(description):
    return {"description": description, "content": _hal("Error")}


PAGE = {"name": "page", "in": "query", "required": False, "description": f"1-based; {PER_PAGE} records a page.",
        "schema": {"type": "integer", "minimum": 1, "default": 1}}


def _path_id(name, description):
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


PERSON_ID = _path_id("person_id", "The person's id (the Id column of their list).")
PETITION_ID = _path_id("petition_id", "The action's slug.")
SIGNATURE_ID = _path_id("signature_id", "The submission's Id.")

COMMON_ERRORS = {
    "401": _error("No key, or a key that is unknown or revoked."),
    "404": _error("Not found, or not this key's to see (the two are never told apart)."),
    "429": _error("Too many requests with this key; wait for the Retry-After seconds."),
}


def _get(summary, description, schema, params=(), tag="people"):
    return {"get": {"summary": summary, "description": description, "tags": [tag], "parameters": list(params),
                    "responses": {"200": {"description": summary, "content": _hal(schema)}, **COMMON_ERRORS}}}


HELPER = {
    "summary": "Record a signature (record_signature_helper)",
    "description": (
        "Creates a signature on the action, through the same intake as the action page, with Via `api`. "
        "The person is matched by email (trimmed, lower-cased). Rule R2: a signature through the API is never "
        "shared with additional sponsors and never counts towards what they are owed; the original sponsor "
        "receives the person (R1), subscribed unless `email_addresses[].status` is `unsubscribed`. `add_tags` and "
        "`comments` are kept with the signature as answer lines. `triggers` are accepted and not acted on. "
        "Only the home group's key may record signatures."),
    "tags": ["signatures"],
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/SignatureHelper"},
        "example": {"person": {"given_name": "Ann", "family_name": "Lee",
                               "email_addresses": [{"address": "ann@example.org"}],
                               "postal_addresses": [{"postal_code": "98101"}]},
                    "add_tags": ["volunteer"], "triggers": {"autoresponse": {"enabled": True}}}}}},
    "responses": {"200": {"description": "The signature recorded", "content": _hal("Signature")},
                  "400": _error("The request can't be taken; each problem names its property."),
                  "403": _error("This key may read but not record signatures (a partner group's key)."),
                  **COMMON_ERRORS},
}


def document(base_url):
    """The OpenAPI document for the API served under `base_url` (…/api/v1)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "actnet API (OSDI 1.1)",
            "version": "1.1",
            "description": (
                "The people, actions and signatures of an action network, in the Open Supporter Data "
                "Interface (OSDI) 1.1 as Action Network speaks it: HAL+JSON, `identifiers`, `created_date`, "
                "`_links`, `_embedded`, 25 records a page with `next` links. Each group has its own keys, made "
                "and revoked by a manager; send one in the `OSDI-API-Token` header. The home group's key sees "
                "the network; a partner group's key sees its own list, the actions it sponsors and its own "
                "sponsor rows, and answers 404 for anything else, so ids do not leak. Each key is rate limited."),
        },
        "servers": [{"url": base_url}],
        "security": [{"OSDI-API-Token": []}],
        "tags": [{"name": "people"}, {"name": "petitions"}, {"name": "signatures"}],
        "paths": {
            "/": _get("API entry point", "Links to the collections this key may read.", "EntryPoint", tag="people"),
            "/people": _get("People on this key's list", "The home group's Members, or a partner's own list.",
                            "PeopleCollection", [PAGE]),
            "/people/{person_id}": _get("One person", "404 unless the person is on this key's list.", "Person",
                                        [PERSON_ID]),
            "/people/{person_id}/signatures": _get(
                "A person's signatures", "On the actions this key may see.", "SignatureCollection",
                [PERSON_ID, PAGE], tag="signatures"),
            "/petitions": _get("Actions", "Every action (home key), or the actions a partner sponsors.",
                               "PetitionCollection", [PAGE], tag="petitions"),
            "/petitions/{petition_id}": _get("One action", "With the sponsor rows this key may see.", "Petition",
                                             [PETITION_ID], tag="petitions"),
            "/petitions/{petition_id}/signatures": {
                **_get("An action's signatures", "A partner's key lists only people now on its own list.",
                       "SignatureCollection", [PETITION_ID, PAGE], tag="signatures"),
                "post": {**HELPER, "parameters": [PETITION_ID],
                         "summary": "Record a signature (Action Network's form of the helper)"},
            },
            "/petitions/{petition_id}/signatures/{signature_id}": _get(
                "One signature", "404 unless this key may see it.", "Signature", [PETITION_ID, SIGNATURE_ID],
                tag="signatures"),
            "/petitions/{petition_id}/record_signature_helper": {"post": {**HELPER, "parameters": [PETITION_ID]}},
        },
        "components": {
            "securitySchemes": {"OSDI-API-Token": {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}},
            "schemas": SCHEMAS,
        },
    }


def _collection(rel, item):
    return {"type": "object", "required": ["total_pages", "per_page", "page", "total_records", "_links", "_embedded"],
            "properties": {"total_pages": {"type": "integer"}, "per_page": {"type": "integer", "const": PER_PAGE},
                           "page": {"type": "integer"}, "total_records": {"type": "integer"},
                           "_links": {"type": "object", "properties": {
                               "self": {"$ref": "#/components/schemas/Link"},
                               "next": {"$ref": "#/components/schemas/Link"},
                               "previous": {"$ref": "#/components/schemas/Link"}}},
                           "_embedded": {"type": "object", "properties": {
                               rel: {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}}}}}


_STR = {"type": "string"}
_TIME = {"type": "string", "format": "date-time"}
_LINKS = {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Link"}}
SCHEMAS = {
    "Link": {"type": "object", "required": ["href"], "properties": {"href": {"type": "string", "format": "uri"}}},
    "EntryPoint": {"type": "object", "properties": {"motd": _STR, "max_pagesize": {"type": "integer"},
                                                    "osdi_version": _STR, "_links": _LINKS}},
    "Person": {"type": "object", "properties": {
        "identifiers": {"type": "array", "items": _STR}, "created_date": _TIME, "modified_date": _TIME,
        "given_name": _STR, "family_name": _STR,
        "email_addresses": {"type": "array", "items": {"type": "object", "properties": {
            "primary": {"type": "boolean"}, "address": {"type": "string", "format": "email"},
            "status": {"enum": ["subscribed", "unsubscribed"]}}}},
        "postal_addresses": {"type": "array", "items": {"type": "object", "properties": {
            "primary": {"type": "boolean"}, "postal_code": _STR}}},
        "phone_numbers": {"type": "array", "items": {"type": "object", "properties": {"number": _STR}}},
        "custom_fields": {"type": "object", "additionalProperties": _STR}, "_links": _LINKS}},
    "Petition": {"type": "object", "properties": {
        "identifiers": {"type": "array", "items": _STR}, "created_date": _TIME, "title": _STR, "description": _STR,
        "petition_text": _STR, "browser_url": {"type": "string", "format": "uri"},
        "total_signatures": {"type": "integer"}, "target": {"type": "array", "items": {
            "type": "object", "properties": {"name": _STR}}},
        "actnet:sponsors": {"type": "array", "items": {"$ref": "#/components/schemas/Sponsor"}}, "_links": _LINKS}},
    "Sponsor": {"type": "object", "properties": {
        "group": _STR, "status": _STR, "joined_date": _TIME, "limit": {"type": ["integer", "null"]},
        "referrer_code": _STR, "referrer_link": _STR, "total_activists": {"type": ["integer", "null"]},
        "new_to_list": {"type": ["integer", "null"]}, "referrer": {"type": ["integer", "null"]},
        "owed": {"type": ["integer", "null"]}, "shared": {"type": ["integer", "null"]}}},
    "Signature": {"type": "object", "properties": {
        "identifiers": {"type": "array", "items": _STR}, "created_date": _TIME, "modified_date": _TIME,
        "action_date": _TIME, "referrer_data": {"type": "object", "properties": {"referrer": _STR, "source": _STR}},
        "action_network:via": {"enum": ["web", "api", "paper"]}, "_links": _LINKS}},
    "SignatureHelper": {"type": "object", "required": ["person"], "properties": {
        "person": {"type": "object", "required": ["email_addresses"], "properties": {
            "given_name": _STR, "family_name": _STR,
            "email_addresses": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["address"],
                                                                           "properties": {"address": _STR,
                                                                                          "status": _STR}}},
            "postal_addresses": {"type": "array", "items": {"type": "object", "properties": {"postal_code": _STR}}}}},
        "add_tags": {"type": "array", "items": _STR}, "comments": _STR,
        "referrer_data": {"type": "object", "properties": {"referrer": _STR, "source": _STR}},
        "triggers": {"type": "object", "properties": {"autoresponse": {"type": "object", "properties": {
            "enabled": {"type": "boolean"}}}}}}},
    "Error": {"type": "object", "properties": {"error": _STR, "osdi:error": {"type": "object"}}},
    "PeopleCollection": _collection("osdi:people", "Person"),
    "PetitionCollection": _collection("osdi:petitions", "Petition"),
    "SignatureCollection": _collection("osdi:signatures", "Signature"),
}

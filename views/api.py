"""The API under /api/v1: OSDI 1.1 in HAL+JSON, as Action Network speaks it.

A key (OSDI-API-Token header) belongs to a group: the home group's sees the
network, a partner's only its own list and sponsor rows (services/api_directory).
Anything a key may not see is 404, as if it did not exist. Reads come from the
mirror; a signature goes through the same intake as the action page, Via api.
"""
import json

from flask import Blueprint, Response, abort, g, render_template, request, url_for

from services import api_keys, intake, openapi, osdi, signature_index
from services.api_directory import Directory
from views import redis_connection, settings
from views.protection import csrf, limiter, rate_limited

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # a key in a header, not a cookie: nothing for a CSRF token to protect

TOKEN_HEADER = "OSDI-API-Token"
PER_ADDRESS = "600 per minute"  # also counts requests with unknown keys, so guessing is slow
OPEN = ("api.openapi_json", "api.docs")


def key_for_limit():
    """The rate limit's bucket: the key's hash (the key itself never reaches Redis)."""
    return "api-key:" + api_keys.key_hash(request.headers.get(TOKEN_HEADER, ""))


def limited(view):
    return rate_limited(limiter.limit(PER_ADDRESS),
                        limiter.limit(lambda: settings().ratelimit_per_api_key, key_func=key_for_limit))(view)


def hal(document, status=200):
    response = Response(json.dumps(document), status=status, mimetype=osdi.MEDIA_TYPE)
    response.headers["Cache-Control"] = "max-age=0, private, must-revalidate"
    return response


def problem(status, description, **details):
    return hal(osdi.error(status, description, **details), status)


@bp.before_request
def authenticate():
    """Every API call but the description needs a live key; its group decides what it sees."""
    if request.endpoint in OPEN:
        return None
    key = api_keys.lookup(redis_connection(), request.headers.get(TOKEN_HEADER))
    if key is None:
        response = problem(401, f"Send a valid API key in the {TOKEN_HEADER} header. A manager makes keys on "
                                f"the API keys page.")
        response.headers["WWW-Authenticate"] = TOKEN_HEADER
        return response
    api_keys.note_use(redis_connection(), key)
    g.api_key = key
    g.directory = Directory(redis_connection(), key.group)
    return None


class Urls:
    """This API's addresses, absolute as OSDI links are, on the host the client called
    (a tool on the local network and one outside both get links they can follow)."""

    def _u(self, endpoint, **values):
        return url_for(endpoint, _external=True, **values)

    def entry_point(self):
        return self._u("api.entry_point")

    def people(self):
        return self._u("api.people")

    def person(self, pid):
        return self._u("api.person", person_id=pid)

    def person_signatures(self, pid):
        return self._u("api.person_signatures", person_id=pid)

    def petitions(self):
        return self._u("api.petitions")

    def petition(self, slug):
        return self._u("api.petition", slug=slug)

    def petition_signatures(self, slug):
        return self._u("api.petition_signatures", slug=slug)

    def signature(self, slug, sid):
        return self._u("api.signature", slug=slug, signature_id=sid)

    def signature_helper(self, slug):
        return self._u("api.record_signature_helper", slug=slug)

    def action_page(self, slug):
        return settings().base_url + url_for("public.action_page", slug=slug)  # the address people are sent

    def docs(self):
        return self._u("api.docs")


def page_number():
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(hal(osdi.error(400, "page is a whole number, 1 or more.", properties=["page"]), 400))
    if page < 1:
        abort(hal(osdi.error(400, "page is a whole number, 1 or more.", properties=["page"]), 400))
    return page


def listing(rel, docs_for, items, endpoint, **values):
    urls, page = Urls(), page_number()
    on_page, _ = osdi.page_of(items, page)
    return hal(osdi.collection(rel, docs_for(on_page, urls), page=page, total_records=len(items),
                               self_url=urls._u(endpoint, page=page, **values),
                               page_url=lambda n: urls._u(endpoint, page=n, **values), docs_url=urls.docs()))


@bp.get("/")
@limited
def entry_point():
    """The API entry point: links to what this key may read."""
    urls = Urls()
    return hal(osdi.entry_point(urls, g.api_key.group, urls.docs()))


@bp.get("/people")
@limited
def people():
    """This key's list, 25 people a page."""
    return listing("osdi:people", lambda page, urls: [osdi.person(p, urls) for p in page],
                   g.directory.people(), "api.people")


@bp.get("/people/<person_id>")
@limited
def person(person_id):
    """One person on this key's list; 404 for anyone else."""
    found = g.directory.person(person_id)
    if found is None:
        return problem(404, "No such person.")
    return hal(osdi.person(found, Urls()))


@bp.get("/people/<person_id>/signatures")
@limited
def person_signatures(person_id):
    """The person's signatures on the actions this key may see."""
    found = g.directory.person(person_id)
    if found is None:
        return problem(404, "No such person.")
    return listing("osdi:signatures", _signature_docs, g.directory.signatures_of(found), "api.person_signatures",
                   person_id=person_id)


@bp.get("/petitions")
@limited
def petitions():
    """The actions this key may see, 25 a page."""
    directory = g.directory
    return listing("osdi:petitions",
                   lambda page, urls: [osdi.petition(a, urls, directory.sponsors(a["slug"])) for a in page],
                   directory.petitions(), "api.petitions")


@bp.get("/petitions/<slug>")
@limited
def petition(slug):
    """One action with the sponsor rows this key may see."""
    action = g.directory.petition(slug)
    if action is None:
        return problem(404, "No such petition.")
    return hal(osdi.petition(action, Urls(), g.directory.sponsors(slug)))


@bp.get("/petitions/<slug>/signatures")
@limited
def petition_signatures(slug):
    """An action's signatures; a partner's key lists only people now on its own list."""
    if g.directory.petition(slug) is None:
        return problem(404, "No such petition.")
    return listing("osdi:signatures", _signature_docs, g.directory.signatures(slug), "api.petition_signatures",
                   slug=slug)


@bp.get("/petitions/<slug>/signatures/<signature_id>")
@limited
def signature(slug, signature_id):
    """One signature this key may see."""
    found = g.directory.signature(slug, signature_id) if g.directory.petition(slug) else None
    if found is None:
        return problem(404, "No such signature.")
    record, person_id = found
    return hal(osdi.signature(record, Urls(), person_id))


def _signature_docs(page, urls):
    return [osdi.signature(record, urls, person_id) for record, person_id in page]


@bp.post("/petitions/<slug>/signatures")
@bp.post("/petitions/<slug>/record_signature_helper")
@limited
def record_signature_helper(slug):
    """Record a signature through intake, Via api (R2: never shared with additional sponsors)."""
    if g.directory.petition(slug) is None:
        return problem(404, "No such petition.")
    if not g.directory.is_home:
        return problem(403, "A partner group's key reads its own list and sponsor rows; only the home group's "
                            "key records signatures.")
    body = request.get_json(silent=True)
    try:
        submission = osdi.signature_submission(body, slug)
        accepted = intake.accept(redis_connection(), submission)
    except osdi.HelperProblem as exc:
        return _refused(exc.errors)
    except intake.Invalid as exc:
        return _refused({osdi.PROPERTIES.get(field, field): message for field, message in exc.errors.items()})
    record = signature_index.add(redis_connection(), accepted.id, submission)
    return hal(osdi.signature(record, Urls(), g.directory.person_id_of(submission["email"])))


def _refused(errors):
    first = next(iter(errors.values()))
    response = hal(osdi.error(400, first, properties=list(errors)), 400)
    body = json.loads(response.get_data())
    body["osdi:error"]["resource_status"][0]["error_descriptions"] = [
        {"error_code": "INVALID", "description": message, "properties": [prop]} for prop, message in errors.items()]
    response.set_data(json.dumps(body))
    return response


@bp.get("/openapi.json")
def openapi_json():
    """The API's OpenAPI 3.1 description (no key needed)."""
    response = Response(json.dumps(openapi.document(url_for("api.entry_point", _external=True).rstrip("/")),
                                   indent=1), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # so any API tool can read the description
    return response


@bp.get("/docs")
def docs():
    """The OpenAPI description as a page people read."""
    document = openapi.document(url_for("api.entry_point", _external=True).rstrip("/"))
    return render_template("api_docs.html", doc=document, token_header=TOKEN_HEADER, per_page=osdi.PER_PAGE)


@bp.app_template_filter("code_spans")
def code_spans(text):
    """`name` in the description's text as <code>name</code>, the rest escaped."""
    import re

    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text or ""))))


@bp.errorhandler(404)
def not_found(_):
    return problem(404, "Not found.")


@bp.errorhandler(405)
def wrong_method(_):
    return problem(405, f"{request.method} is not used here.")


@bp.errorhandler(429)
def too_many(exc):
    response = problem(429, "Too many requests with this key. Wait a little and try again.")
    response.headers["Retry-After"] = "60"
    return response


@bp.errorhandler(500)
def fault(_):
    return problem(500, "Something went wrong on our side. Try again in a few minutes.")

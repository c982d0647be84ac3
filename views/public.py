"""Pages anyone may open: the home page, the health check, action pages, thank-you, unsubscribe.

They read only the mirror (Redis) and write only through intake and the
outbox: nothing here waits for Google.
"""
import io
import re
import time
from urllib.parse import quote, urlencode

import redis
import segno
from flask import Blueprint, abort, current_app, jsonify, make_response, redirect, render_template, request, url_for

from services import consent as consent_rules
from services import health, intake, unsubscribe
from services.mirror import Mirror
from views import htmx, redis_connection, settings, sheets_probe
from views.forms import UnsubscribeForm, sign_form
from views.protection import csrf, limiter, rate_limited, slow_down_page

bp = Blueprint("public", __name__)

SOURCE_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
STALE = "This page was open too long, so here it is again with what you typed. Check it and press Sign."
SLOW_DOWN = ("Too many signatures came from your connection just now. Wait a minute, then press Sign again: "
             "what you typed is kept.")
NOT_SAVED = "Your signature could not be saved just now. Please press Sign again in a minute."


def per_address():
    return settings().ratelimit_per_address


def per_action():
    return settings().ratelimit_per_action


def action_key():
    return f"action:{request.view_args.get('slug', '')}"


@bp.app_template_filter("join_names")
def join_names(names):
    """["A", "B", "C"] -> "A, B and C"."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@bp.app_context_processor
def text_helpers():
    return {"paragraphs": paragraphs}


def paragraphs(text):
    """A manager's text as paragraphs (blank lines between them); never links, never markup."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


@bp.get("/")
def home():
    """Say what this instance is and for whom."""
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    """Each part's state as JSON; 503 when any part is down."""
    ok, report = health.report(redis_connection(), sheets_probe())
    response = jsonify(report)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


# --- action pages ---------------------------------------------------------------

def mirror():
    return Mirror(redis_connection())


# Signing reads the action and its sponsors as the mirror had them up to this
# long ago, kept per process: a burst of signatures then costs one Redis call
# each (intake's) instead of three. What a page shows is always read fresh.
RECENT_SECONDS = 2.0


def action_and_sponsors(slug, recent=False):
    memo = current_app.extensions.setdefault("actnet.recent_actions", {})
    now = time.monotonic()
    if recent and slug in memo and now - memo[slug][0] < RECENT_SECONDS:
        return memo[slug][1:]
    m = mirror()
    action = m.action(slug)
    sponsors = m.sponsors(slug) if action else []
    if recent and action:
        if len(memo) > 256:
            memo.clear()
        memo[slug] = (now, action, sponsors)
    return action, sponsors


def open_action(slug, recent=False):
    """The Live action and its sponsors, or a page saying why not: 404 unknown or draft, 410 closed."""
    action, sponsors = action_and_sponsors(slug, recent)
    if action is None or action.get("status") not in ("Live", "Closed"):
        abort(make_response(render_template(
            "action_gone.html", heading="We can't find this action",
            message=["The link may be mistyped, or the action isn't open yet.",
                     "If someone sent it to you, ask them to check it."]), 404))
    if action["status"] == "Closed":
        abort(make_response(render_template(
            "action_gone.html", heading=action["title"],
            message=["This action has ended. Thank you for caring about it."]), 410))
    return action, sponsors


def referrer_code():
    """?ref= as given, trimmed (R10 matches it exactly); never shown as a link."""
    return (request.args.get("ref") or "").strip()[:64] or None


def source_code():
    """?source= kept only when it is letters, digits, - and _."""
    source = request.args.get("source") or ""
    return source if SOURCE_CODE.fullmatch(source) else None


def action_query(ref, source=None):
    return {k: v for k, v in (("ref", ref), ("source", source)) if v}


def consent_for(action, sponsors, ref):
    original = action.get("original_sponsor") or mirror().home_group()["name"] or settings().instance_name
    return consent_rules.consent_for(action, sponsors, original, ref)


def show_form(action, sponsors, form, notice=None, status=200):
    """The action page, or only its form when htmx asked for the form (#sign)."""
    ref = referrer_code()
    context = {"action": action, "form": form, "notice": notice, "consent": consent_for(action, sponsors, ref),
               "post_url": url_for("public.sign_action", slug=action["slug"], **action_query(ref, source_code()))}
    template = "_sign_form.html" if htmx and htmx.target == "sign" else "action.html"
    return render_template(template, **context), status


@bp.get("/a/<slug>")
def action_page(slug):
    """The action: what, to whom, who asks, and the form. Sets no cookie."""
    action, sponsors = open_action(slug)
    return show_form(action, sponsors, sign_form(action))


@bp.post("/a/<slug>")
@csrf.exempt  # its token is checked by the form itself (views/protection.PublicFormCSRF)
@rate_limited(limiter.limit(per_address, methods=["POST"]),
              limiter.limit(per_action, key_func=action_key, methods=["POST"]))
def sign_action(slug):
    """Take a signature: to intake (one Redis call), then to the thank-you page."""
    action, sponsors = open_action(slug, recent=True)
    form = sign_form(action)
    ref = referrer_code()
    if form.filled_by_a_bot():
        return to_thanks(action, ref)
    if not form.validate():
        return show_form(action, sponsors, form, notice=STALE if form.stale else None)
    submission = {
        "action": slug, "email": form.email.data, "first_name": (form.first_name.data or "").strip(),
        "last_name": (form.last_name.data or "").strip(), "zip": form.zip.data, "referrer_code": ref,
        "source_code": source_code(), "subscribe": form.subscribe.data, "via": "web",
        "answers": form.answers(), "shown_to": consent_for(action, sponsors, ref).shown_to,
    }
    try:
        intake.accept(redis_connection(), submission)
    except intake.Invalid as exc:
        return show_form(action, sponsors, form, notice=beside_fields(form, exc.errors))
    except redis.RedisError:
        return show_form(action, sponsors, form, notice=NOT_SAVED, status=503)
    return to_thanks(action, ref)


def beside_fields(form, errors):
    """Intake's messages beside their fields; one without a field on the form becomes the notice."""
    elsewhere = []
    for name, message in errors.items():
        if name in ("first_name", "last_name", "email", "zip"):
            getattr(form, name).errors = [message]
        else:
            elsewhere.append(message)
    return " ".join(elsewhere) or None


def to_thanks(action, ref):
    """303 to the thank-you page; with htmx, the same page without reloading htmx."""
    where = url_for("public.thank_you", slug=action["slug"], **action_query(ref))
    if htmx:
        response = make_response("", 200)
        response.headers["HX-Location"] = (
            f'{{"path": "{where}", "target": "body", "swap": "innerHTML show:window:top"}}')
        return response
    return redirect(where, 303)


@bp.errorhandler(429)
def slow_down(exc):
    """A flood is slowed: the sign form comes back with its words and what was typed."""
    if request.endpoint != "public.sign_action":
        return slow_down_page()
    action, sponsors = open_action(request.view_args["slug"], recent=True)
    body, _ = show_form(action, sponsors, sign_form(action), notice=SLOW_DOWN, status=429)
    return body, 429, {"Retry-After": "60"}


def share_url(action, ref):
    """The link a signer passes on: it keeps their referrer code, so the referral counts (R10)."""
    query = urlencode(action_query(ref))
    return settings().base_url + url_for("public.action_page", slug=action["slug"]) + (f"?{query}" if query else "")


@bp.get("/a/<slug>/thanks")
def thank_you(slug):
    """The action's thank-you text, and ways to pass the link on that keep the referrer code."""
    action, _ = open_action(slug)
    ref = referrer_code()
    link = share_url(action, ref)
    message = f"I just signed “{action['title']}”. Will you sign too? {link}"
    return render_template(
        "thanks.html", action=action, share_url=link,
        sms=f"sms:?&body={quote(message)}", whatsapp=f"https://wa.me/?text={quote(message)}",
        mailto=f"mailto:?subject={quote(action['title'])}&body={quote(message)}",
        qr_url=url_for("public.action_qr", slug=slug, **action_query(ref)))


@bp.get("/a/<slug>/qr.svg")
def action_qr(slug):
    """The action link (with its referrer code) as a QR code, for a flyer at a table."""
    action, _ = open_action(slug, recent=True)
    out = io.BytesIO()
    segno.make(share_url(action, referrer_code()), error="m").save(out, kind="svg", border=2, xmldecl=False,
                                                                      svgns=True, omitsize=True)
    response = make_response(out.getvalue())
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# --- leaving a list ----------------------------------------------------------------

def leaving_for(token):
    """Who and which list the link names, or a page saying the link is broken (404)."""
    leaving = unsubscribe.read(current_app.secret_key, token)
    if leaving is None:
        abort(make_response(render_template(
            "action_gone.html", heading="This unsubscribe link doesn't work",
            message=["It may have been cut short when it was copied. Open it again from the email, "
                     "or reply to the email and ask to be taken off the list."]), 404))
    return leaving


def masked(email):
    """a•••@example.org: enough for a person to know it is theirs, little for anyone else."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def show_leaving(token, leaving, notice=None, status=200):
    done = unsubscribe.status(redis_connection(), leaving) == "unsubscribed"
    return render_template(
        "unsubscribe.html", token=token, leaving=leaving, masked=masked(leaving.email), done=done,
        heading="You're unsubscribed" if done else f"Stop emails from {leaving.group}?", notice=notice,
        form=UnsubscribeForm(f"unsubscribe:{token}", formdata=None)), status


def one_click():
    """RFC 8058: a mail client's POST with List-Unsubscribe=One-Click in its body."""
    return request.form.get("List-Unsubscribe") == "One-Click"


@bp.get("/u/<token>")
def unsubscribe_page(token):
    """The list's group and one button. Opening the link changes nothing (mail scanners open links)."""
    return show_leaving(token, leaving_for(token))


@bp.post("/u/<token>")
@csrf.exempt  # the button's token is checked by its form; a one-click POST carries none (RFC 8058)
@rate_limited(limiter.limit(per_address, methods=["POST"], exempt_when=one_click))
def unsubscribe_post(token):
    """Unsubscribe from that one list: by the button, or by a mail client's one-click POST."""
    leaving = leaving_for(token)
    if one_click():
        unsubscribe.unsubscribe(redis_connection(), leaving)
        return "You are unsubscribed.\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
    form = UnsubscribeForm(f"unsubscribe:{token}")
    if not form.validate():
        return show_leaving(token, leaving, notice="This page was open too long, so here it is again. "
                                                   "Press Unsubscribe to leave the list.")
    if not unsubscribe.unsubscribe(redis_connection(), leaving):
        abort(make_response(render_template(
            "action_gone.html", heading="This list is no longer kept",
            message=[f"{leaving.group} no longer has a list here, so there is nothing to leave."]), 410))
    return redirect(url_for("public.unsubscribe_page", token=token), 303)

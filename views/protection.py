"""What guards every page: security headers, cookies, CSRF and rate limits.

Public forms (signing an action, leaving a list) carry a CSRF token that is
signed (HMAC-SHA256 with a key from SECRET_KEY) with the time and the form's
purpose instead of being tied to a session, so the action page sets no cookie at all (issue 12) and a page left
open too long can be shown again with what the person typed. A browser also
sends the page's origin with every POST; a form posted from another site is
refused the same way. Forms behind a session use Flask-WTF's CSRFProtect.
"""
import base64
import functools
import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import current_app, g, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    # No address leaves for another site; our own POSTs keep their Origin (see same_site_post).
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
# A phone tab stays open for hours; past this a public form is shown again.
PUBLIC_FORM_HOURS = 12


def init_app(app, settings):
    if settings.trusted_proxies:
        # Behind a proxy every request comes from the proxy: rate limits per
        # address need the person's address from X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    app.config.update(
        SESSION_COOKIE_SECURE=settings.production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=PUBLIC_FORM_HOURS * 3600,
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        RATELIMIT_STORAGE_URI=storage_uri(settings.redis_url or "redis://127.0.0.1:6379/0"),
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 2, "socket_timeout": 5},
        RATELIMIT_KEY_PREFIX="actnet",
        RATELIMIT_STRATEGY="sliding-window-counter",
        # Redis down: let the request through; saving the signature will say what is wrong.
        RATELIMIT_SWALLOW_ERRORS=True,
    )
    app.session_interface = SignedCookieSessions()
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(_security_headers)


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, their signer made once per key rather than on every request
    (Flask makes it even for a request that carries no cookie, such as every signature)."""

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = app.extensions.get("actnet.session_signer")
        if made is None or made[0] != keys:
            made = (keys, super().get_signing_serializer(app))
            app.extensions["actnet.session_signer"] = made
        return made[1]


def rate_limited(*limits):
    """Flask-Limiter's `limiter.limit(...)` decorators on a view, outermost first.

    With limits off (RATELIMIT_ENABLED=false, for load tests) the view is called
    directly: Flask-Limiter would still look up and filter its limits on every
    request, a tenth of what signing costs, only to find them disabled.
    """
    def decorate(view):
        limited = view
        for limit in reversed(limits):
            limited = limit(limited)

        @functools.wraps(view)
        def choose(*args, **kwargs):
            return (limited if limiter.enabled else view)(*args, **kwargs)

        return choose

    return decorate


def slow_down_page():
    """The page a rate limit answers with (429), in words; a client may try again in a minute."""
    return render_template("error.html", heading="Please slow down",
                           message="Too many tries came from your connection just now. Wait a minute, "
                                   "then try again."), 429, {"Retry-After": "60"}


def storage_uri(redis_url):
    """The Redis of REDIS_URL as the limits library names it (a socket is `redis+unix://`)."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def csp_nonce():
    """This response's script nonce, made when the first template is rendered.

    A response that renders no template (a redirect after signing, JSON) never
    makes one, and its policy allows no script but our own files.
    """
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _security_headers(response):
    nonce = g.get("csp_nonce")
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    headers = response.headers
    headers.setdefault("Content-Security-Policy", (
        f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"))
    for name, value in ALWAYS:
        headers.setdefault(name, value)
    if current_app.config["SETTINGS"].production:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # htmx reads HX-Request and HX-Target; a response that depends on them must say so.
    if "Vary" in headers:
        response.vary.update(("HX-Request", "HX-Target"))
    else:
        headers["Vary"] = "HX-Request, HX-Target"
    return response


# --- public forms -------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _key(secret):
    return hashlib.sha256(b"actnet public form\0" + str(secret).encode()).digest()


def _mac(secret, purpose, stamp):
    digest = hmac.new(_key(secret), f"{purpose}\0{stamp}".encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode()


def public_form_token(secret, purpose, now=None):
    """`time.mac`: the time it was made, and an HMAC of it and the form's purpose (which
    the form knows, so the token need not carry it)."""
    stamp = format(int(now if now is not None else time.time()), "x")
    return f"{stamp}.{_mac(secret, purpose, stamp)}"


def public_form_token_age(secret, purpose, token, now=None):
    """Seconds since the token was made for this purpose; None if it was not made by us for it."""
    stamp, _, mac = (token or "").partition(".")
    if not stamp or not hmac.compare_digest(mac.encode(), _mac(secret, purpose, stamp).encode()):
        return None
    try:
        return (now if now is not None else time.time()) - int(stamp, 16)
    except ValueError:
        return None


class _TokenWhenShown:
    """A form's token, made only if the form is shown again: a signature that is taken needs none."""

    def __init__(self, make):
        self._make = make
        self._text = None

    def __str__(self):
        if self._text is None:
            self._text = self._make()
        return self._text

    __html__ = __str__


def same_site_post():
    """False when the browser says this POST comes from a page of another site."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser, or an old one: the token still has to be right
    ours = {request.host_url.rstrip("/"), _origin(current_app.config["SETTINGS"].base_url)}
    return origin in ours


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class PublicFormCSRF(CSRF):
    """A token signed with the time and the form's purpose (`csrf_context`), no session."""

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        secret, purpose = self.meta.csrf_secret, self.meta.csrf_context
        return _TokenWhenShown(lambda: public_form_token(secret, purpose))

    def validate_csrf_token(self, form, field):
        if not same_site_post():
            raise ValidationError("sent from another site")
        age = public_form_token_age(self.meta.csrf_secret, self.meta.csrf_context, field.data)
        if age is None:
            raise ValidationError("not made for this form")
        if not -60 <= age <= self.meta.csrf_time_limit:
            raise ValidationError("open too long")

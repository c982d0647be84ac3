"""What guards every page: security headers, cookies, CSRF and rate limits.

Public forms (signing an action, leaving a list) carry a CSRF token that is
signed with the time and the form's purpose instead of being tied to a
session, so the action page sets no cookie at all (issue 12) and a page left
open too long can be shown again with what the person typed. A browser also
sends the page's origin with every POST; a form posted from another site is
refused the same way. Forms behind a session use Flask-WTF's CSRFProtect.
"""
import secrets
from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

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
        RATELIMIT_STORAGE_URI=_limits_uri(settings.redis_url or "redis://127.0.0.1:6379/0"),
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 2, "socket_timeout": 5},
        RATELIMIT_KEY_PREFIX="actnet",
        RATELIMIT_STRATEGY="sliding-window-counter",
        # Redis down: let the request through; saving the signature will say what is wrong.
        RATELIMIT_SWALLOW_ERRORS=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(_new_nonce)
    app.after_request(_security_headers)


def _limits_uri(redis_url):
    """The `limits` package names a Redis socket redis+unix://; `make run`'s embedded Redis is one."""
    return "redis+" + redis_url if redis_url.startswith("unix://") else redis_url


def _new_nonce():
    g.csp_nonce = secrets.token_urlsafe(16)


def _security_headers(response):
    nonce = g.get("csp_nonce", "")
    headers = response.headers
    headers.setdefault("Content-Security-Policy", (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # No address leaves for another site; our own POSTs keep their Origin (see same_site_post).
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["SETTINGS"].production:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # htmx reads HX-Request and HX-Target; a response that depends on them must say so.
    response.vary.update(("HX-Request", "HX-Target"))
    return response


# --- public forms -------------------------------------------------------------

def _serializer(secret):
    return URLSafeTimedSerializer(secret, salt="actnet-public-form")


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
        return _serializer(self.meta.csrf_secret).dumps(self.meta.csrf_context)

    def validate_csrf_token(self, form, field):
        if not same_site_post():
            raise ValidationError("sent from another site")
        try:
            purpose = _serializer(self.meta.csrf_secret).loads(field.data or "", max_age=self.meta.csrf_time_limit)
        except BadData:
            raise ValidationError("open too long") from None
        if purpose != self.meta.csrf_context:
            raise ValidationError("made for another form")

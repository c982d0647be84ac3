"""The public /join page: name, email, phone, ZIP and how to be asked. Sets no cookie.

The same guards as an action page (views/protection): a CSRF token bound to
the form's purpose, a honeypot field, rate limits per address.
"""
import redis
from flask import Blueprint, redirect, render_template, url_for
from wtforms import RadioField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from services import joining, phones, schema
from services.roster import Roster
from views import redis_connection, settings
from views.forms import PublicForm, email_address, postal_code
from views.protection import csrf, limiter, rate_limited

bp = Blueprint("join", __name__)
NOT_SAVED = "Your details could not be saved just now. Please press Join again in a minute."


def phone_number(form, field):
    text = (field.data or "").strip()
    if text and phones.read(text).e164 is None:
        raise ValidationError("Check your phone number: write it as you would dial it, such as 206 555 0100.")
    field.data = text


class JoinForm(PublicForm):
    first_name = StringField("First name", [DataRequired("Tell us your first name."),
                                            Length(max=100, message="Keep this under 100 characters.")])
    last_name = StringField("Last name", [Optional(), Length(max=100, message="Keep this under 100 characters.")])
    email = StringField("Email", [DataRequired("Enter your email address."),
                                  Length(max=254, message="An email address is at most 254 characters."),
                                  email_address])
    phone = StringField("Phone", [Optional(), Length(max=30, message="A phone number is at most 30 characters."),
                                  phone_number])
    zip = StringField("ZIP or postal code", [DataRequired("Enter your ZIP or postal code."),
                                             Length(max=12, message="A ZIP or postal code is at most 12 characters."),
                                             postal_code])
    preferred = RadioField("How should we ask you to act?", default="Email", choices=[
        SelectChoice("Email", "By email"), SelectChoice("Text", "By text message"),
        SelectChoice("Phone call", "By a phone call")])
    # A field people never see; a bot that fills it in is thanked and ignored.
    website = StringField("Leave this empty")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Optional() ends the phone's own checks when it is blank, so this one is made here.
        if self.preferred.data in ("Text", "Phone call") and not (self.phone.data or "").strip():
            self.phone.errors = list(self.phone.errors) + [
                "Give a phone number so we can text or call you, or choose email."]
            return False
        return ok

    def first_error(self):
        return next((f.id for f in self if f.errors and f.name != "csrf_token"), None)


def _network_name():
    return Roster(redis_connection()).meta().get("home_group") or settings().instance_name


def _page(form, notice=None, status=200):
    return render_template("join.html", form=form, notice=notice, network=_network_name()), status


@bp.get("/join")
def join_page():
    """Anyone may join the network: the door is kept open."""
    return _page(JoinForm("join", formdata=None))


@bp.post("/join")
@csrf.exempt  # its token is checked by the form itself (views/protection.PublicFormCSRF)
@rate_limited(limiter.limit(lambda: settings().ratelimit_per_address, methods=["POST"]))
def join_network():
    """Add the person to Members (Source join), or update their row if they are already there."""
    form = JoinForm("join")
    if (form.website.data or "").strip():
        return redirect(url_for("join.welcome"), 303)
    if not form.validate():
        notice = "This page was open too long, so here it is again. Check it and press Join." if form.stale else None
        return _page(form, notice)
    try:
        joining.join(redis_connection(), joining.Joining(
            email=form.email.data, first_name=form.first_name.data, last_name=form.last_name.data or "",
            phone=form.phone.data or "", zip=form.zip.data, preferred=form.preferred.data
            if form.preferred.data in schema.CONTACT else None))
    except redis.RedisError:
        return _page(form, NOT_SAVED, 503)
    return redirect(url_for("join.welcome"), 303)


@bp.get("/join/welcome")
def welcome():
    """Thank-you, and what happens next."""
    return render_template("join_welcome.html", network=_network_name())

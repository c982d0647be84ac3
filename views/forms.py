"""The public forms, as classes: their rules and their messages in the signer's words."""
import re

import email_validator
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from views.protection import PublicFormCSRF

POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")
ANSWER_LENGTH = 500


class PublicForm(FlaskForm):
    """A form anyone may send: its CSRF token is bound to its purpose, not to a cookie."""

    class Meta(FlaskForm.Meta):
        csrf_class = PublicFormCSRF

    def __init__(self, purpose, *args, **kwargs):
        super().__init__(*args, meta={"csrf_context": purpose}, **kwargs)

    @property
    def stale(self):
        """The token was too old or not ours: show the form again rather than take it."""
        return bool(self.csrf_token.errors)


def email_address(form, field):
    """Syntax only (email-validator, no DNS lookup on the request path)."""
    text = (field.data or "").strip()
    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise ValidationError(f"Check your email address. {exc}") from None
    field.data = text


def postal_code(form, field):
    text = " ".join((field.data or "").split())
    if not POSTAL_CODE.fullmatch(text):
        raise ValidationError("A ZIP or postal code has only letters, numbers, spaces and dashes.")
    field.data = text


class SignForm(PublicForm):
    """Signing an action. Field names are the page's contract (issue 12); questions
    come from the action and are added per action by `sign_form`."""

    first_name = StringField("First name", [Optional(), Length(max=100, message="Keep this under 100 characters.")])
    last_name = StringField("Last name", [Optional(), Length(max=100, message="Keep this under 100 characters.")])
    email = StringField("Email", [DataRequired("Enter your email address."),
                                  Length(max=254, message="An email address is at most 254 characters."),
                                  email_address])
    zip = StringField("ZIP or postal code", [DataRequired("Enter your ZIP or postal code."),
                                             Length(max=12, message="A ZIP or postal code is at most 12 characters."),
                                             postal_code])
    subscribe = BooleanField(default=True)
    # A field people never see; a bot that fills it in is thanked and ignored.
    website = StringField("Leave this empty")

    def answers(self):
        """[question, answer] pairs for the answered questions, in the action's order."""
        return [[f.label.text, f.data.strip()] for f in self.questions() if (f.data or "").strip()]

    def questions(self):
        return [f for f in self if f.name.startswith("question_")]

    def first_error(self):
        """The first field a person needs to fix, in page order (focus goes there)."""
        return next((f.id for f in self if f.errors and f.name != "csrf_token"), None)

    def filled_by_a_bot(self):
        return bool((self.website.data or "").strip())


def sign_form(action, formdata=None, **kwargs):
    """The sign form for this action, with one field per custom question (`*` made them required)."""
    fields = {}
    for number, (text, required) in enumerate(action.get("questions") or (), start=1):
        checks = [DataRequired("Answer this question.")] if required else [Optional()]
        checks.append(Length(max=ANSWER_LENGTH, message=f"Keep your answer under {ANSWER_LENGTH} characters."))
        fields[f"question_{number}"] = StringField(text, checks)
    form_class = type("ActionSignForm", (SignForm,), fields) if fields else SignForm
    if formdata is not None:
        kwargs["formdata"] = formdata
    return form_class(f"sign:{action['slug']}", **kwargs)


class UnsubscribeForm(PublicForm):
    """One button; the list and the person are named by the signed link itself."""

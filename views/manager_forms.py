"""The forms on manager pages. Each rule that the sheet also has comes from `schema`,
so the page and the Problems tab say the same thing in the same words."""
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from services import schema
from services.links import NETWORK


def _email_as_the_sheet_reads_it(form, field):
    if not (field.data or "").strip():
        field.data = None
        return
    try:
        field.data = schema.parse(schema.CO_LEADERS.column("Email"), field.data)
    except schema.CellProblem as exc:
        raise ValidationError(str(exc)[0].upper() + str(exc)[1:]) from None


class LinkForm(FlaskForm):
    name = StringField("Who is it for?", validators=[
        DataRequired("Write the name of the person who will use this link."), Length(max=80)])
    email = StringField("Their email (optional)", validators=[_email_as_the_sheet_reads_it])
    scope = SelectField("What it opens", validate_choice=True)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [SelectChoice(NETWORK, "The whole network (a co-leader)")] + [
            SelectChoice(name, f"{name} only (a partner group's contact)") for name in groups]


class RevokeForm(FlaskForm):
    """Only the CSRF token: the link is named in the address."""


def _one_line(form, field):
    if field.data and ("\n" in field.data or "\r" in field.data):
        raise ValidationError("Keep this on one line.")


class ActionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the action a title."), Length(max=120), _one_line])
    ask = TextAreaField("What you ask people to do", validators=[
        DataRequired("Write the ask: the text people read on the action page."), Length(max=5000)])
    target = StringField("Addressed to (optional)", validators=[Optional(), Length(max=200), _one_line])
    questions = TextAreaField("Extra questions (optional, one per line; end one with * to make it required)",
                              validators=[Optional(), Length(max=2000)])
    thank_you = TextAreaField("Thank-you message (optional)", validators=[Optional(), Length(max=2000)])
    status = SelectField("Status", choices=[SelectChoice(s) for s in schema.ACTIONS.column("Status").choices])
    mode = SelectField("How activists are shared with co-sponsors",
                       choices=[SelectChoice(m) for m in schema.ACTIONS.column("Mode").choices])


class SponsorForm(FlaskForm):
    group = SelectField("Group", validate_choice=True)
    limit = IntegerField("Limit (optional)", validators=[
        Optional(), NumberRange(min=0, message="A limit is a whole number, 0 or more; leave it blank for none.")])

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice(name) for name in groups]


class LimitForm(FlaskForm):
    limit = IntegerField("Limit", validators=[
        Optional(), NumberRange(min=0, message="A limit is a whole number, 0 or more; leave it blank for none.")])


class ModeForm(FlaskForm):
    mode = SelectField("Mode", choices=[SelectChoice(m) for m in schema.ACTIONS.column("Mode").choices])


class ConfirmForm(FlaskForm):
    """Only the CSRF token: a button that does one thing (remove, run now)."""

"""The forms of the alert pages: compose (with its audience), tick a call or a text, move up the ladder."""
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from services import schema
from services.audience import Audience, parse_tags

NO_PREFERENCE = ""


class Checkboxes(SelectMultipleField):
    """Several choices as a list of checkboxes (works with JavaScript off and on a phone)."""
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AlertForm(FlaskForm):
    subject = StringField("Subject", validators=[
        DataRequired("Give the alert a subject: it is the email's subject line and its name in the Alerts tab."),
        Length(max=150, message="Keep the subject under 150 characters.")])
    message = TextAreaField("Message", validators=[
        DataRequired("Write the message people will read."), Length(max=5000)])
    action = SelectField("Action to link (optional)", validate_choice=True, default="")
    stages = Checkboxes("Ladder stages", choices=[SelectChoice(s) for s in schema.LADDER], validators=[Optional()])
    tags = StringField("Tags (optional, comma-separated)", validators=[Optional(), Length(max=300)])
    preferred = Checkboxes("Preferred contact", validators=[Optional()], choices=[
        SelectChoice(c) for c in schema.CONTACT] + [SelectChoice(NO_PREFERENCE, "No preference")])
    include = Checkboxes("Include anyway", choices=[], validate_choice=False, validators=[Optional()])

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", "No action link")] + [SelectChoice(slug, title)
                                                                     for slug, title in actions]

    def audience(self):
        return Audience(stages=tuple(self.stages.data or ()), tags=parse_tags(self.tags.data),
                        preferred=tuple(self.preferred.data or ()), include=frozenset(self.include.data or ()))


class TickForm(FlaskForm):
    outcome = StringField(validators=[DataRequired()])


class MoveUpForm(FlaskForm):
    email = StringField(validators=[DataRequired()])

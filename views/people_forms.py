"""The forms of the people pages: import, paper signatures, exports and API keys."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

HOME_LIST = ""  # the select's value for the home group's Members


class ImportForm(FlaskForm):
    into = SelectField("Add them to", validate_choice=True)
    upload = FileField("A CSV file (from a spreadsheet: File, then Download or Save as, then CSV)")
    pasted = TextAreaField("Or paste rows copied from a spreadsheet, with the header row first")

    def __init__(self, *args, home=None, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.into.choices = [(HOME_LIST, f"{home or 'Your group'}'s list (Members)")] + [
            (name, f"{name}'s list") for name in groups]


class PaperForm(FlaskForm):
    action = SelectField("Action they signed", validate_choice=True)
    table = TextAreaField("The signatures, pasted from a spreadsheet or typed one a line, with a header row "
                          "(Email, First name, Last name, ZIP)",
                          validators=[DataRequired("Paste the signatures, with a header row first."),
                                      Length(max=2_000_000)])
    everyone_subscribes = BooleanField("Everyone on these sheets asked to hear more")
    once = HiddenField()

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [(a["slug"], f"{a['title']} ({a.get('status') or 'Draft'})") for a in actions]


class ApiKeyForm(FlaskForm):
    group = SelectField("Which group's data it reads", validate_choice=True)
    label = StringField("What it is for", validators=[
        DataRequired("Say what the key is for, so you can tell keys apart later."), Length(max=80)])

    def __init__(self, *args, home=None, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [(home, f"{home} (the whole network)")] if home else []
        self.group.choices += [(name, f"{name} (its own list only)") for name in groups]

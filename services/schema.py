"""The workbook's tabs and columns, in one place (shared/spec/workbook.md).

Owner: "M" a manager types it, "A" the app writes it (warning-protected),
"M/A" both. Each column has a kind, which gives its parser and formatter.
"""
import dataclasses
import re
from datetime import date, datetime, timezone

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

CONTACT = ("Email", "Phone call", "Text", "Facebook", "Twitter/X", "In person")
LADDER = ("Supporter", "Action taker", "Regular", "Volunteer", "Leader", "Champion")


class CellProblem(ValueError):
    """A cell the app cannot understand; the message is in a manager's words."""


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    owner: str = "M"
    kind: str = "text"  # text, email, date, datetime, int, yesno, choice, sheet_url
    choices: tuple = ()
    note: str = ""

    @property
    def app_writes(self):
        return self.owner in ("A", "M/A")


@dataclasses.dataclass(frozen=True)
class Tab:
    name: str
    key: tuple  # column names whose values identify a row
    columns: tuple
    note: str = ""

    def column(self, name):
        wanted = header_key(name)
        for c in self.columns:
            if header_key(c.name) == wanted:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def normalise_email(text):
    """An activist is their email address, trimmed and lower-cased (spec/sharing.md, "Activist").

    The one rule for it: forms, the sheet's rows, the engine and keys all call this.
    """
    return text.strip().lower()


def header_key(text):
    """Headers match regardless of case and surrounding or doubled spaces."""
    return " ".join(str(text).split()).casefold()


# --- values ---------------------------------------------------------------

def neutralise(text):
    """Store user text so no spreadsheet or CSV reader evaluates it.

    A leading apostrophe, written RAW, is kept as a character: the cell shows
    '=SUM(…) and a CSV export carries it too. `restore` takes it off again.
    Text that itself starts with an apostrophe and then a trigger (`'=x`)
    reads back without its apostrophe: the one input this cannot tell apart.
    """
    if text and text[0] in TRIGGERS:
        return "'" + text
    return text


def restore(text):
    if len(text) > 1 and text[0] == "'" and text[1] in TRIGGERS:
        return text[1:]
    return text


def parse(column, raw):
    """A cell's text to a Python value; blank is None; CellProblem if not understood."""
    text = restore(str(raw)).strip() if raw is not None else ""
    if text == "":
        return None
    kind = column.kind
    if kind == "text":
        return restore(str(raw))
    if kind == "email":
        email = normalise_email(text)
        if not EMAIL.match(email):
            raise CellProblem(f"'{_short(text)}' is not an email address")
        return email
    if kind == "int":
        cleaned = text.replace(",", "")
        if not re.fullmatch(r"\d+", cleaned):
            raise CellProblem(f"'{_short(text)}' is not a whole number")
        return int(cleaned)
    if kind == "yesno":
        low = text.lower()
        if low in ("yes", "y", "true"):
            return True
        if low in ("no", "n", "false"):
            return False
        raise CellProblem(f"'{_short(text)}' should be yes or no")
    if kind == "choice":
        for choice in column.choices:
            if header_key(choice) == header_key(text):
                return choice
        raise CellProblem(f"'{_short(text)}' is not one of: {', '.join(column.choices)}")
    if kind == "sheet_url":
        sheet_id = spreadsheet_id_from_url(text)
        if sheet_id is None:
            raise CellProblem(f"'{_short(text)}' is not a link to a Google spreadsheet")
        return sheet_id
    if kind == "date":
        return _date(text)
    if kind == "datetime":
        return _datetime(text)
    raise AssertionError(kind)


def _date(text):
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d %B %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise CellProblem(f"'{_short(text)}' is not a date (write it as 2026-03-01)") from None


def _datetime(text):
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.combine(_date(text), datetime.min.time(), timezone.utc)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _short(text, limit=40):
    return text if len(text) <= limit else text[:limit] + "…"


def format_value(column, value):
    """A Python value to what is written (RAW) into the cell."""
    if value is None:
        return ""
    if column.kind == "int":
        return int(value)
    if column.kind == "yesno":
        return "yes" if value else "no"
    if column.kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if column.kind == "datetime":
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return str(value)
    return neutralise(str(value))


# --- the tabs ---------------------------------------------------------------

def _list_columns():
    return (
        Column("Email", "M", "email", note="The key: one person per address."),
        Column("First name"), Column("Last name"),
        Column("Phone", note="As typed; the app formats what it shows."),
        Column("ZIP"),
        Column("Preferred contact", "M", "choice", CONTACT, "How this person likes to be asked."),
        Column("Ladder stage", "M", "choice", LADDER, "Where this person is on the ladder of engagement."),
        Column("Tags", note="Comma-separated."),
        Column("Notes"),
        Column("Status", "M/A", "choice", ("subscribed", "unsubscribed"),
               "subscribed or unsubscribed; set it by hand if they ask you."),
        Column("Status changed", "A", "datetime", note="When Status last changed (the app fills this)."),
        Column("Source", "A", note="How they joined: manual, action SLUG, referral GROUP, shared SLUG, import."),
        Column("Joined", "A", "date", note="When they were first added (the app fills this)."),
        Column("Actions taken", "A", "int", note="How many actions they have taken (the app counts)."),
        Column("Last action", "A", "date", note="When they last took action (the app fills this)."),
        Column("Id", "A", note="A short stable id, so a row is found after an Email typo is fixed."),
    )


MEMBERS = Tab("Members", ("Email",), _list_columns(), "People on the home group's list.")
GROUPS = Tab("Groups", ("Name",), (
    Column("Name", note="The key; the first row is the home group."),
    Column("Contact name"), Column("Contact email", "M", "email"),
    Column("List spreadsheet", "M", "sheet_url", note="Blank: the group's list is its 'List – NAME' tab here; or its spreadsheet's "
                                    "URL, whose Members tab is the list."),
    Column("Notes"),
    Column("Slug", "A", note="Used in links and referrer codes (the app fills this)."),
))
ACTIONS = Tab("Actions", ("Slug",), (
    Column("Title"), Column("Ask", note="The text on the action page."),
    Column("Target", note="Who the action is addressed to, if anyone."),
    Column("Status", "M", "choice", ("Draft", "Live", "Closed")),
    Column("Mode", "M", "choice", ("Share All", "Proportional")),
    Column("Original sponsor", note="A group's Name; blank means the home group."),
    Column("Questions", note="Extra questions, one per line; end one with * to make it required."),
    Column("Thank-you", note="The message after signing."),
    Column("Slug", "A", note="The page address, made from the title once and kept."),
    Column("Mode history", "A", note="Each change of Mode with its time."),
    Column("Signatures", "A", "int"), Column("Created", "A", "datetime"),
))
SPONSORS = Tab("Sponsors", ("Action", "Group"), (
    Column("Action", note="The action's Slug."), Column("Group", note="The group's Name."),
    Column("Limit", "M", "int", note="Blank means no limit."),
    Column("Status", "M/A", "choice", ("Invited", "Active", "Removed")),
    Column("Joined at", "A", "datetime"), Column("Referrer code", "A"), Column("Referrer link", "A"),
    Column("Total activists", "A", "int"), Column("New to list", "A", "int"),
    Column("Referrer", "A", "int"), Column("Owed", "A", "int"), Column("Shared", "A", "int"),
))
SUBMISSIONS = Tab("Submissions", ("Id",), tuple(Column(n, "A", k) for n, k in (
    ("Id", "text"), ("At", "datetime"), ("Action", "text"), ("Email", "email"), ("First name", "text"),
    ("Last name", "text"), ("ZIP", "text"), ("Referrer code", "text"), ("Source code", "text"),
    ("Subscribe", "yesno"), ("Via", "text"), ("Answers", "text"), ("Shown to", "text"))),
    "Written by the app only.")
SHARES = Tab("Shares", ("Action", "Email", "Group", "Kind"), tuple(Column(n, "A", k) for n, k in (
    ("At", "datetime"), ("Run", "text"), ("Action", "text"), ("Email", "email"), ("Group", "text"),
    ("Kind", "text"), ("Subscribed", "yesno"), ("New to list", "yesno"), ("Why", "text"))),
    "The audit trail of shares, deliveries and referrals; written by the app only.")
RUNS = Tab("Runs", ("Run",), tuple(Column(n, "A", k) for n, k in (
    ("Run", "text"), ("Started", "datetime"), ("Finished", "datetime"), ("Trigger", "text"), ("Seed", "int"),
    ("Shares", "int"), ("Deliveries", "int"), ("Referrals", "int"), ("Outcome", "text"))))
ALERTS = Tab("Alerts", ("Date", "Subject"), (
    Column("Date", "M", "date"), Column("Subject"), Column("Link"),
    Column("Channel", "M", "choice", CONTACT), Column("Sent to", "A", "int"), Column("Notes"),
))
# One row per link (design.md), so the key is the link's own: a person may hold
# two links (a network one and a group's), and a manager link needs no email.
CO_LEADERS = Tab("Co-leaders", ("Token hash",), (
    Column("Name"), Column("Email", "M", "email"),
    Column("Scope", note="Whole network, or a group's Name."),
    # M/A as Members' Status: typed by hand, or written once when a manager turns
    # the link off on the dashboard, so the sheet says what the app does.
    Column("Revoked", "M/A", "yesno", note="yes turns the link off."),
    Column("Created", "A", "datetime"), Column("Last used", "A", "datetime"),
    Column("Token hash", "A", note="Never the link itself."),
))
PROBLEMS = Tab("Problems", ("Tab", "Row", "Column", "What is wrong"), tuple(Column(n, "A") for n in (
    "Tab", "Row", "Column", "What is wrong")), "Rows the app cannot understand; rewritten when the list changes.")


# A one-line note on every header (sheets init puts it there), for the columns
# whose definition above does not carry one.
_NOTES = {
    "Members": {"First name": "As the person gives it.", "Last name": "As the person gives it.",
                "ZIP": "Their ZIP code, for targeting by district.", "Notes": "Anything worth remembering about them."},
    "Groups": {"Contact name": "Who runs this group's list.", "Contact email": "Where partner links are sent.",
               "Notes": "Anything about this group."},
    "Actions": {"Title": "What the action is called on its page.", "Status": "Draft, Live or Closed: only Live takes signatures.",
                "Mode": "How activists are shared with co-sponsors: Share All or Proportional.",
                "Signatures": "How many have signed (the app counts).", "Created": "When the action was made (the app fills this)."},
    "Sponsors": {"Status": "Invited, Active or Removed.", "Joined at": "When the group became Active; it gets activists from then on.",
                 "Referrer code": "The code that credits this group (the app makes it).",
                 "Referrer link": "The action link with the code: copy it for the group.",
                 "Total activists": "Share All: activists delivered to this group.",
                 "New to list": "Share All: of those, how many were new to its list.",
                 "Referrer": "Proportional: people who came through this group's link.",
                 "Owed": "Proportional: activists this group is still owed.",
                 "Shared": "Proportional: activists given to this group so far."},
    "Submissions": {"Id": "The submission's id (the app's, never reused).", "At": "When it was made (UTC).",
                    "Action": "The action's Slug.", "Email": "Who signed.", "First name": "As typed on the page.",
                    "Last name": "As typed on the page.", "ZIP": "As typed on the page.",
                    "Referrer code": "The code in the link they used, if any.", "Source code": "Where the link was posted, if tagged.",
                    "Subscribe": "yes if they ticked the box to hear more.", "Via": "web (the action page) or api.",
                    "Answers": "Their answers to the action's extra questions.",
                    "Shown to": "The groups the consent line named to them."},
    "Shares": {"At": "When it happened (UTC).", "Run": "The run that did it.", "Action": "The action's Slug.",
               "Email": "The activist.", "Group": "The group that received them.", "Kind": "share, delivery or referral.",
               "Subscribed": "yes if they joined the list subscribed.", "New to list": "yes if they were not on the list before.",
               "Why": "The rule that chose them."},
    "Runs": {"Run": "The run's id.", "Started": "When it started (UTC).", "Finished": "When it finished (UTC).",
             "Trigger": "hourly or manual.", "Seed": "Replays the run's random draws exactly.", "Shares": "Shares made.",
             "Deliveries": "Share All deliveries made.", "Referrals": "Referred activists added.",
             "Outcome": "ok, or what went wrong."},
    "Alerts": {"Date": "When the alert goes out (every other Monday).", "Subject": "What it is about.",
               "Link": "The action link sent.", "Channel": "How it was sent.", "Sent to": "How many it reached (the app fills this).",
               "Notes": "Anything about this alert."},
    "Co-leaders": {"Name": "Who holds the link.", "Email": "Where to reach them.",
                   "Created": "When the link was made (the app fills this).", "Last used": "When the link was last opened."},
    "Problems": {"Tab": "Where the problem is.", "Row": "The row number.", "Column": "The column.",
                 "What is wrong": "Fix the cell and this line goes away within minutes."},
}


def _with_notes(tab):
    extra = _NOTES.get(tab.name, {})
    return dataclasses.replace(tab, columns=tuple(
        c if c.note else dataclasses.replace(c, note=extra.get(c.name, "")) for c in tab.columns))


MEMBERS, GROUPS, ACTIONS, SPONSORS, SUBMISSIONS, SHARES, RUNS, ALERTS, CO_LEADERS, PROBLEMS = (
    _with_notes(t) for t in (MEMBERS, GROUPS, ACTIONS, SPONSORS, SUBMISSIONS, SHARES, RUNS, ALERTS, CO_LEADERS,
                             PROBLEMS))

TABS = (MEMBERS, GROUPS, ACTIONS, SPONSORS, SUBMISSIONS, SHARES, RUNS, ALERTS, CO_LEADERS, PROBLEMS)
BY_NAME = {t.name: t for t in TABS}
LIST_PREFIX = "List – "


def list_tab(group_name):
    """A partner group's list, kept as a tab shaped like Members."""
    return dataclasses.replace(MEMBERS, name=f"{LIST_PREFIX}{group_name}", note=f"{group_name}'s list.")


def tab_for(name):
    if name in BY_NAME:
        return BY_NAME[name]
    if name.startswith(LIST_PREFIX):
        return list_tab(name[len(LIST_PREFIX):])
    raise KeyError(name)


def spreadsheet_id_from_url(url):
    """The id in a Google Sheets URL (…/spreadsheets/d/ID/…), or the text if it is already an id."""
    m = re.search(r"/spreadsheets/d/([A-Za-z0-9_-]+)", url or "")
    if m:
        return m.group(1)
    text = (url or "").strip()
    return text if re.fullmatch(r"[A-Za-z0-9_-]{20,}", text) else None

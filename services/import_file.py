"""A file of people as a manager brings it: CSV, a spreadsheet's export, or rows pasted from one.

Reading turns bytes or pasted text into a header and numbered rows; mapping
matches the file's headers to the list's columns by name, forgiving case,
spaces and punctuation, and knowing the headers other tools export
(Action Network's `can2_phone`, a CRM's `Mailing Zip/Postal Code`). Pure: no
I/O, no Redis, no sheet.
"""
import csv
import dataclasses
import io
import re

# Files larger than this are refused before reading: 10,000 people with a few
# columns are about 1 MB, so 20 MB leaves room for wide exports.
MAX_BYTES = 20 * 1024 * 1024

# What an import may fill, in the order the preview shows them. App-owned
# columns (Source, Joined, Id, ...) are the app's to write, never a file's.
FIELDS = ("Email", "First name", "Last name", "Phone", "ZIP", "Preferred contact", "Ladder stage", "Tags",
          "Notes", "Status")
FULL_NAME = "Full name"  # split into First name and Last name when those are absent
IGNORE = ""


def _squash(text):
    """Headers compare on letters and digits alone: 'E-mail', 'e_mail' and 'EMAIL ' are one."""
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


# Synonyms, squashed. Action Network's exports use snake_case names with a
# `can2_` prefix for its own fields; CRM exports (Salesforce-style) use
# "Mailing Zip/Postal Code" and the like; VoterVoice (which sends RESULTS'
# alerts) uses "EmailAddress", "ZipCode". The RESULTS member spreadsheet's
# "Preferred Method of Contact" and "Ladder of Engagement" are here too.
SYNONYMS = {
    "Email": ("email", "emailaddress", "mail", "emailaddr", "primaryemail", "personalemail",
              "email1", "homeemail", "workemail", "can2email", "useremail"),
    "First name": ("firstname", "first", "givenname", "given", "fname", "forename", "firstnames", "preferredname",
                   "nickname"),
    "Last name": ("lastname", "last", "surname", "familyname", "family", "lname", "secondname"),
    FULL_NAME: ("name", "fullname", "contactname", "membername", "personname", "yourname", "names"),
    "Phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "mobilenumber", "cell",
              "cellphone", "cellnumber", "homephone", "workphone", "can2phone", "bestphone", "primaryphone",
              "phone1", "telephonenumber", "contactnumber"),
    "ZIP": ("zip", "zipcode", "zip5", "postcode", "postalcode", "zippostalcode", "mailingzippostalcode",
            "mailingzip", "mailingpostalcode", "otherzippostalcode", "billingzippostalcode", "homezip",
            "zippostal", "postal", "can2zipcode", "zip4"),
    "Preferred contact": ("preferredcontact", "preferredcontactmethod", "preferredmethodofcontact",
                          "contactpreference", "contactmethod", "bestwaytocontact", "howtocontact",
                          "preferredcommunication", "contactvia"),
    "Ladder stage": ("ladderstage", "ladder", "ladderofengagement", "engagementladder", "stage",
                     "engagementlevel"),
    "Tags": ("tags", "tag", "labels", "can2usertags", "usertags"),
    "Notes": ("notes", "note", "comments", "comment", "remarks", "memo"),
    "Status": ("status", "subscriptionstatus", "can2subscriptionstatus", "emailstatus", "subscribed",
               "emailsubscriptionstatus", "optin", "optedin", "subscribe", "hearmore", "keepmeinformed",
               "sendmeupdates"),
}
_BY_SYNONYM = {}
for _field, _names in SYNONYMS.items():
    _BY_SYNONYM[_squash(_field)] = _field
    for _name in _names:
        _BY_SYNONYM[_squash(_name)] = _field

# Values other tools use for the list's choice columns, squashed.
CHOICE_SYNONYMS = {
    "Preferred contact": {"email": "Email", "phone": "Phone call", "call": "Phone call",
                          "phonecall": "Phone call", "telephone": "Phone call", "text": "Text", "sms": "Text",
                          "textmessage": "Text", "texting": "Text", "twitter": "Twitter/X", "x": "Twitter/X",
                          "facebook": "Facebook", "fb": "Facebook", "inperson": "In person",
                          "faceface": "In person", "facetoface": "In person", "meeting": "In person"},
    "Status": {"subscribed": "subscribed", "yes": "subscribed", "y": "subscribed", "true": "subscribed",
               "optedin": "subscribed", "active": "subscribed", "unsubscribed": "unsubscribed",
               "no": "unsubscribed", "n": "unsubscribed", "false": "unsubscribed", "optedout": "unsubscribed",
               # Action Network's other states: neither may be emailed, so they arrive unsubscribed.
               "bouncing": "unsubscribed", "spamcomplaint": "unsubscribed", "inactive": "unsubscribed"},
}


class FileProblem(ValueError):
    """A file that cannot be read at all; the message says what to do, in a manager's words."""


@dataclasses.dataclass(frozen=True)
class FileRow:
    number: int  # the row as a spreadsheet shows it: the header is row 1
    cells: tuple


@dataclasses.dataclass(frozen=True)
class PeopleFile:
    name: str  # the file's name as uploaded, or "pasted rows"
    header: tuple
    rows: tuple  # FileRow, blank lines left out


def decode(data):
    """Bytes from an upload as text: UTF-8 (with or without Excel's BOM), else Windows-1252."""
    if len(data) > MAX_BYTES:
        raise FileProblem(f"This file is {len(data) // (1024 * 1024)} MB; actnet takes files up to "
                          f"{MAX_BYTES // (1024 * 1024)} MB. Split it and import each part.")
    if b"\x00" in data[:4096]:
        raise FileProblem("This doesn't look like a CSV file. In your spreadsheet choose File, then Download "
                          "(or Save as), then CSV, and upload that.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page.
        return data.decode("cp1252", errors="replace")


def _dialect(text):
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "\t" in first:
        return "\t"  # rows pasted from a spreadsheet arrive tab-separated
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read(text, name="pasted rows"):
    """A header and numbered rows from CSV or tab-separated text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FileProblem("There is nothing in it. Paste rows with a header row first, or choose a CSV file.")
    reader = csv.reader(io.StringIO(text), delimiter=_dialect(text))
    header, rows = None, []
    try:
        for number, cells in enumerate(reader, start=1):
            cells = tuple(c.strip() for c in cells)
            if not any(cells):
                continue
            if header is None:
                header = cells
                header_number = number
                continue
            rows.append(FileRow(number - header_number + 1, cells))
    except csv.Error as exc:
        raise FileProblem(f"Row {reader.line_num} can't be read ({exc}). Check its quotes, or save the file "
                          f"again as CSV.") from None
    return PeopleFile(name, header, tuple(rows))


def guess_field(header_text):
    """The list column a file's header stands for, or IGNORE."""
    return _BY_SYNONYM.get(_squash(header_text), IGNORE)


def guess_mapping(header):
    """Each of the file's columns to a list column (or IGNORE); the first column claiming a field wins."""
    taken, mapping = set(), []
    for text in header:
        field = guess_field(text)
        if field in taken:
            field = IGNORE
        if field:
            taken.add(field)
        mapping.append(field)
    return tuple(mapping)


def check_mapping(mapping):
    """What stops an import with this mapping, in a manager's words; None when it can go ahead."""
    fields = [f for f in mapping if f]
    if "Email" not in fields:
        return ("No column holds email addresses. actnet finds people by email: name that column "
                "'Email', or choose it below.")
    doubled = sorted({f for f in fields if fields.count(f) > 1})
    if doubled:
        return f"Two columns are set to {doubled[0]}: choose one."
    return None


def split_name(full):
    """'Maria Lopez' -> ('Maria', 'Lopez'); 'Lopez, Maria' -> ('Maria', 'Lopez'); one word is a first name."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (last, "")


def choice_value(field, text):
    """A choice column's value from another tool's wording, or the text itself."""
    return CHOICE_SYNONYMS.get(field, {}).get(_squash(text), text)

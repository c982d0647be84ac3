"""Signatures gathered on paper or by phone, typed or pasted in bulk by a manager.

Each row goes through the same intake as the action page (one door, several
entrances), with Via `paper`. Like API submissions they count for the
original sponsor (R1) and are never shared with additional sponsors (R2's
reason holds: nobody saw an actnet consent line naming them).
"""
import dataclasses
import secrets

from services import import_file, intake
from services.import_file import FULL_NAME, choice_value, split_name
from services.schema import normalise_email

FIELDS = ("Email", "First name", "Last name", "ZIP", "Status")  # Status: a "hear more" column, yes or no
ONCE_SECONDS = 3600


@dataclasses.dataclass
class PaperCheck:
    ready: list  # (row number, submission), each valid for intake
    problems: list  # (row number, what is wrong, in the person's words)
    duplicates: int = 0


def read(text):
    """The pasted table: a header row, then one signer a row."""
    people = import_file.read(text, "paper")
    mapping = tuple(f if f in FIELDS + (FULL_NAME,) else "" for f in import_file.guess_mapping(people.header))
    return people, mapping


def check(people, mapping, slug, everyone_subscribes):
    """Which rows intake will take, and why the others can't go (row numbers as the paste shows them)."""
    result = PaperCheck([], [])
    problem = import_file.check_mapping(mapping)
    if problem:
        result.problems.append((1, problem))
        return result
    seen = {}
    for row in people.rows:
        values = {f: text for text, f in zip(row.cells, mapping) if f and text}
        if FULL_NAME in values:
            first, last = split_name(values.pop(FULL_NAME))
            values.setdefault("First name", first)
            values.setdefault("Last name", last)
        said = values.get("Status")
        subscribe = choice_value("Status", said) == "subscribed" if said else everyone_subscribes
        submission = {"action": slug, "email": values.get("Email", ""), "first_name": values.get("First name", ""),
                      "last_name": values.get("Last name", ""), "zip": values.get("ZIP", ""),
                      "referrer_code": None, "source_code": None, "subscribe": subscribe,
                      "via": "paper",  # R2's reason: no consent line on an actnet page, so never shared
                      "answers": [], "shown_to": []}
        try:
            clean = intake.validate(submission)
        except intake.Invalid as exc:
            result.problems.append((row.number, " ".join(exc.errors.values())))
            continue
        email = normalise_email(clean["email"])
        if email in seen:
            result.duplicates += 1
            result.problems.append((row.number, f"The same email as row {seen[email]}; recorded once."))
            continue
        seen[email] = row.number
        result.ready.append((row.number, submission))
    return result


def record(redis, ready):
    """Accept each signature through intake. Returns (how many were taken, problems by row)."""
    taken, problems = 0, []
    for number, submission in ready:
        try:
            intake.accept(redis, submission)
            taken += 1
        except intake.Invalid as exc:
            problems.append((number, " ".join(exc.errors.values())))
    return taken, problems


def new_once(redis):
    """A token that lets one press of "Record" through: a second press records nothing twice."""
    token = secrets.token_urlsafe(12)
    redis.set(f"actnet:paper:once:{token}", 1, ex=ONCE_SECONDS)
    return token


def use_once(redis, token):
    return bool(token) and redis.delete(f"actnet:paper:once:{token}") == 1

"""Submissions: accepted in one Redis round trip, written to the sheet by the flush.

`accept()` is everything on the request path: it checks the input, gives the
submission an id and, in one atomic Redis call, queues it, counts its
activist among the action's signers and shows the person in the mirror (the
thank-you page's count and the dashboard's new person are right at once). No
Google call. The same call says whether a flush is already scheduled for the
next couple of seconds; the first signature of each window schedules one, so
a signature reaches the sheet in seconds rather than at the next 15-second
flush, and the others pay nothing for it.

The flush (services/intake_flush.py) turns what is queued into write plans:
the Submissions journal, the home group's Members (R1), Share All deliveries
(R7–R9) and the figures derived from the journal.
"""
import dataclasses
import json
import logging
import re
import secrets
from datetime import datetime, timezone

import redis as redis_lib
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry

from services import mirror as mirror_keys
from services import schema, worker_queue
from services.outbox import Outbox

log = logging.getLogger(__name__)

PENDING = "actnet:intake:pending"
PROCESSING = "actnet:intake:processing"
VIAS = ("web", "api", "paper")
# A submission made on paper may be typed in after the action closed.
OPEN_FOR = {"web": "Live", "api": "Live", "paper": "Live,Closed"}
NUDGE_SECONDS = 2  # how long after a signature its flush starts, at most
ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: an id is read aloud at a help desk
SOURCE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
LIMITS = {"first_name": 100, "last_name": 100, "zip": 20, "referrer_code": 100}
ANSWER_LIMIT = 2000


class Invalid(ValueError):
    """The submission cannot be taken; `errors` maps each field to a message for the person."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class Accepted:
    id: str
    signatures: int  # the action's distinct activists, this one included


def new_id(length=14):
    """A random id, safe in a URL and in a cell (never starts with a formula trigger): 70 bits."""
    # 32 letters: each random byte modulo 32 picks one without bias (256 = 8 x 32).
    return "".join(ID_ALPHABET[b % 32] for b in secrets.token_bytes(length))


def _clean_text(value):
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    # Control characters other than tab and newline have no business in a name.
    return CONTROL.sub("", value).strip()


def validate(submission):
    """The submission as it will be kept, or Invalid with a message per field."""
    errors = {}
    get = submission.get
    slug = _clean_text(get("action"))
    if not slug:
        errors["action"] = "This action was not found."
    email_text = _clean_text(get("email"))
    email = None
    if not email_text:
        errors["email"] = "Please enter your email address."
    else:
        try:
            # The sheet's own parser: the page and the Problems tab say the same thing.
            email = schema.parse(schema.SUBMISSIONS.column("Email"), email_text)
        except schema.CellProblem as exc:
            errors["email"] = f"{exc}; please check it."
    clean = {}
    for name in ("first_name", "last_name", "zip", "referrer_code"):
        clean[name] = _clean_text(get(name))
        if len(clean[name]) > LIMITS[name]:
            label = name.replace("_", " ").replace("zip", "ZIP code")
            errors[name] = f"Please shorten the {label} to {LIMITS[name]} characters."
    if not clean["zip"]:
        errors["zip"] = "Please enter your ZIP code."
    source = _clean_text(get("source_code"))
    if len(source) > LIMITS["referrer_code"]:
        errors["source_code"] = f"Please shorten the source code to {LIMITS['referrer_code']} characters."
    via = get("via") or "web"
    if via not in VIAS:
        errors["via"] = f"Submissions come from the web, the API or paper, not {via!r}."
    subscribe = get("subscribe")
    if not isinstance(subscribe, bool):
        errors["subscribe"] = "Say yes or no to hearing more."
    answers = []
    for item in get("answers") or []:
        try:
            question, answer = item
        except (TypeError, ValueError):
            errors["answers"] = "Answers come as pairs of question and answer."
            break
        question, answer = _clean_text(question), _clean_text(answer)
        if len(answer) > ANSWER_LIMIT:
            errors["answers"] = f"Please shorten your answer to “{question}” to {ANSWER_LIMIT} characters."
        answers.append([question, answer])
    shown_to = [_clean_text(g) for g in get("shown_to") or [] if _clean_text(g)]
    if errors:
        raise Invalid(errors)
    return {"action": slug, "email": email, "first_name": clean["first_name"], "last_name": clean["last_name"],
            "zip": clean["zip"], "referrer_code": clean["referrer_code"] or None,
            # Letters, digits, - and _ only; anything else is dropped, not refused.
            "source_code": source if SOURCE_CODE.match(source) else None,
            "subscribe": subscribe, "via": via, "answers": answers, "shown_to": shown_to}


# KEYS: pending, signers, action, home list, home overlay, this window's flush job
# ARGV: submission, email, open statuses, answered questions, new person, subscribe, now
_ACCEPT = """
local raw = redis.call('GET', KEYS[3])
if not raw then return {-1, ''} end
local action = cjson.decode(raw)
local open = false
for status in string.gmatch(ARGV[3], '[^,]+') do
  if status == action.status then open = true end
end
if not open then return {-2, tostring(action.status)} end
local answered = {}
for _, q in ipairs(cjson.decode(ARGV[4])) do answered[q] = true end
local missing = {}
for _, q in ipairs(action.questions) do
  if q[2] == true and not answered[q[1]] then table.insert(missing, q[1]) end
end
if #missing > 0 then return {-3, cjson.encode(missing)} end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
local n = redis.call('SCARD', KEYS[2])
local sheet = tonumber(action.sheet_signatures) or 0
if sheet > n then n = sheet end
local over = redis.call('HGET', KEYS[5], ARGV[2])
local base = redis.call('HGET', KEYS[4], ARGV[2])
if not over and not base then
  redis.call('HSET', KEYS[5], ARGV[2], ARGV[5])
elseif ARGV[6] == '1' then
  -- R8: an action never unsubscribes; ticking the box subscribes again.
  local entry = {}
  if over then entry = cjson.decode(over) end
  local status = entry.status
  if status == nil and base then status = cjson.decode(base).status end
  if status == 'unsubscribed' then
    entry.status = 'subscribed'
    entry.at = tonumber(ARGV[7])
    redis.call('HSET', KEYS[5], ARGV[2], cjson.encode(entry))
  end
end
return {n, '', redis.call('EXISTS', KEYS[6])}
"""
_ACCEPT_SHA = None


def _flush_window(now):
    """The moment the flush for a signature taken `now` runs: the end of its NUDGE_SECONDS window."""
    return (int(now.timestamp()) // NUDGE_SECONDS + 1) * NUDGE_SECONDS


def _flush_job_id(at):
    return f"intake-flush-{at}"


def _schedule_flush(connection, at):
    """Put the flush job for the window ending at `at` in the RQ scheduler's registry.

    Called by the first signature of a window (the accept script saw no job for
    it). Two processes racing here write the same job id, so the window still
    has one flush. If this process dies before it runs, the signature waits
    for the 15-second flush instead: it is already safe in Redis.
    """
    queue = worker_queue.queue(connection)
    job = queue.create_job("services.schedule.flush_outbox", job_id=_flush_job_id(at), result_ttl=60,
                           failure_ttl=300, timeout=600, status=JobStatus.SCHEDULED,
                           description="write new signatures to the sheet")
    with connection.pipeline(transaction=True) as pipe:
        pipe.sadd(queue.redis_queues_keys, queue.key)
        job.save(pipeline=pipe)
        pipe.zadd(ScheduledJobRegistry(queue=queue).key, {job.id: at})
        pipe.execute()


def accept(redis, submission, *, now=None):
    """Take a submission: one Redis round trip (two for a window's first), no Google call. Returns Accepted.

    Raises Invalid (field -> message) for input the person can fix, including
    an action that is unknown or not taking signatures and a required question
    left blank.
    """
    global _ACCEPT_SHA
    clean = validate(submission)
    now = now or datetime.now(timezone.utc)
    sid = new_id()
    record = {"id": sid, "at": now.isoformat(timespec="microseconds"), **clean}
    slug, email = clean["action"], clean["email"]
    answered = [q for q, a in clean["answers"] if a]
    person = {"email": email, "first_name": clean["first_name"] or None, "last_name": clean["last_name"] or None,
              "zip": clean["zip"] or None, "status": "subscribed" if clean["subscribe"] else "unsubscribed",
              "source": f"action {slug}", "joined": now.date().isoformat(), "new": True, "at": now.timestamp()}
    flush_at = _flush_window(now)
    keys = [PENDING, mirror_keys.signers_key(slug), mirror_keys.action_key(slug),
            mirror_keys.list_key(mirror_keys.HOME), mirror_keys.overlay_key(mirror_keys.HOME),
            Job.key_for(_flush_job_id(flush_at))]
    args = [json.dumps(record, separators=(",", ":")), email, OPEN_FOR[clean["via"]],
            json.dumps(answered), json.dumps(person, separators=(",", ":")), "1" if clean["subscribe"] else "0",
            now.timestamp()]
    for attempt in range(2):
        if _ACCEPT_SHA is None:
            _ACCEPT_SHA = redis.script_load(_ACCEPT)  # once per process, and after a Redis restart
        try:
            result = redis.evalsha(_ACCEPT_SHA, len(keys), *keys, *args)
            break
        except redis_lib.exceptions.NoScriptError:
            _ACCEPT_SHA = None  # Redis restarted and forgot the script: load it and try again
            if attempt:
                raise
    code, detail = int(result[0]), result[1].decode() if isinstance(result[1], bytes) else result[1]
    if code == -1:
        raise Invalid({"action": "This action was not found."})
    if code == -2:
        raise Invalid({"action": "This action is closed." if detail == "Closed" else
                       "This action is not taking signatures yet."})
    if code == -3:
        missing = json.loads(detail)
        raise Invalid({"answers": "Please answer: " + "; ".join(f"“{q}”" for q in missing) + "."})
    if not result[2]:
        try:
            _schedule_flush(redis, flush_at)
        except redis_lib.RedisError as exc:
            # The signature is taken: saying otherwise would have the person sign twice.
            # It reaches the sheet with the 15-second flush instead.
            log.warning("intake: the flush for %s was not scheduled (%s)", _flush_job_id(flush_at), exc)
    return Accepted(sid, code)


# --- what waits for the sheet ---------------------------------------------------

OUTBOXES = "actnet:outboxes"  # outbox names of partner lists kept in their own spreadsheets


def outbox_for(redis, sheet_id=None):
    """The outbox of the home workbook, or of a partner's own spreadsheet."""
    return Outbox(redis) if sheet_id is None else Outbox(redis, name=f"sheet:{sheet_id}")


def depth(redis):
    """Changes on their way to the sheet: submissions not yet planned, and plans not yet written."""
    def lengths(pipe, outbox):
        for key in (outbox.pending, outbox.processing, outbox.held):
            pipe.llen(key)

    with redis.pipeline(transaction=False) as pipe:
        pipe.llen(PENDING)
        pipe.llen(PROCESSING)
        lengths(pipe, Outbox(redis))
        pipe.smembers(OUTBOXES)
        *counts, others = pipe.execute()
    total = sum(counts)
    if others:
        with redis.pipeline(transaction=False) as pipe:
            for name in others:
                lengths(pipe, Outbox(redis, name=name.decode()))
            total += sum(pipe.execute())
    return total


def waiting(redis):
    """Submissions accepted but not yet turned into write plans."""
    with redis.pipeline(transaction=False) as pipe:
        pipe.llen(PENDING)
        pipe.llen(PROCESSING)
        return sum(pipe.execute())

"""The signatures the API lists, kept in Redis: the API never reads Google.

The Submissions journal is read into Redis by a job (every few minutes, and
only while some API key exists): per action, a list of its signatures in the
order they were made; per activist, the signatures they made. A signature the
API itself records is added at once, so a client reads its own write, and is
kept through the rebuilds until the sheet has it.

Only what the API shows is kept: id, time, action, email, via, referrer and
source codes; names and answers stay in the sheet.
"""
import json
import os
import time
from datetime import datetime, timezone

import rq

from services import api_keys
from services.config import Settings
from services.schema import normalise_email
from services.sheets import SheetsError
from services.workbook import Workbook

ACTION = "actnet:api:signatures:{}"  # list of JSON records, oldest first
ACTIONS = "actnet:api:signatures"  # set of the slugs with a list
SIGNED = "actnet:api:signed"  # hash: email -> JSON list of [slug, id]
RECENT = "actnet:api:signatures:recent"  # zset: JSON record -> when the API recorded it
RECENT_SECONDS = 3600  # an API signature not in the sheet after this is left to the sheet


def _record(values):
    at = values.get("At")
    return {"id": values["Id"], "at": at.isoformat() if isinstance(at, datetime) else at,
            "action": (values.get("Action") or "").strip(), "email": normalise_email(values.get("Email") or ""),
            "via": values.get("Via"), "referrer_code": values.get("Referrer code"),
            "source_code": values.get("Source code")}


def _dumps(record):
    return json.dumps(record, separators=(",", ":"), sort_keys=True)


def add(redis, accepted_id, submission, now=None):
    """Show a signature the API just recorded, before the sheet has it."""
    now = now or datetime.now(timezone.utc)
    record = {"id": accepted_id, "at": now.isoformat(), "action": submission["action"],
              "email": normalise_email(submission["email"]), "via": submission["via"],
              "referrer_code": submission.get("referrer_code"), "source_code": submission.get("source_code")}
    raw = _dumps(record)
    signed = json.loads(redis.hget(SIGNED, record["email"]) or "[]")
    with redis.pipeline() as pipe:
        pipe.rpush(ACTION.format(record["action"]), raw)
        pipe.sadd(ACTIONS, record["action"])
        pipe.hset(SIGNED, record["email"], json.dumps(signed + [[record["action"], record["id"]]]))
        pipe.zadd(RECENT, {raw: now.timestamp()})
        pipe.execute()
    return record


def rebuild(redis, submissions, now=None):
    """Make the index hold exactly the journal (a Submissions TabData), plus the API's
    own signatures of the last hour that the sheet does not have yet."""
    now = now or time.time()
    redis.zremrangebyscore(RECENT, "-inf", now - RECENT_SECONDS)
    records = [_record(r.values) for r in submissions.rows if r["Id"] and r["Action"]]
    known = {r["id"] for r in records}
    records += [r for r in (json.loads(raw) for raw in redis.zrange(RECENT, 0, -1)) if r["id"] not in known]
    records.sort(key=lambda r: r["at"] or "")
    by_action, signed = {}, {}
    for r in records:
        by_action.setdefault(r["action"], []).append(_dumps(r))
        signed.setdefault(r["email"], []).append([r["action"], r["id"]])
    stale = {s.decode() for s in redis.smembers(ACTIONS)} - set(by_action)
    with redis.pipeline() as pipe:
        # Built under temporary names and renamed: a reader sees the old list or the new, never half.
        for slug, rows in by_action.items():
            tmp = ACTION.format(slug) + ":new"
            pipe.delete(tmp)
            for start in range(0, len(rows), 1000):
                pipe.rpush(tmp, *rows[start:start + 1000])
            pipe.rename(tmp, ACTION.format(slug))
        for slug in stale:
            pipe.delete(ACTION.format(slug))
        pipe.delete(ACTIONS, SIGNED + ":new")
        if by_action:
            pipe.sadd(ACTIONS, *by_action)
        if signed:
            pipe.hset(SIGNED + ":new", mapping={e: json.dumps(s) for e, s in signed.items()})
            pipe.rename(SIGNED + ":new", SIGNED)
        else:
            pipe.delete(SIGNED)
        pipe.execute()
    return len(records)


def of_action(redis, slug, start=0, stop=-1):
    """(the action's signatures from `start` to `stop` inclusive, how many it has)."""
    with redis.pipeline(transaction=False) as pipe:
        pipe.lrange(ACTION.format(slug), start, stop)
        pipe.llen(ACTION.format(slug))
        rows, total = pipe.execute()
    return [json.loads(r) for r in rows], total


def all_of_action(redis, slug):
    return of_action(redis, slug)[0]


def of_person(redis, email):
    """[(slug, signature id)] an activist made, oldest first."""
    return [tuple(s) for s in json.loads(redis.hget(SIGNED, normalise_email(email)) or "[]")]


def find(redis, slug, signature_id):
    for record in all_of_action(redis, slug):
        if record["id"] == signature_id:
            return record
    return None


def refresh_job():
    """RQ job (rq cron): read the journal into the index, while any API key exists."""
    job = rq.get_current_job()
    if not job.connection.hlen(api_keys.INDEX):
        return 0  # nobody uses the API: spend no sheet read on it
    workbook = Workbook.from_settings(Settings.from_env(os.environ))
    try:
        return rebuild(job.connection, workbook.snapshot(["Submissions"])["Submissions"])
    except SheetsError:
        return None  # the index keeps what it had; the next run tries again

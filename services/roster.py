"""The home group's people as the alert and ladder pages need them, kept in Redis.

Pages never call Google (design.md): a job reads Members, Contacts, Alerts and
the recent Submissions in one batchGet and keeps them here; what a page
changes (a contact ticked, a stage moved up, a join) is put here at once as
well as in the outbox, so the manager sees it before the sheet has it.
"""
import json
from datetime import date, datetime, timedelta, timezone

from services.audience import Contact, Person, parse_tags
from services.contacts import from_rows

PEOPLE = "actnet:roster:people"  # hash: email -> person JSON
CONTACTS = "actnet:roster:contacts"  # hash: journal key -> contact JSON
ALERTS = "actnet:roster:alerts"  # JSON list of the Alerts tab's rows
ACTIONS = "actnet:roster:actions"  # hash: email -> JSON list of action dates (last 180 days)
LIVE = "actnet:roster:live-actions"  # JSON list of [slug, title] of the Live actions, to link from an alert
META = "actnet:roster:meta"  # hash: time_zone, read_at, title

TABS = ("Members", "Contacts", "Alerts", "Submissions", "Groups", "Actions")
# Contacts older than this are not needed by any page (the 90-day figure is the longest look back).
KEEP_CONTACT_DAYS = 180
ACTION_DAYS = 180


def _iso(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _day(text):
    return date.fromisoformat(text) if text else None


def person_from_row(values):
    return Person(
        email=values["Email"], first_name=values.get("First name") or "", last_name=values.get("Last name") or "",
        phone=values.get("Phone") or "", zip=values.get("ZIP") or "", preferred=values.get("Preferred contact"),
        stage=values.get("Ladder stage"), tags=parse_tags(values.get("Tags")), status=values.get("Status"),
        source=values.get("Source") or "", joined=values.get("Joined"), actions_taken=values.get("Actions taken") or 0,
        last_action=values.get("Last action"), stage_changed=values.get("Stage changed"), id=values.get("Id") or "")


def person_json(p):
    return json.dumps({"email": p.email, "first_name": p.first_name, "last_name": p.last_name, "phone": p.phone,
                       "zip": p.zip, "preferred": p.preferred, "stage": p.stage, "tags": list(p.tags),
                       "status": p.status, "source": p.source, "joined": _iso(p.joined),
                       "actions_taken": p.actions_taken, "last_action": _iso(p.last_action),
                       "stage_changed": _iso(p.stage_changed), "id": p.id})


def person_from_json(text):
    d = json.loads(text)
    return Person(**{**d, "tags": tuple(d["tags"]), "joined": _day(d["joined"]),
                     "last_action": _day(d["last_action"]), "stage_changed": _day(d["stage_changed"])})


def contact_key(c):
    return "\0".join((c.email, c.alert, c.channel, c.outcome))


def contact_json(c):
    return json.dumps({"at": c.at.isoformat(), "email": c.email, "alert": c.alert, "channel": c.channel,
                       "outcome": c.outcome})


def contact_from_json(text):
    d = json.loads(text)
    return Contact(datetime.fromisoformat(d["at"]), d["email"], d["alert"], d["channel"], d["outcome"])


class Roster:
    def __init__(self, redis):
        self.redis = redis

    # --- reading (pages) -------------------------------------------------------

    def people(self):
        return [person_from_json(v) for v in self.redis.hvals(PEOPLE)]

    def person(self, email):
        text = self.redis.hget(PEOPLE, email)
        return person_from_json(text) if text else None

    def contacts(self):
        return [contact_from_json(v) for v in self.redis.hvals(CONTACTS)]

    def alerts(self):
        """The Alerts tab's rows: dicts with date (date), subject, link, channel, sent_to, notes."""
        text = self.redis.get(ALERTS)
        rows = json.loads(text) if text else []
        return [{**r, "date": _day(r["date"])} for r in rows]

    def recent_actions(self):
        """email -> the dates (UTC) of their actions in the last 180 days."""
        return {k.decode(): [date.fromisoformat(d) for d in json.loads(v)]
                for k, v in self.redis.hgetall(ACTIONS).items()}

    def live_actions(self):
        """[(slug, title)] of the Live actions."""
        text = self.redis.get(LIVE)
        return [tuple(x) for x in json.loads(text)] if text else []

    def meta(self):
        return {k.decode(): v.decode() for k, v in self.redis.hgetall(META).items()}

    def sheet_time_zone(self):
        return self.meta().get("time_zone") or None

    # --- writing (pages, at once) -----------------------------------------------

    def record_contacts(self, contacts):
        if contacts:
            self.redis.hset(CONTACTS, mapping={contact_key(c): contact_json(c) for c in contacts})

    def put_person(self, person):
        self.redis.hset(PEOPLE, person.email, person_json(person))

    def add_alert(self, row):
        """An alert made or counted on a page; a manager's Notes on its row are kept."""
        rows, before = [], {}
        for r in self.alerts():
            if (r["date"], r["subject"]) == (row["date"], row["subject"]):
                before = r
            else:
                rows.append(r)
        rows.append({**row, "notes": before.get("notes") or row.get("notes") or ""})
        self._save_alerts(rows)

    def _save_alerts(self, rows):
        self.redis.set(ALERTS, json.dumps([{**r, "date": _iso(r["date"])} for r in rows]))

    # --- the refresh job ---------------------------------------------------------

    def refresh(self, workbook, now=None):
        """Read the tabs once and keep what pages need. Returns how many people."""
        now = now or datetime.now(timezone.utc)
        meta = workbook.metadata()
        titles = [s["properties"]["title"] for s in meta["sheets"]]
        wanted = [t for t in TABS if t in titles]
        snap = workbook.snapshot(wanted, titles=titles)
        pipe = self.redis.pipeline()
        if "Members" in wanted:
            people = {r["Email"]: person_json(person_from_row(r.values)) for r in snap["Members"].rows}
            pipe.delete(PEOPLE)
            if people:
                pipe.hset(PEOPLE, mapping=people)
        if "Contacts" in wanted:
            since = now - timedelta(days=KEEP_CONTACT_DAYS)
            kept = {contact_key(c): contact_json(c) for c in from_rows(snap["Contacts"]) if c.at >= since}
            # Contacts a page recorded that the sheet does not have yet stay; old ones go.
            for key, text in self.redis.hgetall(CONTACTS).items():
                c = contact_from_json(text)
                if c.at >= since:
                    kept.setdefault(key.decode(), text.decode())
            pipe.delete(CONTACTS)
            if kept:
                pipe.hset(CONTACTS, mapping=kept)
        if "Alerts" in wanted:
            rows = [{"date": _iso(r["Date"]), "subject": r["Subject"] or "", "link": r["Link"] or "",
                     "channel": r["Channel"] or "", "sent_to": r["Sent to"], "notes": r["Notes"] or ""}
                    for r in snap["Alerts"].rows]
            pipe.set(ALERTS, json.dumps(rows))
        if "Submissions" in wanted:
            since = now - timedelta(days=ACTION_DAYS)
            actions = {}
            for r in snap["Submissions"].rows:
                if r["At"] and r["At"] >= since and r["Email"]:
                    actions.setdefault(r["Email"], set()).add((r["Action"], r["At"].date().isoformat()))
            pipe.delete(ACTIONS)
            if actions:
                # One action counts once per person, on the day they first took it.
                pipe.hset(ACTIONS, mapping={e: json.dumps(sorted(_first_days(a))) for e, a in actions.items()})
        if "Actions" in wanted:
            live = [[r["Slug"], r["Title"] or r["Slug"]] for r in snap["Actions"].rows if r["Status"] == "Live"]
            pipe.set(LIVE, json.dumps(live))
        if "Groups" in wanted and snap["Groups"].rows:
            home = snap["Groups"].rows[0]
            pipe.hset(META, mapping={"home_group": home["Name"], "home_slug": home["Slug"] or ""})
        pipe.hset(META, mapping={"time_zone": meta.get("properties", {}).get("timeZone") or "",
                                 "title": meta.get("properties", {}).get("title") or "",
                                 "read_at": now.isoformat()})
        pipe.execute()
        return len(snap["Members"].rows) if "Members" in wanted else 0


def _first_days(pairs):
    first = {}
    for action, day in pairs:
        first[action] = min(first.get(action, day), day)
    return list(first.values())


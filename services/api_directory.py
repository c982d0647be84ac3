"""What one API key may see, read from the mirror and the signature index; never Google.

The home group's key sees the network: Members, every action with all its
sponsor rows, every signature. A partner group's key sees its own list, the
actions it sponsors (not Removed, not Draft) with its own sponsor row only,
and signatures only of people now on its list. Anything else is simply not
found, so the API answers 404 and never says that it exists.
"""
import hashlib
import hmac
import json
import secrets

from services import signature_index
from services.mirror import HOME, Mirror, decode, list_key, overlay_key
from services.schema import normalise_email


def list_people(redis, list_name):
    """Everyone on one of the mirror's lists, with the changes pages made since the last read."""
    with redis.pipeline(transaction=False) as pipe:
        pipe.hgetall(list_key(list_name))
        pipe.hgetall(overlay_key(list_name))
        base, overlay = pipe.execute()
    people = {k.decode(): json.loads(v) for k, v in base.items()}
    for email, raw in overlay.items():
        change = json.loads(raw)
        change.pop("at", None)
        change.pop("new", None)
        people.setdefault(email.decode(), {"email": email.decode()}).update(change)
    return [decode(p) for p in people.values()]


ID_SALT = "actnet:api:id-salt"


def derived_id(salt, list_name, email):
    """An id for a person whose row has no Id yet: stable while their email is, and not
    guessable from it (an HMAC with this deployment's salt), so it leaks nothing."""
    mac = hmac.new(salt, f"{list_name}\n{normalise_email(email)}".encode(), hashlib.sha256).hexdigest()
    return "x" + mac[:15]


def id_salt(redis):
    redis.set(ID_SALT, secrets.token_hex(16), nx=True)
    return redis.get(ID_SALT)


class Directory:
    def __init__(self, redis, group):
        self.redis = redis
        self.mirror = Mirror(redis)
        home = self.mirror.home_group().get("name")
        self.group = group
        self.is_home = bool(group) and group == home
        self.list_name = HOME if self.is_home else group
        self._people = None

    # --- people ------------------------------------------------------------------

    def people(self):
        """This key's list, in a stable order (joined, then email). A row without an Id
        (typed in by hand, or a signature from minutes ago) gets a derived one."""
        if self._people is None:
            salt = id_salt(self.redis)
            found = [p for p in list_people(self.redis, self.list_name) if p.get("email")]
            for p in found:
                p["id"] = str(p.get("id") or derived_id(salt, self.list_name, p["email"]))
            found.sort(key=lambda p: (str(p.get("joined") or ""), p["email"]))
            self._people = found
        return self._people

    def person(self, person_id):
        return next((p for p in self.people() if str(p["id"]) == person_id), None)

    def person_id_of(self, email):
        email = normalise_email(email or "")
        person = next((p for p in self.people() if normalise_email(p["email"]) == email), None)
        return str(person["id"]) if person else None

    def _on_list(self):
        return {normalise_email(p["email"]): str(p["id"]) for p in self.people()}

    # --- actions -----------------------------------------------------------------

    def petitions(self):
        if self.is_home:
            return self.mirror.actions()
        return [a for a in self.mirror.actions() if a.get("status") != "Draft" and self._own_row(a["slug"])]

    def petition(self, slug):
        action = self.mirror.action(slug)
        if action is None or (not self.is_home and (action.get("status") == "Draft" or not self._own_row(slug))):
            return None
        return action

    def _own_row(self, slug):
        return next((s for s in self.mirror.sponsors(slug)
                     if s.get("group") == self.group and s.get("status") != "Removed"), None)

    def sponsors(self, slug):
        """The sponsor rows this key may see of a visible action."""
        if self.is_home:
            return self.mirror.sponsors(slug)
        own = self._own_row(slug)
        return [own] if own else []

    # --- signatures ----------------------------------------------------------------

    def signatures(self, slug):
        """[(signature record, person id or None)] of a visible action, oldest first."""
        records = signature_index.all_of_action(self.redis, slug)
        on_list = self._on_list()
        if self.is_home:
            return [(r, on_list.get(r["email"])) for r in records]
        return [(r, on_list[r["email"]]) for r in records if r["email"] in on_list]

    def signature(self, slug, signature_id):
        return next(((r, pid) for r, pid in self.signatures(slug) if r["id"] == signature_id), None)

    def signatures_of(self, person):
        """[(signature record, person id)] the person made on actions this key may see."""
        visible = {a["slug"] for a in self.petitions()}
        wanted = {sid for slug, sid in signature_index.of_person(self.redis, person["email"]) if slug in visible}
        found = []
        for slug in sorted({slug for slug, sid in signature_index.of_person(self.redis, person["email"])} & visible):
            found += [(r, str(person["id"])) for r in signature_index.all_of_action(self.redis, slug)
                      if r["id"] in wanted]
        return sorted(found, key=lambda pair: pair[0].get("at") or "")

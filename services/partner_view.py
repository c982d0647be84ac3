"""What a partner group may see: its own sponsor rows and its own list, never another group's."""
import json

from services import schema

CSV_COLUMNS = (("Email", "email"), ("First name", "first_name"), ("Last name", "last_name"), ("ZIP", "zip"),
               ("Status", "status"), ("Source", "source"), ("Joined", "joined"))
ACTION_FIELDS = ("slug", "title", "mode")


def sponsorships(actions, sponsors_of, group):
    """One row per action the group sponsors: the action's title and mode, the group's own figures."""
    rows = []
    for action in actions:
        if action.get("status") == "Draft":
            continue  # not public yet: nothing to share
        mine = next((s for s in sponsors_of(action["slug"]) if s["group"] == group), None)
        if mine is None:
            continue
        rows.append({**{k: action.get(k) for k in ACTION_FIELDS}, "action_status": action.get("status"),
                     **{k: mine.get(k) for k in ("status", "total_activists", "new_to_list", "referrer", "owed",
                                                 "shared", "referrer_code", "limit", "joined_at")}})
    return rows


def list_key(group):
    from services.mirror import list_key as key  # the mirror keeps each list as a hash by email

    return key(group)


def list_size(redis, group):
    return redis.hlen(list_key(group))


def list_rows(redis, group):
    """The group's list as CSV rows; text neutralised so no spreadsheet evaluates it."""
    people = [json.loads(raw) for raw in redis.hvals(list_key(group))]
    people.sort(key=lambda p: p.get("email") or "")
    rows = [[schema.neutralise(str(p.get(field) or "")) for _, field in CSV_COLUMNS] for p in people]
    return [name for name, _ in CSV_COLUMNS], rows

"""Small hand-made records of one action, in the engine's input shape."""
import copy

from services.sharing import allocate

T0 = "2026-01-01T00:00:00Z"


def t(day, hour=0):
    return f"2026-01-{day:02d}T{hour:02d}:00:00Z"


def sponsor(group, joined=T0, code=None, limit=None):
    return {"group": group, "joined_at": joined, "referrer_code": code or f"{group}-code", "limit": limit}


def sub(activist, at=None, code=None, subscribe=True, source="web"):
    return {"activist": activist, "at": at or t(2), "referrer_code": code, "subscribe": subscribe,
            "source": source}


def scenario(sponsors, submissions, mode="proportional", seed=1, lists=None, shares=None, deliveries=None,
             history=None):
    return {"seed": seed, "original_sponsor": "home",
            "mode_history": history if history is not None else [{"at": T0, "mode": mode}],
            "sponsors": sponsors, "submissions": submissions, "lists": lists or {},
            "shares": shares or [], "deliveries": deliveries or []}


def pairs(items):
    return {(x["activist"], x["group"]) for x in items}


def figures(result, group):
    return next(s for s in result["sponsors"] if s["group"] == group)


def apply(record, result, at="2026-02-01T00:00:00Z"):
    """The record as the app leaves it after writing a run's result back."""
    record = copy.deepcopy(record)
    lists = record["lists"]
    for r in result["referrals"]:
        lists.setdefault(r["group"], {})[r["activist"]] = {"status": "subscribed", "changed_at": at}
    for d in result["deliveries"]:
        record["deliveries"].append(dict(d))
        if d["subscribed"]:
            lists.setdefault(d["group"], {})[d["activist"]] = {"status": "subscribed", "changed_at": at}
    for s in result["shares"]:
        record["shares"].append({**s, "at": at})
        lists.setdefault(s["group"], {})[s["activist"]] = {"status": "subscribed", "changed_at": at}
    return record


def run(record):
    return allocate(record)

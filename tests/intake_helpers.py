"""A small network for intake's tests: a home group, a partner whose list is a tab here,
one whose list is its own spreadsheet, a Share All action and a Proportional one."""
from datetime import datetime, timezone

import requests

from services.config import Settings
from services.plan import WritePlan
from services.sheet_setup import init_workbook
from services.sheets import RetryPolicy
from services.workbook import Workbook

JOINED = datetime(2026, 1, 1, tzinfo=timezone.utc)
TABS = ["Members", "Groups", "Actions", "Sponsors", "Submissions", "Shares", "Runs", "Alerts", "Co-leaders",
        "Problems", "List – Tacoma"]


def workbook(url, sheet_id, attempts=4):
    return Workbook.from_settings(Settings(sheets_url=url, sheet_id=sheet_id),
                                  retry=RetryPolicy(attempts=attempts, base=0.05, cap=0.5),
                                  http_retry=RetryPolicy(attempts=attempts, base=0.05, cap=0.5))


def make_network(url, olympia_limit=1):
    """Returns (home sheet id, Olympia's sheet id)."""
    def create(title, tabs):
        body = {"properties": {"title": title}, "sheets": [{"properties": {"title": t}} for t in tabs]}
        return requests.post(f"{url}/v4/spreadsheets", json=body, timeout=5).json()["spreadsheetId"]

    home, olympia = create("network", ["Members"]), create("olympia", ["Members"])
    wb = workbook(url, home)
    init_workbook(wb, TABS)
    init_workbook(workbook(url, olympia), ["Members"])
    plan = WritePlan()
    plan.append("Groups", {"Name": "Seattle RESULTS", "Slug": "seattle"})
    plan.append("Groups", {"Name": "Tacoma", "Slug": "tacoma"})
    plan.append("Groups", {"Name": "Olympia", "Slug": "olympia",
                           "List spreadsheet": f"https://docs.google.com/spreadsheets/d/{olympia}/edit"})
    plan.append("Actions", {"Title": "Protect SNAP", "Status": "Live", "Mode": "Share All", "Slug": "snap",
                            "Created": JOINED, "Mode history": "2026-01-01T00:00:00Z Share All",
                            "Questions": "Why does this matter to you?\nYour county *"})
    plan.append("Actions", {"Title": "Nutrition", "Status": "Live", "Mode": "Proportional", "Slug": "nutrition",
                            "Created": JOINED, "Mode history": "2026-01-01T00:00:00Z Proportional"})
    plan.append("Actions", {"Title": "Old one", "Status": "Closed", "Mode": "Share All", "Slug": "old",
                            "Created": JOINED})
    for slug in ("snap", "nutrition"):
        plan.append("Sponsors", {"Action": slug, "Group": "Tacoma", "Status": "Active", "Joined at": JOINED,
                                 "Referrer code": f"tacoma-{slug}"})
        plan.append("Sponsors", {"Action": slug, "Group": "Olympia", "Status": "Active", "Joined at": JOINED,
                                 "Referrer code": f"olympia-{slug}", "Limit": olympia_limit})
    plan.append("Members", {"Email": "una@example.org", "First name": "Una", "Status": "unsubscribed",
                            "Notes": "asked to stop in May", "Id": "m1"})
    plan.append("Members", {"Email": "sam@example.org", "First name": "Sam", "Status": "subscribed", "Id": "m2"})
    plan.append("List – Tacoma", {"Email": "sam@example.org", "Status": "subscribed"})
    wb.apply(plan)
    return home, olympia


def signature(email, action="snap", subscribe=True, **extra):
    return {"action": action, "email": email, "first_name": extra.pop("first_name", "Ann"),
            "last_name": extra.pop("last_name", "Lee"), "zip": extra.pop("zip", "98101"),
            "subscribe": subscribe, "via": extra.pop("via", "web"),
            "answers": extra.pop("answers", [["Your county", "King"]] if action == "snap" else []),
            "shown_to": extra.pop("shown_to", ["Seattle RESULTS", "Tacoma", "Olympia"]), **extra}

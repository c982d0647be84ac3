"""A small sharing network written into localsheets, for the run's tests."""
from datetime import datetime, timedelta, timezone

import requests

from services import schema
from services.config import Settings
from services.plan import WritePlan
from services.sheet_setup import init_workbook
from services.sheets import RetryPolicy
from services.workbook import Workbook

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
HOME, TACOMA, OLYMPIA = "Seattle RESULTS", "Tacoma Hunger Coalition", "Olympia Faith"
SLUG = "fund-nutrition"


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def workbook(localsheets, sheet_id, attempts=3):
    return Workbook.from_settings(Settings(sheets_url=localsheets.url, sheet_id=sheet_id),
                                  retry=RetryPolicy(attempts=attempts, base=0.05, cap=0.5),
                                  http_retry=RetryPolicy(attempts=attempts, base=0.05, cap=0.5))


def build(localsheets, *, olympia_sheet=True, mode="Proportional"):
    """The workbook and, if asked, Olympia's own list spreadsheet: Tacoma's list is a
    `List – NAME` tab here. Returns (workbook, olympia's sheet id or None)."""
    wb = workbook(localsheets, localsheets.create("actnet network"))
    init_workbook(wb, [t.name for t in schema.TABS])
    own = localsheets.create("Olympia's own list") if olympia_sheet else None
    plan = WritePlan()
    plan.append("Groups", {"Name": HOME, "Slug": "seattle"})
    plan.append("Groups", {"Name": TACOMA, "Slug": "tacoma"})
    plan.append("Groups", {"Name": OLYMPIA, "Slug": "olympia",
                           "List spreadsheet": f"https://docs.google.com/spreadsheets/d/{own}/edit" if own else None})
    plan.append("Actions", {"Title": "Fund global nutrition", "Ask": "Ask Congress.", "Status": "Live",
                            "Mode": mode, "Slug": SLUG, "Created": T0})
    for group, code in ((TACOMA, "tacoma-fund"), (OLYMPIA, "olympia-fund")):
        plan.append("Sponsors", {"Action": SLUG, "Group": group, "Status": "Active", "Joined at": T0,
                                 "Referrer code": code})
    wb.apply(plan)
    init_workbook(wb)  # the partner lists: a tab for Tacoma, Members in Olympia's own spreadsheet
    return wb, own


def sign(wb, people, start=0, code=None, subscribe=True, via="web", slug=SLUG):
    """Submissions as intake journals them: one row each, a minute apart."""
    plan = WritePlan()
    for i, email in enumerate(people):
        plan.append("Submissions", {"Id": f"sub-{slug}-{start + i:05d}", "At": at(start + i), "Action": slug,
                                    "Email": email, "First name": email.split("@")[0].title(), "ZIP": "98101",
                                    "Referrer code": code, "Subscribe": subscribe, "Via": via,
                                    "Answers": "Why: hunger"})
    wb.apply(plan)


def values(localsheets, sheet_id):
    """Every tab's cells as text, for comparing a whole spreadsheet."""
    meta = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}", timeout=10).json()
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    got = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values:batchGet", timeout=30,
                       params={"ranges": [f"'{t}'" for t in titles]}).json()["valueRanges"]
    return {t: vr.get("values", []) for t, vr in zip(titles, got, strict=True)}


def rows(wb, tab):
    return wb.snapshot([tab])[tab].rows


def sponsor_figures(wb, group, slug=SLUG):
    row = next(r for r in rows(wb, "Sponsors") if r["Group"] == group and r["Action"] == slug)
    return {k: row[k] for k in ("Referrer", "Owed", "Shared")}

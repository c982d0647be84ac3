"""Scheduled jobs for alerts and the ladder (registered in cron.py)."""
import os
from datetime import datetime, timezone

import rq

from services import alert_calendar, contacts
from services.config import Settings
from services.roster import Roster
from services.workbook import Workbook


def refresh_roster():
    """Keep the people, contacts and alerts that the alert pages read fresh in Redis."""
    job = rq.get_current_job()
    workbook = Workbook.from_settings(Settings.from_env(os.environ))
    return Roster(job.connection).refresh(workbook)


def write_contact_figures(now=None):
    """Members' Last contacted and Contacts (90 days) from the Contacts journal, where they differ."""
    settings = Settings.from_env(os.environ)
    return contact_figures(Workbook.from_settings(settings), settings, now=now)


def contact_figures(workbook, settings, now=None):
    now = now or datetime.now(timezone.utc)
    meta = workbook.metadata()
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    if "Members" not in titles or "Contacts" not in titles:
        return 0  # `flask sheets init` has not made them yet
    zone = alert_calendar.build(settings, meta.get("properties", {}).get("timeZone")).zone
    snap = workbook.snapshot(["Members", "Contacts"], titles=titles)
    plan = contacts.figures_plan(snap["Members"], contacts.from_rows(snap["Contacts"]), now=now, zone=zone)
    workbook.apply(plan)
    return len(plan.updates)

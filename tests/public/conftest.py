"""A small network in a real workbook, read into the mirror, for the public pages' tests."""
import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from services import mirror_refresh, schema
from services.config import Settings
from services.plan import WritePlan
from services.sheet_setup import init_workbook

HOME = "Seattle RESULTS"
TACOMA, OLYMPIA, SPOKANE = "Tacoma Hunger Coalition", "Olympia Faith Network", "Spokane Bread for the World"
CODES = {TACOMA: "tacoma-7f3a", OLYMPIA: "olympia-2b9c"}


@dataclasses.dataclass
class Network:
    workbook: object
    redis: object
    settings: Settings

    def refresh(self):
        """Read the sheet into the mirror now (a refresh the cron job would make)."""
        mirror_refresh.refresh(self.redis, self.workbook, settings=self.settings, force=True)

    def flush(self):
        """What the flush job does: signatures and other waiting plans into the sheet."""
        from services import intake_flush
        from services.outbox import Outbox

        intake_flush.flush(self.redis, self.workbook)
        Outbox(self.redis).flush(self.workbook)

    def rows(self, tab):
        return self.workbook.snapshot([tab])[tab].rows

    def raw(self, tab):
        """The tab's cells exactly as stored (formulas as their text), header first."""
        return self.workbook.http.values_get(self.workbook.sheet_id, f"'{tab}'",
                                             params={"valueRenderOption": "FORMULA"}).get("values", [])


def fill_network(workbook, now=None):
    """Groups, actions (Live in each mode, Closed, Draft), sponsors and a person on two lists."""
    now = now or datetime.now(timezone.utc)
    joined = now - timedelta(days=3)
    init_workbook(workbook, [t.name for t in schema.TABS])
    groups = WritePlan()
    for name, contact in ((HOME, "Maria Lopez"), (TACOMA, "Priya Shah"), (OLYMPIA, "Tom Berg"),
                          (SPOKANE, "Ada Ray")):
        groups.append("Groups", {"Name": name, "Contact name": contact, "Slug": name.split()[0].lower()})
    workbook.apply(groups)
    init_workbook(workbook)  # the partners' List tabs
    plan = WritePlan()
    plan.append("Actions", {
        "Title": "Fund global nutrition", "Slug": "fund-nutrition", "Status": "Live", "Mode": "Proportional",
        "Ask": "Ask your members of Congress to fund nutrition.\n\nIt saves children's lives.",
        "Target": "Senator Patty Murray", "Questions": "Why does this matter to you?\nYour congregation *",
        "Thank-you": "Thank you for standing up for children.", "Created": now - timedelta(days=5)})
    plan.append("Actions", {"Title": "Protect SNAP", "Slug": "protect-snap", "Status": "Live", "Mode": "Share All",
                            "Ask": "Tell Congress: no cuts to SNAP.", "Created": now - timedelta(days=5)})
    plan.append("Actions", {"Title": "Save the 2024 budget", "Slug": "old-budget", "Status": "Closed",
                            "Mode": "Share All", "Created": now - timedelta(days=400)})
    plan.append("Actions", {"Title": "Not ready yet", "Slug": "next-thing", "Status": "Draft", "Mode": "Share All",
                            "Created": now - timedelta(days=1)})
    for slug in ("fund-nutrition", "protect-snap"):
        for group in (TACOMA, OLYMPIA):
            code = CODES[group] if slug == "fund-nutrition" else f"{CODES[group]}-snap"
            plan.append("Sponsors", {"Action": slug, "Group": group, "Status": "Active", "Joined at": joined,
                                     "Referrer code": code})
    plan.append("Sponsors", {"Action": "fund-nutrition", "Group": SPOKANE, "Status": "Invited"})
    plan.append("Members", {"Email": "ann@example.org", "First name": "Ann", "Status": "subscribed",
                            "Source": "manual", "Id": "m001"})
    plan.append(schema.list_tab(TACOMA).name, {"Email": "ann@example.org", "First name": "Ann",
                                               "Status": "subscribed", "Source": "import"})
    workbook.apply(plan)
    return workbook


def settings_from(overrides):
    return Settings(**{k: v for k, v in overrides.items() if k != "testing"})


@pytest.fixture(scope="session")
def network_workbook(localsheets_server):
    """The network's spreadsheet, filled once for the session: filling one takes seconds."""
    from services.sheets import RetryPolicy
    from services.workbook import Workbook

    localsheets_server.reset()
    sheet_id = localsheets_server.create("a public network")
    workbook = Workbook.from_settings(Settings(sheets_url=localsheets_server.url, sheet_id=sheet_id),
                                      retry=RetryPolicy(attempts=3, base=0.05, cap=0.5),
                                      http_retry=RetryPolicy(attempts=3, base=0.05, cap=0.5))
    return fill_network(workbook)


@pytest.fixture
def network(network_workbook, localsheets, redis_conn, settings_overrides):
    """The shared network, read into this test's (empty) Redis. Tests that write to the
    sheet use `fresh_network`, so the shared one stays as filled."""
    network = Network(network_workbook, redis_conn, settings_from(settings_overrides))
    network.refresh()
    return network


@pytest.fixture
def fresh_network(open_workbook, redis_conn, settings_overrides):
    """The network in this test's own spreadsheet, the one the app writes to."""
    network = Network(fill_network(open_workbook(tabs=())), redis_conn, settings_from(settings_overrides))
    network.refresh()
    return network

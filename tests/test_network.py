"""The Status rule: a manager's hand-typed Status is noticed and stamped."""
from datetime import datetime, timezone

from services.config import Settings
from services.network import refresh_statuses
from services.sheet_setup import init_workbook
from services.workbook import Workbook, WritePlan


def test_a_status_typed_by_hand_is_stamped_once(localsheets, sheet_id, redis_conn):
    import requests

    wb = Workbook.from_settings(Settings(sheets_url=localsheets.url, sheet_id=sheet_id))
    init_workbook(wb, ["Members"])
    plan = WritePlan()
    plan.append("Members", {"Email": "ann@example.org", "Status": "subscribed"})
    plan.append("Members", {"Email": "bob@example.org", "Status": "subscribed"})
    wb.apply(plan)
    first = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert refresh_statuses(wb, redis_conn, now=first) is None  # first sight: only remembered

    # Maria types "unsubscribed" for Bob because he asked her to stop.
    r = requests.put(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Members!J3",
                     params={"valueInputOption": "USER_ENTERED"}, json={"values": [["unsubscribed"]]}, timeout=5)
    assert r.status_code == 200
    later = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
    result = refresh_statuses(wb, redis_conn, now=later)
    assert result.cells_updated == 1
    rows = {r["Email"]: r for r in wb.snapshot(["Members"])["Members"].rows}
    assert rows["bob@example.org"]["Status changed"] == later
    assert rows["ann@example.org"]["Status changed"] is None

    assert refresh_statuses(wb, redis_conn, now=datetime(2026, 11, 3, tzinfo=timezone.utc)) is None

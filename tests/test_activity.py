"""Signatures per day come from the journal's own times: each activist once per action, on their first day."""
from datetime import datetime, timedelta, timezone

from services import activity, intake, intake_flush, network, overview
from tests.intake_helpers import make_network, signature, workbook


def at(day, hour=12):
    return datetime(2026, 3, day, hour, tzinfo=timezone.utc)


def test_each_activist_counts_once_per_action_on_the_day_of_their_first_signature():
    journal = [{"action": "snap", "email": "ann@x.org", "at": at(2)},
               {"action": "snap", "email": "ann@x.org", "at": at(1, 23)},  # earlier, listed later
               {"action": "snap", "email": "bo@x.org", "at": "2026-03-02T08:00:00+00:00"},
               {"action": "food", "email": "ann@x.org", "at": at(3)},
               {"action": "snap", "email": "cy@x.org", "at": None},  # a row without a time counts for no day
               {"action": "snap", "email": None, "at": at(3)}]
    days = activity.first_signature_days(journal)
    assert days["snap"] == {"2026-03-01": 1, "2026-03-02": 1}
    assert days["food"] == {"2026-03-03": 1}
    assert activity.first_signature_days(journal, only={"food"}).keys() == {"food"}


def test_the_flush_and_the_sheet_check_keep_the_days_the_journal_says(localsheets, redis_conn):
    home, olympia = make_network(localsheets.url)
    wb = workbook(localsheets.url, home)
    from services import mirror_refresh

    mirror_refresh.refresh(redis_conn, wb, force=True)
    now = datetime.now(timezone.utc)
    yesterday = now - timedelta(days=1)
    for email, when in (("ann@example.org", yesterday), ("bo@example.org", now), ("Ann@Example.org", now)):
        intake.accept(redis_conn, signature(email), now=when)
    intake_flush.flush(redis_conn, wb, lambda sheet_id: workbook(localsheets.url, sheet_id))
    expected = {yesterday.date().isoformat(): 1, now.date().isoformat(): 1}
    assert activity.read(redis_conn, "snap") == expected
    per_day = overview.signatures_by_day(redis_conn, "snap", days=7, now=now)
    assert per_day[-2:] == [(yesterday.date(), 1), (now.date(), 1)]

    redis_conn.delete(activity.DAILY.format("snap"))  # Redis lost it: the check reads the journal again
    network.check_sheet(wb, redis_conn)
    assert activity.read(redis_conn, "snap") == expected

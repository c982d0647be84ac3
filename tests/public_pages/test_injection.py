"""Formula injection and XSS: what people type is stored literally and shown escaped.

Signers type names and answers; managers type titles, asks, questions and
group names. No spreadsheet may evaluate any of it (RAW, and a leading
apostrophe before a formula trigger, services/schema.neutralise) and no page
may run any of it.
"""
import pytest
from bs4 import BeautifulSoup

from services import schema
from services.plan import WritePlan
from tests.public_pages.test_action_page import sign

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1-2", "@SUM(A1)", "-2+3", "\t=1+1", "\r=2+2",
            "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def stored(text):
    """What intake keeps of a name: the text, trimmed (a leading tab or CR is whitespace)."""
    return text.strip()


def no_markup_from(soup, payloads):
    """Nothing a person typed became an element or an attribute."""
    for script in soup.find_all("script"):
        assert script.get("src") and "alert" not in script.get_text()
    assert not soup.find(attrs={"onerror": True}) and not soup.find("img", src="x")
    for link in soup.find_all("a", href=True):  # no one's text became a link
        assert link["href"].startswith(("/", "http://127.0.0.1:5000/", "sms:", "mailto:", "https://wa.me/")), link
    text = soup.get_text()
    for payload in payloads:
        if payload.startswith(("<", '"')):
            assert "alert(1)" in text  # shown, as text


def test_names_and_answers_are_stored_literally_and_never_evaluated(client, fresh_network):
    for n, payload in enumerate(PAYLOADS):
        response = sign(client, email=f"p{n}@example.org", first_name=payload, last_name=payload,
                        question_1=payload, question_2=payload)
        assert response.status_code == 303, payload
    fresh_network.flush()
    rows = {r["Email"]: r for r in fresh_network.rows("Submissions")}
    raw = fresh_network.raw("Submissions")
    header = raw[0]
    for n, payload in enumerate(PAYLOADS):
        row = rows[f"p{n}@example.org"]
        assert row["First name"] == row["Last name"] == stored(payload)
        assert row["Answers"] == (f"Why does this matter to you?: {stored(payload)}\n"
                                  f"Your congregation: {stored(payload)}")
    for cells in raw[1:]:
        for name in ("First name", "Last name", "Answers"):
            cell = cells[header.index(name)]
            # A trigger first is always behind an apostrophe: no sheet or CSV reader evaluates it.
            assert not cell.startswith(schema.TRIGGERS) and (not cell.startswith("'") or cell[1] in schema.TRIGGERS)
    members = {r["Email"]: r for r in fresh_network.rows("Members")}
    assert members["p0@example.org"]["First name"] == PAYLOADS[0]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_what_a_signer_typed_comes_back_escaped_on_the_page(client, network, payload):
    response = sign(client, email="", first_name=payload, question_1=payload)  # sent back: no email
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find(id="first_name")["value"] == payload and soup.find(id="question_1")["value"] == payload
    no_markup_from(soup, [])
    assert b"<script>alert(1)</script>" not in response.data and b"<img src=x" not in response.data


@pytest.fixture
def managers_payloads(fresh_network):
    """An action, its questions and a sponsor whose names are payloads, as a manager might paste them."""
    plan = WritePlan()
    plan.append("Actions", {"Title": PAYLOADS[6], "Slug": "pasted", "Status": "Live", "Mode": "Share All",
                            "Ask": "\n\n".join(PAYLOADS), "Target": PAYLOADS[7], "Thank-you": PAYLOADS[6],
                            "Questions": "\n".join(p.strip() for p in PAYLOADS)})
    plan.append("Groups", {"Name": PAYLOADS[7], "Slug": "pasted-group"})
    plan.append("Sponsors", {"Action": "pasted", "Group": PAYLOADS[7], "Status": "Active",
                             "Joined at": "2020-01-01T00:00:00Z", "Referrer code": "pasted-1"})
    fresh_network.workbook.apply(plan)
    fresh_network.refresh()
    return fresh_network


def test_what_a_manager_typed_is_shown_escaped_on_every_public_page(client, managers_payloads):
    for path in ("/a/pasted?ref=pasted-1", "/a/pasted/thanks?ref=pasted-1"):
        response = client.get(path)
        assert response.status_code == 200, path
        soup = BeautifulSoup(response.data, "html.parser")
        no_markup_from(soup, PAYLOADS)
        assert soup.h1.get_text() in (PAYLOADS[6], "Thank you")
    page = BeautifulSoup(client.get("/a/pasted").data, "html.parser")
    assert [label.get_text(" ", strip=True).removesuffix(" (optional)") for label in page.select(".field label")][4:] \
        == [p.strip() for p in PAYLOADS]


def test_nothing_runs_in_a_real_browser(page, live_server, managers_payloads):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server}/a/pasted?ref=pasted-1")
    page.fill("#first_name", PAYLOADS[7])
    page.fill("#question_1", PAYLOADS[6])
    page.get_by_role("button", name="Sign").click()  # no email: the form comes back with what was typed
    page.wait_for_selector("#email-error")
    assert page.input_value("#first_name") == PAYLOADS[7]
    page.fill("#email", "x@example.org")
    page.fill("#zip", "98101")
    page.get_by_role("button", name="Sign").click()
    page.wait_for_url("**/thanks?ref=pasted-1")
    assert dialogs == []

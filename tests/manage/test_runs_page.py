"""Run now and Preview from the Runs page: the worker runs services.runs; the page polls until the figures are in."""
import time

from bs4 import BeautifulSoup

from services import intake
from services.mirror import Mirror
from tests.manage.conftest import CODES, OLYMPIA, TACOMA, csrf

HX = {"HX-Request": "true"}


def signature(email, code):
    return {"action": "fund-nutrition", "email": email, "first_name": "A", "last_name": "B", "zip": "98101",
            "referrer_code": code, "subscribe": True, "via": "web",
            "answers": [["Your congregation", "St Mark's"]], "shown_to": []}


def poll(client, path, target, seconds=60):
    """Ask as htmx does until the fragment says stop (286); returns the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(path, headers={**HX, "HX-Target": target})
        if response.status_code == 286 or time.monotonic() > deadline:
            return response
        assert response.status_code == 200
        time.sleep(0.3)


def figures(stack, group):
    row = next(s for s in Mirror(stack.redis).sponsors("fund-nutrition") if s["group"] == group)
    return row["referrer"], row["owed"], row["shared"]


def test_run_now_goes_in_the_worker_and_the_page_polls_until_the_new_figures_are_shown(stack, client, localsheets):
    intake.accept(stack.redis, signature("ann@example.net", CODES[TACOMA]))
    intake.accept(stack.redis, signature("bo@example.net", CODES[OLYMPIA]))
    stack.tick()
    assert figures(stack, TACOMA) == (0, 0, 0)
    client.get(stack.link("Maria").removeprefix(stack.url))
    page = client.get("/manage/runs")
    assert "No run has been made yet" in page.get_data(as_text=True)
    assert client.post("/manage/runs", data={"csrf_token": csrf(page)}).status_code == 303
    going = client.get("/manage/actions/fund-nutrition/sponsors",
                       headers={**HX, "HX-Target": "sponsors-table"})
    assert going.status_code == 200 and "hx-get" in going.get_data(as_text=True)  # polls while it runs

    done = poll(client, "/manage/runs/status", "run-status")
    assert done.status_code == 286 and "hx-get" not in done.get_data(as_text=True)
    assert "The last run finished" in done.get_data(as_text=True)
    # R10-R13: each brought one, is owed one, and was given the other's activist.
    assert figures(stack, TACOMA) == (1, 0, 1) and figures(stack, OLYMPIA) == (1, 0, 1)
    table = client.get("/manage/actions/fund-nutrition/sponsors", headers={**HX, "HX-Target": "sponsors-table"})
    assert table.status_code == 286
    history = BeautifulSoup(client.get("/manage/runs").data, "html.parser").find_all("tr")[1]
    cells = [td.get_text(strip=True) for td in history.find_all("td")]
    # Trigger, shares, deliveries, referrals (R11: each joined its referrer's list), outcome.
    assert cells[1:] == ["manual", "2", "0", "2", "ok"]
    # Each sponsor's figures after the run are the day's point of its chart, with the numbers beside it.
    page = BeautifulSoup(client.get("/manage/actions/fund-nutrition").data, "html.parser")
    chart = page.find("figcaption", string=f"{TACOMA}: referred, owed and shared").find_parent("figure")
    assert [td.get_text() for td in chart.find("tbody").find_all("tr")[-1].find_all("td")] == ["1", "0", "1"]
    from services import run_history

    localsheets.reset()
    assert run_history.refresh(stack.network.workbook, stack.redis) is None  # recorded already: no read
    assert localsheets.log()["total"] == 0


def test_preview_shows_who_would_go_where_and_by_which_rule_and_writes_nothing(stack, client):
    intake.accept(stack.redis, signature("ann@example.net", CODES[TACOMA]))
    intake.accept(stack.redis, signature("bo@example.net", CODES[OLYMPIA]))
    stack.tick()
    client.get(stack.link("Maria").removeprefix(stack.url))
    page = client.get("/manage/runs")
    response = client.post("/manage/runs/preview", data={"csrf_token": csrf(page)})
    assert response.status_code == 303
    preview_path = "/manage/runs/preview/" + response.headers["Location"].split("preview=")[1].split("#")[0]
    shown = poll(client, preview_path, "preview")
    text = shown.get_data(as_text=True)
    assert shown.status_code == 286 and "Nothing has been written" in text
    rows = {tuple(td.get_text(strip=True) for td in tr.find_all("td"))
            for tr in BeautifulSoup(text, "html.parser").find_all("tr") if tr.find("td")}
    assert ("bo@example.net", TACOMA, "share", "R16 least-shared") in rows
    assert ("ann@example.net", OLYMPIA, "share", "R16 least-shared") in rows
    assert figures(stack, TACOMA) == (0, 0, 0)
    assert not stack.network.rows("Runs")

"""No page calls Google: every manager, partner and public page is served, and every change a
manager makes is saved, with localsheets' request log staying at zero."""
from bs4 import BeautifulSoup

from services import links
from tests.manage.conftest import CODES, TACOMA, csrf


def test_serving_every_page_and_saving_every_change_makes_no_google_call(manager_network, client, app, localsheets):
    net = manager_network
    manager, _ = links.create(net.redis, "Maria Lopez", links.NETWORK)
    partner, _ = links.create(net.redis, "Priya Shah", TACOMA)
    localsheets.reset()  # from here on, any request to the spreadsheet is counted

    assert client.get(f"/l/{manager}").status_code == 303
    pages = ["/manage", "/manage/actions", "/manage/actions/new", "/manage/actions/fund-nutrition",
             "/manage/actions/protect-snap", "/manage/actions/next-thing", "/manage/runs", "/manage/links",
             "/manage/actions/fund-nutrition/sponsors/tacoma/qr.svg"]
    for path in pages:
        assert client.get(path).status_code == 200, path
    fragment = client.get("/manage/actions/fund-nutrition/sponsors",
                          headers={"HX-Request": "true", "HX-Target": "sponsors-table"})
    assert fragment.status_code in (200, 286)
    assert client.get("/manage/runs/status", headers={"HX-Request": "true", "HX-Target": "run-status"}).status_code

    token = csrf(client.get("/manage/actions/new"))
    changes = [
        ("/manage/actions/new", {"title": "Clean water", "ask": "Sign.", "status": "Live", "mode": "Share All"}),
        ("/manage/actions/clean-water", {"title": "Clean water now", "ask": "Sign it.", "status": "Live",
                                         "mode": "Share All"}),
        ("/manage/actions/clean-water/mode", {"mode": "Proportional"}),
        ("/manage/actions/clean-water/sponsors", {"group": TACOMA, "limit": "5"}),
        ("/manage/actions/clean-water/sponsors/tacoma/join", {}),
        ("/manage/actions/clean-water/sponsors/tacoma/limit", {"limit": "8"}),
        ("/manage/actions/fund-nutrition/sponsors/olympia/remove", {}),
        ("/manage/links", {"name": "Dev", "scope": links.NETWORK}),
    ]
    for path, data in changes:
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 303, path
    dev = next(link for link in links.all_links(net.redis) if link.name == "Dev")
    assert client.post(f"/manage/links/{dev.token_hash}/revoke", data={"csrf_token": token}).status_code == 303
    assert "Clean water now" in client.get("/manage/actions/clean-water").get_data(as_text=True)

    priya = app.test_client()
    priya.get(f"/l/{partner}")
    for path in ("/partner", "/partner/list.csv", "/partner/actions/fund-nutrition/qr.svg"):
        assert priya.get(path).status_code == 200, path

    # The public side: the action page through a referrer link, signing, thank-you.
    activist = app.test_client()
    page = activist.get(f"/a/fund-nutrition?ref={CODES[TACOMA]}")
    form = BeautifulSoup(page.data, "html.parser").find("form", id="sign")
    signed = activist.post(form["action"], data={
        "csrf_token": csrf(page), "first_name": "Sam", "last_name": "Lee", "email": "sam@example.net",
        "zip": "98101", "subscribe": "y", "question_1": "", "question_2": "St Mark's"})
    assert signed.status_code == 303, signed.get_data(as_text=True)[:500]
    assert activist.get(signed.headers["Location"]).status_code == 200

    assert localsheets.log()["total"] == 0, localsheets.log()
    net.refresh()  # the counter does count: the mirror's refresh is a job's read, not a page's
    assert localsheets.log()["total"] >= 1

"""A partner link sees its own group and nothing else: every page and fragment reachable from it,
and guesses at other ids and slugs, name no other partner group, show no other group's figures
and no email of anyone not on the group's own list."""
import csv
import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from services import intake, links, runs
from services.mirror import Mirror
from tests.manage.conftest import CODES, OLYMPIA, SPOKANE, TACOMA, csrf

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
OTHERS = (OLYMPIA, SPOKANE)


def signature(email, action, code=None):
    return {"action": action, "email": email, "first_name": "Pat", "last_name": "Doe", "zip": "98101",
            "referrer_code": code, "subscribe": True, "via": "web",
            "answers": [["Your congregation", "St Mark's"]] if action == "fund-nutrition" else [],
            "shown_to": []}


@pytest.fixture
def busy_network(manager_network):
    """Signatures through each group's link and none, Share All deliveries, then a run: every
    group has people and figures of its own."""
    net = manager_network
    for n, (code, action) in enumerate([(CODES[TACOMA], "fund-nutrition"), (CODES[OLYMPIA], "fund-nutrition"),
                                        (CODES[OLYMPIA], "fund-nutrition"), (None, "fund-nutrition"),
                                        (None, "protect-snap"), (f"{CODES[OLYMPIA]}-snap", "protect-snap")]):
        intake.accept(net.redis, signature(f"person{n}@example.net", action, code))
    net.flush()
    runs.run(net.workbook, net.redis, seed=7, trigger="manual")
    net.refresh()
    return net


def reachable(response, base):
    """Every address a page leads to: links, images, GET forms and htmx fragments."""
    if response.mimetype != "text/html":
        return []
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = [t.get("href") for t in soup.find_all(["a", "link"])] + [t.get("src") for t in soup.find_all(["img", "script"])]
    found += [t.get("hx-get") for t in soup.find_all(attrs={"hx-get": True})]
    found += [f.get("action") for f in soup.find_all("form") if (f.get("method") or "get").lower() == "get"]
    out = []
    for href in filter(None, found):
        url = urlsplit(urljoin(base, href))
        if url.netloc in ("", "localhost") and not url.path.startswith("/static/"):
            out.append(url.path + (f"?{url.query}" if url.query else ""))
    return out


def test_a_partner_link_reaches_only_its_own_groups_names_figures_and_people(busy_network, client, app):
    net = busy_network
    mirror = Mirror(net.redis)
    tacoma_list = {r["Email"] for r in net.rows(f"List – {TACOMA}")}
    everyone = ({r["Email"] for r in net.rows("Members")} | {r["Email"] for r in net.rows("Submissions")}
                | {r["Email"] for r in net.rows(f"List – {OLYMPIA}")})
    assert everyone - tacoma_list, "the test needs people who are not on Tacoma's list"
    others_figures = [s for slug in ("fund-nutrition", "protect-snap") for s in mirror.sponsors(slug)
                      if s["group"] != TACOMA and (s["referrer"] or s["shared"] or s["total_activists"])]
    assert others_figures, "the test needs other groups with figures"

    token, _ = links.create(net.redis, "Priya Shah", TACOMA)
    assert client.get(f"/l/{token}").headers["Location"] == "/partner"
    slugs = [a["slug"] for a in mirror.actions()] + ["no-such-action", "fund-nutrition/../protect-snap"]
    group_slugs = [g["slug"] for g in mirror.groups()] + ["nobody"]
    guesses = ["/partner", "/partner/list.csv", "/partner?group=olympia", f"/partner/list.csv?group={OLYMPIA}"]
    guesses += [f"/partner/actions/{s}/qr.svg" for s in slugs]
    guesses += [f"/manage/actions/{s}/sponsors/{g}/qr.svg" for s in slugs for g in group_slugs]
    guesses += [f"/manage/actions/{s}" for s in slugs] + [f"/manage/actions/{s}/sponsors" for s in slugs]
    guesses += ["/manage", "/manage/actions", "/manage/runs", "/manage/runs/status", "/manage/links",
                "/manage/runs/preview/anything", f"/a/fund-nutrition?ref={CODES[OLYMPIA]}"]
    seen, todo, bodies = set(), list(guesses), {}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for headers in ({}, {"HX-Request": "true", "HX-Target": "sponsors-table"}):
            response = client.get(path, headers=headers)
            assert response.status_code in (200, 286, 303, 403, 404), (path, response.status_code)
            if response.status_code in (200, 286) and not path.startswith("/a/"):
                bodies[path] = response.get_data(as_text=True)
                todo += reachable(response, "http://localhost" + path)
    assert {"/partner", "/partner/list.csv", "/partner/actions/fund-nutrition/qr.svg"} <= set(bodies)
    assert not [p for p in bodies if p.startswith("/manage")]  # every manager page refused the partner link

    for path, body in bodies.items():
        for name in OTHERS:
            assert name not in body and name.split()[0] not in body, (path, name)
        assert CODES[OLYMPIA] not in body and "olympia-" not in body, path
        shown = {e.lower() for e in EMAIL.findall(body)}
        assert shown <= tacoma_list, (path, shown - tacoma_list)
    # The figures shown are Tacoma's own, action by action.
    page = BeautifulSoup(bodies["/partner"], "html.parser")
    for section in page.find_all("section", class_="sponsor"):
        slug = section["id"].removeprefix("action-")
        mine = next(s for s in mirror.sponsors(slug) if s["group"] == TACOMA)
        shown = {dt.get_text(strip=True): int(dd.get_text(strip=True))
                 for dt, dd in zip(section.find_all("dt"), section.find_all("dd"))}
        assert shown == {"Total activists": mine["total_activists"], "New to list": mine["new_to_list"],
                         "Came through your link": mine["referrer"], "Owed to you": mine["owed"],
                         "Shared with you": mine["shared"]}
    csv_people = {row[0] for row in list(csv.reader(io.StringIO(bodies["/partner/list.csv"].lstrip("\ufeff"))))[1:]}
    assert csv_people == tacoma_list


def test_a_partner_cannot_join_or_change_what_is_not_its_own(busy_network, client):
    net = busy_network
    token, _ = links.create(net.redis, "Priya Shah", TACOMA)
    client.get(f"/l/{token}")
    token = csrf(client.get("/partner"))
    for slug in ("fund-nutrition", "protect-snap", "no-such-action"):  # Tacoma is Active or no sponsor there
        assert client.post(f"/partner/actions/{slug}/join", data={"csrf_token": token}).status_code == 404
    for path in ("/manage/actions/fund-nutrition/sponsors/spokane/join", "/manage/actions/fund-nutrition/sponsors",
                 "/manage/actions/new", "/manage/runs", "/manage/links"):
        assert client.post(path, data={"csrf_token": token, "group": SPOKANE}).status_code == 403
    assert [s["status"] for s in Mirror(net.redis).sponsors("fund-nutrition") if s["group"] == SPOKANE] == ["Invited"]

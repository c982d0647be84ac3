"""The dashboard: the network at a glance, read from the mirror."""
from bs4 import BeautifulSoup

from services import intake, links, sheet_places
from services.plan import WritePlan


def table(soup, heading):
    section = soup.find(id=heading).find_parent("section")
    return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in section.find_all("tr")[1:]]


def test_the_dashboard_shows_people_live_actions_problems_and_how_fresh_the_sheet_is(manager_network, client):
    net = manager_network
    plan = WritePlan()
    for email, stage, way in (("bea@example.org", "Supporter", "Email"), ("cy@example.org", "Supporter", "Text"),
                              ("di@example.org", "Leader", "Email")):
        plan.append("Members", {"Email": email, "Status": "subscribed", "Ladder stage": stage,
                                "Preferred contact": way})
    net.workbook.apply(plan)
    net.workbook.http.values_append(net.workbook.sheet_id, "'Members'!A1", params={"valueInputOption": "RAW"},
                                    body={"values": [["bob@"]]})  # a half-typed email: row 6
    for email in ("sam@example.net", "Tess@Example.net", "tess@example.net "):
        intake.accept(net.redis, {"action": "protect-snap", "email": email, "first_name": "S", "last_name": "L",
                                  "zip": "98101", "subscribe": True, "via": "web", "answers": [], "shown_to": []})
    net.flush()
    net.refresh()  # it fills what the sheet lacks (Referrer links, say) through the outbox
    net.flush()
    net.refresh()
    sheet_places.remember_tab_ids(net.workbook, net.redis)
    token, _ = links.create(net.redis, "Maria Lopez", links.NETWORK)
    client.get(f"/l/{token}")

    soup = BeautifulSoup(client.get("/manage").data, "html.parser")
    tiles = [li.get_text(" ", strip=True) for li in soup.select("ul.tiles li")]
    assert tiles[0] == "6 people on your list"  # Ann, three typed in, two who signed (bob@ is a problem)
    assert ["Protect SNAP", "2", "2", "2"] in table(soup, "live-heading")  # signatures, today, this week
    contact = dict(map(tuple, table(soup, "contact-heading")))
    assert contact["Email"] == "2" and contact["Text"] == "1" and contact["Not set"] == "3"
    stage_numbers = soup.find("figcaption", string="Members by ladder stage").find_parent("figure")
    stages = {r[0]: r[1] for r in
              ([c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in stage_numbers.find_all("tr")[1:])}
    assert stages["Supporter"] == "2" and stages["Leader"] == "1" and stages["Not set"] == "3"
    problem = soup.find(id="problems-heading").find_parent("section").find("a")
    members_gid = int(net.redis.hget(sheet_places.TAB_IDS, "Members"))
    assert problem.get_text().startswith("Members row 6:")
    assert problem["href"].endswith(f"#gid={members_gid}&range=A6")
    freshness = soup.find(id="freshness").get_text(" ", strip=True)
    # Maria's link and its first use wait for the next flush.
    assert freshness == "The sheet was read just now. 2 changes on the way to it."
    assert "No run yet." in soup.find(id="runs-heading").find_parent("section").get_text()

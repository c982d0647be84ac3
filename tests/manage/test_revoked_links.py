"""A link turned off, on the page or by `yes` typed in the sheet, gets its clear page within one
mirror refresh; guessed and cut-short tokens get the unknown link's page."""
import re

from bs4 import BeautifulSoup
from gspread.utils import rowcol_to_a1

from services import links
from tests.manage.conftest import csrf

TURNED_OFF = "This link was turned off; ask Maria Lopez for a new one."


def type_in_sheet(net, token_hash, column, value):
    """What a manager does in the Co-leaders tab by hand."""
    tab = net.workbook.snapshot(["Co-leaders"])["Co-leaders"]
    row = next(r for r in tab.rows if r["Token hash"] == token_hash)
    cell = rowcol_to_a1(row.number, tab.positions[column] + 1)
    net.workbook.http.values_update(net.workbook.sheet_id, f"'Co-leaders'!{cell}",
                                    params={"valueInputOption": "USER_ENTERED"}, body={"values": [[value]]})


def make_link(client, app, net, name):
    """Maria makes a link on the Links page; it is opened on another device."""
    page = client.get("/manage/links")
    made = client.post("/manage/links", data={"csrf_token": csrf(page), "name": name, "scope": links.NETWORK})
    shown = client.get(made.headers["Location"].split("#")[0]).get_data(as_text=True)
    token = re.search(r'value="http[^"]+/l/([^"]+)"', shown).group(1)
    other = app.test_client()
    assert other.get(f"/l/{token}").status_code == 303 and other.get("/manage").status_code == 200
    return token, other


def test_yes_typed_in_the_sheet_turns_a_link_off_within_one_mirror_refresh(manager_network, client, app):
    net = manager_network
    maria, _ = links.create(net.redis, "Maria Lopez", links.NETWORK)
    client.get(f"/l/{maria}")
    token, dev = make_link(client, app, net, "Dev")
    net.flush()  # the link's row reaches the Co-leaders tab
    net.refresh()
    assert dev.get("/manage").status_code == 200
    type_in_sheet(net, links.token_hash(token), "Revoked", "yes")
    assert dev.get("/manage").status_code == 200  # the sheet was not read yet
    net.refresh()
    for response in (dev.get("/manage"), app.test_client().get(f"/l/{token}"),
                     dev.get("/manage/runs/status", headers={"HX-Request": "true", "HX-Target": "run-status"})):
        assert response.status_code == 403
        assert TURNED_OFF in BeautifulSoup(response.data, "html.parser").main.get_text(" ", strip=True)
    type_in_sheet(net, links.token_hash(token), "Revoked", "")  # the manager changes their mind
    net.refresh()
    assert dev.get("/manage").status_code == 200


def test_a_link_turned_off_on_the_page_stays_off_through_the_refreshes_and_the_sheet_says_so(
        manager_network, client, app):
    net = manager_network
    maria, _ = links.create(net.redis, "Maria Lopez", links.NETWORK)
    client.get(f"/l/{maria}")
    token, dev = make_link(client, app, net, "Dev")
    net.refresh()  # before the flush: the row is not in the sheet yet, the link keeps working
    assert dev.get("/manage").status_code == 200
    page = client.get("/manage/links")
    assert client.post(f"/manage/links/{links.token_hash(token)}/revoke",
                       data={"csrf_token": csrf(page)}).status_code == 303
    assert TURNED_OFF in dev.get("/manage").get_data(as_text=True)
    net.refresh()  # the sheet doesn't say Revoked yet: still off
    assert dev.get("/manage").status_code == 403
    net.flush()
    net.refresh()
    row = next(r for r in net.rows("Co-leaders") if r["Token hash"] == links.token_hash(token))
    assert row["Revoked"] is True and row["Name"] == "Dev" and token not in str(row.values)
    assert dev.get("/manage").status_code == 403


def test_unknown_guessed_and_cut_short_tokens_get_one_same_page(manager_network, client):
    token, _ = links.create(manager_network.redis, "Maria Lopez", links.NETWORK)
    pages = set()
    for guess in ("A" * len(token), token[:-1], token[:8], token + "x", token.upper(), "%00", "x" * 500):
        response = client.get(f"/l/{guess}")
        assert response.status_code == 404 and "Set-Cookie" not in response.headers
        pages.add(BeautifulSoup(response.data, "html.parser").main.get_text(" ", strip=True))
    assert len(pages) == 1 and "isn't one we know" in pages.pop()

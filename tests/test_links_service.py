"""Capability links: tokens of 192 bits, only their hashes kept, the Co-leaders tab as the record."""
import json
from datetime import datetime, timezone

from services import links, outbox
from services.outbox import Outbox
from services.workbook import Workbook

NOW = datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc)


def queued(redis):
    return [outbox.loads(raw) for raw in redis.lrange(Outbox(redis).pending, 0, -1)]


def test_a_link_is_a_long_random_token_and_only_its_hash_is_kept(redis_conn):
    token, link = links.create(redis_conn, "Dev Patel", links.NETWORK, email="dev@example.org", now=NOW)
    assert len(token) >= 32  # 24 random bytes, url-safe: 192 bits
    assert links.find(redis_conn, token) == link
    stored = b"".join(k + v for k, v in redis_conn.hgetall(links.INDEX).items())
    assert token.encode() not in stored
    [plan] = queued(redis_conn)
    row = plan.appends["Co-leaders"][0]
    assert row["Token hash"] == links.token_hash(token) != token
    assert token not in json.dumps(row, default=str)
    assert row["Name"] == "Dev Patel" and row["Scope"] == "Whole network"


def test_two_links_never_share_a_token(redis_conn):
    tokens = {links.create(redis_conn, f"p{i}", links.NETWORK, now=NOW)[0] for i in range(50)}
    assert len(tokens) == 50


def test_a_guessed_or_cut_short_token_finds_nothing(redis_conn):
    token, _ = links.create(redis_conn, "Dev", links.NETWORK, now=NOW)
    for guess in (token[:-1], token[:16], token + "x", "", "x" * 500, token.upper()):
        assert links.find(redis_conn, guess) is None


def test_revoking_turns_the_link_off_at_once_and_writes_yes_to_the_sheet(redis_conn):
    token, link = links.create(redis_conn, "Dev", links.NETWORK, now=NOW)
    links.revoke(redis_conn, link.token_hash)
    assert links.find(redis_conn, token).revoked
    update = queued(redis_conn)[-1].updates[0]
    assert (update.tab, update.key, update.cells) == ("Co-leaders", (link.token_hash,), {"Revoked": True})


def test_last_used_is_written_at_most_once_an_hour(redis_conn):
    _, link = links.create(redis_conn, "Dev", links.NETWORK, now=NOW)
    assert links.note_use(redis_conn, link, now=NOW)
    assert not links.note_use(redis_conn, link, now=NOW)
    assert [u.cells for p in queued(redis_conn) for u in p.updates] == [{"Last used": NOW}]


def _sheet_rows(open_workbook, redis):
    wb = open_workbook(("Co-leaders",))
    Outbox(redis).flush(wb)
    return wb


def _set_cell(wb, tab, token_hash, column, value):
    snap = wb.snapshot([tab])
    row = next(r for r in snap[tab].rows if r["Token hash"] == token_hash)
    col = snap[tab].positions[column] + 1
    from gspread.utils import rowcol_to_a1

    wb.http.values_update(wb.sheet_id, f"'{tab}'!{rowcol_to_a1(row.number, col)}",
                          params={"valueInputOption": "RAW"}, body={"values": [[value]]})


def test_yes_typed_in_revoked_turns_the_link_off_at_the_next_sync(redis_conn, open_workbook):
    token, link = links.create(redis_conn, "Dev", links.NETWORK, now=NOW)
    wb = _sheet_rows(open_workbook, redis_conn)
    assert links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"]) == 1  # now known to be in the sheet
    assert not links.find(redis_conn, token).revoked
    _set_cell(wb, "Co-leaders", link.token_hash, "Revoked", "yes")
    links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"])
    assert links.find(redis_conn, token).revoked


def test_a_link_turned_off_on_the_page_stays_off_until_the_sheet_agrees(redis_conn, open_workbook):
    token, link = links.create(redis_conn, "Dev", links.NETWORK, now=NOW)
    wb = _sheet_rows(open_workbook, redis_conn)
    links.revoke(redis_conn, link.token_hash)
    # The refresh reads the sheet before the outbox wrote Revoked: still off.
    links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"])
    assert links.find(redis_conn, token).revoked
    Outbox(redis_conn).flush(wb)
    snap = wb.snapshot(["Co-leaders"])["Co-leaders"]
    assert snap.rows[0]["Revoked"] is True
    links.sync(redis_conn, snap)
    assert links.find(redis_conn, token).revoked
    # Clearing the cell by hand is the manager's way to turn it back on.
    _set_cell(wb, "Co-leaders", link.token_hash, "Revoked", "")
    links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"])
    assert not links.find(redis_conn, token).revoked


def test_a_deleted_row_turns_the_link_off_but_a_row_not_yet_written_does_not(redis_conn, open_workbook):
    old_token, _ = links.create(redis_conn, "Ann", links.NETWORK, now=NOW)
    wb = _sheet_rows(open_workbook, redis_conn)
    links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"])
    wb.http.values_clear(wb.sheet_id, "'Co-leaders'!A2:Z2")
    new_token, _ = links.create(redis_conn, "Ben", links.NETWORK, now=NOW)  # still in the outbox
    links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"])
    assert links.find(redis_conn, old_token).revoked
    assert not links.find(redis_conn, new_token).revoked


def test_scope_comes_from_the_sheet_and_a_blank_scope_opens_nothing(redis_conn, open_workbook):
    token, link = links.create(redis_conn, "Priya", "Tacoma Hunger Coalition", now=NOW)
    assert link.group == "Tacoma Hunger Coalition" and not link.network
    wb = _sheet_rows(open_workbook, redis_conn)
    _set_cell(wb, "Co-leaders", link.token_hash, "Scope", "")
    links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"])
    now = links.find(redis_conn, token)
    assert not now.network and not now.group


def test_a_missing_tab_changes_no_link(redis_conn, open_workbook):
    token, _ = links.create(redis_conn, "Dev", links.NETWORK, now=NOW)
    wb = open_workbook(("Members",))
    links.sync(redis_conn, wb.snapshot(["Co-leaders"])["Co-leaders"])
    assert not links.find(redis_conn, token).revoked


def test_the_refresh_reads_the_tab_in_one_call(redis_conn, open_workbook, localsheets):
    token, link = links.create(redis_conn, "Dev", links.NETWORK, now=NOW)
    wb = _sheet_rows(open_workbook, redis_conn)
    _set_cell(wb, "Co-leaders", link.token_hash, "Revoked", "yes")
    localsheets.reset()
    links.refresh(wb, redis_conn)
    assert links.find(redis_conn, token).revoked
    assert localsheets.log()["total"] == 1

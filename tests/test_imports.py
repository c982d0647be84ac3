"""Importing a file into a list, against a real localsheets: counts, one plan, typed cells kept."""
import random

import pytest
import requests

from services.imports import Imports, open_list_from
from services.plan import WritePlan


@pytest.fixture
def workbook(open_workbook):
    return open_workbook(tabs=("Members", "Groups", "Submissions"), attempts=30)


def members_of(localsheets, sheet_id, tab="Members"):
    values = requests.get(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/{tab}",
                          params={"valueRenderOption": "FORMULA"}, timeout=10).json().get("values", [])
    header = values[0]
    return [dict(zip(header, row + [""] * (len(header) - len(row)))) for row in values[1:]]


def big_file(seed=5):
    """10,000 rows: 8,650 new people, 1,000 already in Members, 300 repeats (by case
    and spaces) of people earlier in the file, 50 bad emails."""
    rng = random.Random(seed)
    new = [f"new{i}@example.org" for i in range(8650)]
    existing = [f"old{i}@example.org" for i in range(1000)]
    rows = [(e, "Newcomer", "98101") for e in new] + [(e, "Imported", "98102") for e in existing]
    rows += [(f"  {e.upper()} ", "Repeat", "98103") for e in rng.sample(new, 300)]
    rows += [(f"broken{i}@", "Bad", "98104") for i in range(50)]
    # Repeats after their first appearance: shuffle the rest, keep repeats at the end.
    head, repeats = rows[:9650] + rows[9950:], rows[9650:9950]
    rng.shuffle(head)
    lines = ["E-mail,First,Zip code"] + [",".join(r) for r in head + repeats]
    return "\n".join(lines) + "\n"


def test_a_10000_row_import_counts_exactly_lands_in_one_plan_and_adds_nothing_the_second_time(
        workbook, localsheets, sheet_id, redis_conn):
    seed = WritePlan()
    for i in range(1000):
        # Managers typed the first name; the ZIP is blank, for the import to fill.
        seed.append("Members", {"Email": f"old{i}@example.org", "First name": "Typed", "Status": "subscribed"})
    workbook.apply(seed)
    imports = Imports(redis_conn)
    open_list = open_list_from(None, workbook)
    text = big_file()

    first = imports.create(text.encode(), "supporters.csv")
    preview = imports.check(first, open_list)
    assert (preview.rows, preview.added, preview.updated, preview.unchanged) == (10_000, 8650, 1000, 0)
    assert (preview.duplicate, preview.bad_email, preview.no_email) == (300, 50, 0)
    assert preview.conflict_count == 1000  # every typed first name, kept
    assert imports.get(first)["state"] == "ready"

    localsheets.reset()
    imports.land(first, open_list)
    counts = localsheets.log()["counts"]
    # One plan: the blanks filled in one write down their column tags, the new rows added and
    # tagged in one batch, their tags taken off in another (the write path's constant).
    assert (counts["values.batchUpdateByDataFilter"], counts["spreadsheets.batchUpdate"]) == (1, 2), counts
    assert "values.append" not in counts and "values.batchUpdate" not in counts, counts
    people = members_of(localsheets, sheet_id)
    assert len(people) == 9650
    by_email = {p["Email"].lower(): p for p in people}
    assert all(by_email[f"old{i}@example.org"]["First name"] == "Typed" for i in range(1000))
    assert all(by_email[f"old{i}@example.org"]["ZIP"] == "98102" for i in range(1000))
    assert by_email["new7@example.org"]["Source"] == "import supporters.csv"
    assert imports.get(first)["state"] == "done"

    second = imports.create(text.encode(), "supporters.csv")
    again = imports.check(second, open_list)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 9650)
    imports.land(second, open_list)
    assert len(members_of(localsheets, sheet_id)) == 9650


def test_a_cell_typed_between_the_preview_and_the_import_is_kept(workbook, localsheets, sheet_id, redis_conn):
    seed = WritePlan()
    seed.append("Members", {"Email": "ann@example.org", "Status": "subscribed"})
    workbook.apply(seed)
    imports = Imports(redis_conn)
    open_list = open_list_from(None, workbook)
    import_id = imports.create("Email,ZIP,Phone\nann@example.org,98101,555-0100\n", "pasted rows")
    assert imports.check(import_id, open_list).updated == 1
    # Maria types Ann's ZIP in the sheet while the preview is open.
    requests.put(f"{localsheets.url}/v4/spreadsheets/{sheet_id}/values/Members!E2",
                 params={"valueInputOption": "USER_ENTERED"}, json={"values": [["98199"]]}, timeout=5)
    imports.land(import_id, open_list)
    ann = members_of(localsheets, sheet_id)[0]
    assert (str(ann["ZIP"]), ann["Phone"]) == ("98199", "555-0100")


def test_an_import_cut_short_by_failures_and_tried_again_adds_nobody_twice(
        workbook, localsheets, sheet_id, redis_conn):
    imports = Imports(redis_conn)
    open_list = open_list_from(None, workbook)
    text = "Email\n" + "".join(f"p{i}@example.org\n" for i in range(500))
    import_id = imports.create(text, "flaky.csv")
    imports.check(import_id, open_list)
    # Answers lost after the sheet did the work: the hardest case for a retry.
    localsheets.configure(drop_rate=0.5, fail_rate=0.2, seed=11)
    imports.claim(import_id, "importing")
    imports.land(import_id, open_list)
    imports.release(import_id, "importing")
    imports.land(import_id, open_list)  # a second try, as after a crash
    statuses = localsheets.log()["statuses"]
    localsheets.configure(drop_rate=0.0, fail_rate=0.0)
    assert statuses.get("500", 0) + statuses.get("503", 0) > 0, statuses  # failures really happened
    emails = [p["Email"] for p in members_of(localsheets, sheet_id)]
    assert sorted(emails) == sorted(f"p{i}@example.org" for i in range(500))


def test_a_partner_groups_list_is_its_own_tab(workbook, open_workbook, localsheets, sheet_id, redis_conn):
    open_workbook(tabs=("List – Tacoma Hunger Coalition",))
    groups = WritePlan()
    groups.append("Groups", {"Name": "Seattle RESULTS"})
    groups.append("Groups", {"Name": "Tacoma Hunger Coalition"})
    workbook.apply(groups)
    imports = Imports(redis_conn)
    import_id = imports.create("Email\npriya@example.org\n", "tacoma.csv", list_group="Tacoma Hunger Coalition")
    imports.land(import_id, open_list_from(None, workbook))
    assert [p["Email"] for p in members_of(localsheets, sheet_id, "List – Tacoma Hunger Coalition")] == [
        "priya@example.org"]
    assert members_of(localsheets, sheet_id) == []


def test_a_file_without_an_email_column_stops_with_words_for_the_manager(workbook, redis_conn):
    imports = Imports(redis_conn)
    import_id = imports.create("Name,ZIP\nAnn,98101\n", "no-email.csv")
    with pytest.raises(ValueError):
        imports.check(import_id, open_list_from(None, workbook))
    state = imports.get(import_id)
    assert state["state"] == "failed" and "No column holds email addresses" in state["message"]

"""The import preview and plan: exact counts, dedupe by email, typed cells kept."""
from datetime import date

from services import schema
from services.import_file import guess_mapping, read
from services.import_plan import build_import
from services.workbook import read_tab

HEADER = ["Email", "First name", "Last name", "Phone", "ZIP", "Preferred contact", "Ladder stage", "Tags",
          "Notes", "Status", "Status changed", "Source", "Joined", "Actions taken", "Last action", "Id", "Met at"]


def members(*rows):
    """Members as the sheet holds it: each row a dict of typed cells."""
    values = [HEADER] + [[row.get(h, "") for h in HEADER] for row in rows]
    return read_tab(schema.MEMBERS, values, [])


def preview_of(text, tab_data, name="supporters.csv"):
    people = read(text, name)
    ids = iter(f"id{n}" for n in range(10_000))
    return build_import(people, guess_mapping(people.header), tab_data, today=date(2026, 3, 2),
                        new_id=lambda: next(ids))


def test_new_people_land_with_source_import_and_the_file_name():
    preview, plan = preview_of("E-mail,First,Surname,Zip code\nann@example.org,Ann,Lee,98101\n", members())
    assert (preview.added, preview.updated, preview.skipped_count) == (1, 0, 0)
    assert plan.appends["Members"] == [{
        "Email": "ann@example.org", "First name": "Ann", "Last name": "Lee", "ZIP": "98101",
        "Status": "subscribed", "Source": "import supporters.csv", "Joined": date(2026, 3, 2), "Id": "id0"}]
    assert preview.sample[0]["Source"] == "import supporters.csv"


def test_duplicates_within_the_file_by_case_and_spaces_are_skipped_with_the_first_row_named():
    preview, plan = preview_of("Email\nann@example.org\n  ANN@Example.org \nbob@example.org\n", members())
    assert (preview.added, preview.duplicate) == (2, 1)
    assert preview.skipped[0].row == 3 and preview.skipped[0].why == "the same email as row 2"
    assert len(plan.appends["Members"]) == 2


def test_a_bad_email_is_skipped_with_its_row_and_the_sheets_own_words():
    preview, _ = preview_of("Email,First\nbob@,Bob\n,Nobody\n", members())
    assert (preview.bad_email, preview.no_email, preview.added) == (1, 1, 0)
    assert [(s.row, s.why) for s in preview.skipped] == [(2, "'bob@' is not an email address"),
                                                         (3, "no email address")]


def test_an_existing_persons_blank_cells_are_filled_and_typed_cells_are_kept():
    listed = members({"Email": "Ann@Example.org", "First name": "Annie", "Phone": "(206) 555-0100"})
    preview, plan = preview_of("Email,First,Last,Phone,ZIP\nann@example.org,Ann,Lee,206-555-0100,98101\n", listed)
    assert (preview.added, preview.updated, preview.conflict_count) == (0, 1, 1)
    conflict = preview.conflicts[0]
    assert (conflict.column, conflict.kept, conflict.offered) == ("First name", "Annie", "Ann")
    assert [(f.key, f.cells) for f in plan.fills] == [(("ann@example.org",), {"Last name": "Lee", "ZIP": "98101"})]
    assert not plan.updates and "Members" not in plan.appends


def test_someone_already_on_the_list_with_nothing_new_is_counted_unchanged():
    preview, plan = preview_of("Email,First\nann@example.org,ann\n", members({"Email": "ann@example.org",
                                                                              "First name": "Ann"}))
    assert (preview.unchanged, preview.conflict_count) == (1, 0)
    assert not plan.fills


def test_a_choice_from_another_tool_is_understood_and_a_wrong_one_left_blank_with_a_note():
    preview, plan = preview_of("Email,Preferred method of contact\nann@example.org,sms\nbob@example.org,Pigeon\n",
                               members())
    rows = plan.appends["Members"]
    assert rows[0]["Preferred contact"] == "Text" and "Preferred contact" not in rows[1]
    assert preview.notes == ["Row 3: Preferred contact 'Pigeon' is not one of: Email, Phone call, Text, "
                             "Facebook, Twitter/X, In person; left blank."]


def test_action_network_unsubscribed_people_arrive_unsubscribed():
    _, plan = preview_of("email,can2_subscription_status\nann@example.org,unsubscribed\nbob@example.org,bouncing\n",
                         members())
    assert [r["Status"] for r in plan.appends["Members"]] == ["unsubscribed", "unsubscribed"]


def test_a_full_name_column_fills_first_and_last():
    _, plan = preview_of("Name,Email\n\"Lopez, Maria\",maria@example.org\n", members())
    row = plan.appends["Members"][0]
    assert (row["First name"], row["Last name"]) == ("Maria", "Lopez")


def test_a_manager_can_leave_a_column_out_of_the_import():
    people = read("Email,Notes\nann@example.org,private\n")
    _, plan = build_import(people, ("Email", ""), members())
    assert "Notes" not in plan.appends["Members"][0]

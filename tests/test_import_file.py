"""Reading a manager's file and matching its headers to the list's columns."""
import pytest

from services import import_file
from services.import_file import FULL_NAME, FileProblem, check_mapping, guess_mapping, read


@pytest.mark.parametrize("header, field", [
    ("Email", "Email"), ("E-mail", "Email"), (" EMAIL ADDRESS ", "Email"), ("email_address", "Email"),
    ("EmailAddress", "Email"), ("First", "First name"), ("first_name", "First name"), ("Given name", "First name"),
    ("Surname", "Last name"), ("last_name", "Last name"), ("Family Name", "Last name"),
    ("Zip code", "ZIP"), ("zip_code", "ZIP"), ("Mailing Zip/Postal Code", "ZIP"), ("Postcode", "ZIP"),
    ("can2_phone", "Phone"), ("Mobile Phone", "Phone"), ("Phone Number", "Phone"),
    ("Name", FULL_NAME), ("Full name", FULL_NAME),
    ("Preferred Method of Contact", "Preferred contact"), ("Ladder of Engagement", "Ladder stage"),
    ("can2_user_tags", "Tags"), ("can2_subscription_status", "Status"), ("Comments", "Notes"),
    ("Met at", ""), ("uuid", ""), ("can2_county", ""),
])
def test_a_header_is_matched_whatever_its_case_spacing_or_tool(header, field):
    assert import_file.guess_field(header) == field


def test_action_network_export_maps_the_columns_actnet_keeps():
    header = ("uuid", "first_name", "last_name", "email", "zip_code", "can2_phone", "can2_user_address",
              "can2_subscription_status")
    assert guess_mapping(header) == ("", "First name", "Last name", "Email", "ZIP", "Phone", "", "Status")


def test_a_second_column_for_the_same_field_is_left_out():
    assert guess_mapping(("Email", "Phone", "Mobile")) == ("Email", "Phone", "")


def test_a_file_without_an_email_column_is_explained():
    message = check_mapping(("First name", "ZIP"))
    assert "No column holds email addresses" in message


def test_pasted_rows_from_a_spreadsheet_are_tab_separated():
    people = read("Email\tFirst\n\nann@example.org\tAnn, Jr\n  \t \nbob@example.org\tBob\n")
    assert people.header == ("Email", "First")
    assert [(r.number, r.cells) for r in people.rows] == [(3, ("ann@example.org", "Ann, Jr")),
                                                         (5, ("bob@example.org", "Bob"))]


def test_semicolon_csv_from_a_european_excel_is_read():
    people = read("Email;First name\nann@example.org;Ann\n")
    assert people.rows[0].cells == ("ann@example.org", "Ann")


def test_windows_excel_csv_and_utf8_with_bom_decode():
    assert import_file.decode("\ufeffEmail\nzoë@example.org\n".encode("utf-8")) == "Email\nzoë@example.org\n"
    assert import_file.decode("Email\nzoë@example.org\n".encode("cp1252")) == "Email\nzoë@example.org\n"


def test_a_spreadsheet_file_that_is_not_csv_is_refused_in_plain_words():
    with pytest.raises(FileProblem, match="doesn't look like a CSV"):
        import_file.decode(b"PK\x03\x04\x00\x00binary")


def test_an_empty_paste_is_refused_in_plain_words():
    with pytest.raises(FileProblem, match="nothing in it"):
        read("  \n\n")


@pytest.mark.parametrize("full, parts", [("Maria Lopez", ("Maria", "Lopez")), ("Lopez, Maria", ("Maria", "Lopez")),
                                         ("Mary Ann  van Dyke", ("Mary Ann van", "Dyke")), ("Cher", ("Cher", ""))])
def test_a_full_name_is_split_into_first_and_last(full, parts):
    assert import_file.split_name(full) == parts

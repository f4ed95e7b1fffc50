"""The one rule for forbidden characters: which they are, and where the check says they are."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from kompas.core.forms import posted_text
from kompas.core.text import CODE, ForbiddenCharacter, check_text, find_forbidden, forbidden_in

FORBIDDEN = [
    *[chr(number) for number in range(0x20) if chr(number) not in "\t\n\r"],
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
]
ALLOWED = [
    "\t",
    "\n",
    "\r",
    " ",
    "\x7f",  # DEL
    "\x80",
    "\x85",  # NEL, a line break that the framework format round-trips
    "\x9f",
    "\u00a0",
    "\u200d",  # the joiner inside emoji
    "\u2028",
    "\ufeff",
    "\ufffd",
    "é",
    "👩\u200d💻",
]


def found_in(text: str, *, unstorable_only: bool = False) -> ForbiddenCharacter:
    found = find_forbidden(text, unstorable_only=unstorable_only)
    assert found is not None
    return found


@pytest.mark.parametrize("character", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_each_forbidden_character_is_found_where_it_is(character):
    found = find_forbidden(f"Beleid{character}plan")

    assert found is not None
    assert (found.character, found.position, found.line, found.column) == (character, 7, 1, 7)
    assert found.codepoint.startswith(f"U+{ord(character):04X} (")


@pytest.mark.parametrize("character", ALLOWED, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_tabs_line_breaks_del_c1_and_other_text_are_allowed(character):
    assert find_forbidden(f"Beleid{character}plan") is None


def test_the_first_one_is_named_with_its_line_and_column():
    found = find_forbidden("Eerste regel\r\nTweede\x0b regel\x00")

    assert found is not None
    assert (found.codepoint, found.position, found.line, found.column) == ("U+000B (VT)", 21, 2, 7)
    assert found.describe() == (
        "has the invisible character U+000B (VT) at line 2, position 7, which is not allowed "
        "in text; remove it"
    )


def test_the_names_of_the_other_kinds():
    names = [found_in(text).codepoint for text in ("\x00", "\x1f", "\ud834", "\ufffe")]

    assert names == ["U+0000 (NUL)", "U+001F (US)", "U+D834 (surrogate)", "U+FFFE (non-character)"]


def test_the_message_for_people_is_dutch_by_default():
    found = found_in("Back-ups\x01")

    assert found.message() == (
        "Deze tekst bevat een onzichtbaar teken dat niet is toegestaan: U+0001 (SOH) op "
        "positie 9. Haal het weg (dat stuk opnieuw typen is genoeg) en probeer het opnieuw."
    )


def test_the_message_names_the_line_in_a_text_of_several_lines(english):
    found = found_in("Eerste regel\nTweede\x07")

    assert found.message() == (
        "This text contains an invisible character that is not allowed: U+0007 (BEL) on "
        "line 2, position 7. Remove it (typing that part again will do) and try again."
    )


def test_restoring_refuses_only_what_no_database_can_store():
    assert find_forbidden("oud\x01\x1b\ufffe", unstorable_only=True) is None
    assert found_in("oud\x01\x00", unstorable_only=True).position == 5
    assert found_in("oud\ud800", unstorable_only=True).codepoint == "U+D800 (surrogate)"


def test_check_text_raises_on_the_field_and_passes_good_text():
    check_text("Goed\tbeleid\n")

    with pytest.raises(ValidationError) as refused:
        check_text("Fout\x00", field="note")

    assert list(refused.value.error_dict) == ["note"]
    assert refused.value.error_dict["note"][0].code == CODE


def test_a_service_passes_the_narrower_rule_and_refuses_only_what_cannot_be_stored():
    check_text("Oud\x01\x1b", unstorable_only=True)

    with pytest.raises(ValidationError):
        check_text("Oud\x00", unstorable_only=True)


def test_a_text_read_straight_from_a_post_is_checked_by_posted_text():
    data = QueryDict("reason=Nieuwe%0B+inzichten&note=Goed%09zo")

    assert posted_text(data, "note") == "Goed\tzo"
    assert posted_text(data, "missing") == ""
    with pytest.raises(ValidationError) as refused:
        posted_text(data, "reason")
    assert refused.value.error_dict["reason"][0].code == CODE


def test_forbidden_in_finds_every_text_in_plain_data_with_its_path():
    data = {
        "board": {"name": "Stichting\x00A", "schools": ["goed", "fout\x01"]},
        "sleutel\x02": 3,
        "levels": [1, 2.5, None, True],
    }

    found = [(path, problem.codepoint) for path, problem in forbidden_in(data)]

    assert found == [
        (("board", "name"), "U+0000 (NUL)"),
        (("board", "schools", 1), "U+0001 (SOH)"),
        (("sleutel\x02",), "U+0002 (STX)"),
    ]
    assert [path for path, _ in forbidden_in(data, unstorable_only=True)] == [("board", "name")]

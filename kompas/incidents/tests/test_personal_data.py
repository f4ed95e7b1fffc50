"""What looks like personal data in free text: e-mail addresses, phone numbers, BSNs."""

import pytest

from kompas.incidents.personal_data import Kind, find_personal_data, kinds_found, passes_eleven_test


def found(text):
    return [
        (finding.kind, text[finding.start : finding.end]) for finding in find_personal_data(text)
    ]


# --- The eleven-test ----------------------------------------------------------------------


@pytest.mark.parametrize("number", ["111222333", "123456782", "999999990", "010000008"])
def test_valid_citizen_service_numbers_pass_the_eleven_test(number):
    assert passes_eleven_test(number)


@pytest.mark.parametrize(
    "number",
    [
        "123456789",  # 9+16+21+24+25+24+21+16-9 = 147, not a multiple of 11
        "111222334",  # one digit off
        "000000000",  # a multiple of 11, but no number
        "12345678",  # eight digits
        "1234567820",  # ten digits
        "12345678a",
    ],
)
def test_other_numbers_fail_the_eleven_test(number):
    assert not passes_eleven_test(number)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("BSN 111222333 van de leerling", "111222333"),
        ("nummer 123.456.782.", "123.456.782"),
        ("nummer 123 456 782", "123 456 782"),
        ("nummer 1234.56.782", "1234.56.782"),
        ("(123456782)", "123456782"),
    ],
)
def test_a_nine_digit_number_that_passes_is_found_however_it_is_written(text, shown):
    assert found(text) == [(Kind.BSN, shown)]


@pytest.mark.parametrize(
    "text",
    [
        "nummer 123456789",  # nine digits that fail the test
        "ordernummer 1234567821 en 9876543210",  # ten digits
        "1.234.567.820 bytes",  # a ten-digit number, grouped
        "1 123 456 782 regels",  # the last nine of a longer grouped number
        "schade € 123.456.782 geraamd",  # an amount
        "schade EUR 123456782",
        "123.456.782,00 euro",
        "kosten 111222333,50",
        "op 29-03-2026 om 02:30 uur, 12 leerlingen",  # a date and a time
        "van 2026-03-29 tot 2026-04-01",
        "ticket T123456782",  # a number with a prefix
    ],
)
def test_dates_amounts_and_other_numbers_are_not_taken_for_a_bsn(text):
    assert Kind.BSN not in kinds_found(text)


# --- Phone numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "0612345678",
        "06 1234 5678",
        "06 12 34 56 78",
        "+31 6 12345678",
        "+31612345678",
        "0031 6 1234 5678",
        "+31 (0)6 12345678",
        "020-1234567",
        "020 123 4567",
        "(020) 123 4567",
        "0341-123456",
        "+31 20 123 4567",
    ],
)
def test_dutch_phone_numbers_are_found(number):
    assert found(f"bel {number} na vieren") == [(Kind.PHONE, number)]


@pytest.mark.parametrize(
    "text",
    [
        "gemeld op 01-03-2026 14:30",
        "tussen 09:00 en 17:30",
        "ongeveer 1234567890 records",
        "versie 0.9.12345",
        "kosten € 1.250,00",
        "klas 06",
    ],
)
def test_dates_times_and_other_numbers_are_not_taken_for_a_phone_number(text):
    assert found(text) == []


# --- E-mail addresses and the combination ----------------------------------------------------


def test_e_mail_addresses_are_found():
    assert found("mail naar j.de.vries+school@example.nl of info@school.example.org.") == [
        (Kind.EMAIL, "j.de.vries+school@example.nl"),
        (Kind.EMAIL, "info@school.example.org"),
    ]


def test_each_kind_is_named_once_in_a_fixed_order():
    text = "BSN 111222333, tel. 06-12345678, mail a@b.nl en c@d.nl"

    assert kinds_found(text) == [Kind.EMAIL, Kind.PHONE, Kind.BSN]
    assert kinds_found(text, kinds=frozenset({Kind.EMAIL, Kind.PHONE})) == [
        Kind.EMAIL,
        Kind.PHONE,
    ]


def test_the_digits_of_a_phone_number_are_not_looked_at_again_as_a_bsn():
    # 612345671 passes the eleven-test on its own; inside +31 6 it is a phone number.
    assert passes_eleven_test("612345671")
    assert found("+31 612345671") == [(Kind.PHONE, "+31 612345671")]


def test_plain_text_about_people_in_categories_passes():
    text = (
        "Op 12 maart om 08.15 uur kregen 28 leerlingen van groep 7 en hun ouders een "
        "phishingmail. Schade geschat op € 2.500; ticket 2026-0042 bij de leverancier."
    )

    assert find_personal_data(text) == []

"""Finding what looks like personal data in free text: e-mail addresses, Dutch phone numbers and
citizen service numbers (BSN, nine digits that pass the eleven-test).

The register describes people by category and count, never by name or number (BRIEF 4.6). This
check is a safety net for the common slips; it cannot recognise names, so the forms still say
what not to write. Pure functions, no Django: the findings name the kind of thing found and
where, never echo it back, so they may go into messages and logs.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    BSN = "bsn"


ALL_KINDS = frozenset(Kind)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int


EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")

# A Dutch number: +31 / 0031 (optionally "(0)") or the trunk 0, then nine digits, of which the
# first is not 0. Single spaces, hyphens or a closing bracket may separate the digits:
# 06-12345678, 06 1234 5678, 020-1234567, (020) 123 4567, 0341-123456, +31 6 12345678.
PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00)31[ -]?(?:\(0\)[ -]?)?|\(?0)"
    r"[1-9](?:[ )-]{0,2}\d){8}"
    r"(?!\d)"
)

# Nine digits, written together or grouped as 123.456.782, 123 456 782 or 1234.56.782.
BSN = re.compile(r"(?<!\w)(?:\d{9}|\d{3}([. ])\d{3}\1\d{3}|\d{4}([. ])\d{2}\2\d{3})(?!\w)")

# Dates and times written with digits (31-03-2026, 2026-03-31, 14:30) are blanked before the
# phone check: "01-03-2026 14:30" has ten digits but is no phone number.
DATE_OR_TIME = re.compile(
    r"(?<!\d)(?:"
    r"(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d"
    r"|(?:19|20)\d\d-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:[01]?\d|2[0-3])[:.][0-5]\d"
    r")(?!\d)"
)
CURRENCY_BEFORE = re.compile(r"(?:€|EUR|eur)\s*$")
DECIMALS_AFTER = re.compile(r"^,\d")


def passes_eleven_test(digits: str) -> bool:
    """The BSN eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(weight * int(digit) for weight, digit in zip(weights, digits, strict=True)) % 11 == 0


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans replaced by as many spaces: positions stay the same."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


def _is_bsn(match: re.Match[str], text: str) -> bool:
    before, after = text[: match.start()], text[match.end() :]
    separator = match.group(1) or match.group(2)
    # Part of a longer grouped number (1.234.567.890, 1 234 567 890).
    if separator and (
        re.search(rf"\d{re.escape(separator)}$", before)
        or re.match(rf"{re.escape(separator)}\d", after)
    ):
        return False
    # An amount: EUR 123.456.782 or 123456782,00.
    if DECIMALS_AFTER.match(after) or CURRENCY_BEFORE.search(before):
        return False
    return passes_eleven_test(re.sub(r"\D", "", match.group()))


def find_personal_data(text: str, *, kinds: frozenset[Kind] = ALL_KINDS) -> list[Finding]:
    """What looks like personal data in `text`, in order of position."""
    found: list[Finding] = []
    emails = _spans(EMAIL, text)
    if Kind.EMAIL in kinds:
        found += [Finding(Kind.EMAIL, start, end) for start, end in emails]
    # What was found once is not looked at again: an address's digits, a phone number's.
    rest = _blank(text, emails)
    phones = _spans(PHONE, _blank(rest, _spans(DATE_OR_TIME, rest)))
    if Kind.PHONE in kinds:
        found += [Finding(Kind.PHONE, start, end) for start, end in phones]
    rest = _blank(rest, phones)
    if Kind.BSN in kinds:
        found += [
            Finding(Kind.BSN, *match.span()) for match in BSN.finditer(rest) if _is_bsn(match, rest)
        ]
    return sorted(found, key=lambda finding: finding.start)


def kinds_found(text: str, *, kinds: frozenset[Kind] = ALL_KINDS) -> list[Kind]:
    """The kinds of personal data found, each once, in a fixed order."""
    present = {finding.kind for finding in find_personal_data(text, kinds=kinds)}
    return [kind for kind in Kind if kind in present]

"""The Dutch translation is complete: an untranslated message would show English to Dutch users."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[3] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def entries(text):
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            yield "fuzzy", block
        msgid = "".join(
            re.findall(
                r'^(?:msgid )?"(.*)"$', block.split("msgid_plural")[0].split("msgstr")[0], re.M
            )
        )
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if msgid:
            yield msgid, ["".join([first, *re.findall(r'"(.*)"', rest)]) for first, rest in msgstrs]


def test_every_message_has_a_dutch_translation():
    problems = [
        msgid
        for msgid, translations in entries(PO.read_text(encoding="utf-8"))
        if msgid == "fuzzy" or not translations or not all(translations)
    ]

    assert problems == []


def test_the_check_notices_a_missing_translation():
    sample = 'msgid "Hello"\nmsgstr ""\n\nmsgid "Bye"\nmsgstr "Dag"'

    missing = [msgid for msgid, found in entries(sample) if not all(found)]

    assert missing == ["Hello"]

"""The one rule for characters that text in IBP-Kompas may not contain, and its check.

Forbidden are exactly the characters that XML 1.0 cannot hold: the C0 control characters
except tab, line feed and carriage return (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F),
lone surrogates (U+D800-U+DFFF) and the non-characters U+FFFE and U+FFFF. PostgreSQL text
cannot hold NUL and no UTF-8 text can hold a lone surrogate; the workbooks and documents we
write (XLSX, DOCX) are XML and can hold none of them. They are invisible, so people who pasted
one need to be told where it is: the check names the character and its position.

DEL (U+007F) and the C1 controls (U+0080-U+009F) are allowed: PostgreSQL, JSON, YAML and
XML 1.0 hold them, and U+0085 (NEL) is a line break that text pasted from Windows-1252 sources
brings along and that the framework format round-trips on purpose (docs/framework-format.md).

Every input uses this module: forms through `kompas.core.forms.TextCheckMixin`, a text a view
reads from a post without a form through `kompas.core.forms.posted_text`, the rest of the
request through `ForbiddenCharactersMiddleware`, the importers through `find_forbidden` and
`forbidden_in` in their own validation. Services that store text refuse what cannot be stored
at all (`unstorable_only`), so that no caller makes the database fail (docs/operations.md,
"Text input").
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a database cannot store at all: the narrower rule for restoring data this installation
# (or an earlier version of it) already held, such as a board export (docs/board-export.md).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
CODE = "forbidden_character"

# The C0 control characters by their usual abbreviations (tab, line feed and return allowed).
_C0_NAMES = [
    *("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL"),
    *("BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI"),
    *("DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB"),
    *("CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"),
]

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ForbiddenCharacter:
    """A forbidden character found in a text: which one, and where (counted from 1)."""

    character: str
    position: int
    line: int
    column: int

    @property
    def codepoint(self) -> str:
        """U+0001 (SOH), U+D800 (surrogate), U+FFFF (non-character)."""
        number = ord(self.character)
        if number < len(_C0_NAMES):
            name = _C0_NAMES[number]
        elif 0xD800 <= number <= 0xDFFF:
            name = "surrogate"
        else:
            name = "non-character"
        return f"U+{number:04X} ({name})"

    def describe(self) -> str:
        """In English, for the located problems of files and for logs."""
        where = (
            f"line {self.line}, position {self.column}"
            if self.line > 1
            else f"position {self.position}"
        )
        return (
            f"has the invisible character {self.codepoint} at {where}, which is not allowed "
            "in text; remove it"
        )

    def message(self) -> str:
        """For people, in their language: what and where, and how to get rid of it."""
        values = {
            "character": self.codepoint,
            "position": self.position,
            "line": self.line,
            "column": self.column,
        }
        if self.line > 1:
            return (
                _(
                    "This text contains an invisible character that is not allowed: "
                    "%(character)s on line %(line)s, position %(column)s. Remove it (typing "
                    "that part again will do) and try again."
                )
                % values
            )
        return (
            _(
                "This text contains an invisible character that is not allowed: "
                "%(character)s at position %(position)s. Remove it (typing that part again "
                "will do) and try again."
            )
            % values
        )


def find_forbidden(text: str, *, unstorable_only: bool = False) -> ForbiddenCharacter | None:
    """The first forbidden character in `text`, or None when the text is acceptable.

    `unstorable_only` applies the narrower rule (NUL and lone surrogates only) for restoring
    data that was stored before.
    """
    found = (UNSTORABLE if unstorable_only else FORBIDDEN).search(text)
    if found is None:
        return None
    start = found.start()
    line_start = text.rfind("\n", 0, start) + 1
    return ForbiddenCharacter(
        character=found.group(),
        position=start + 1,
        line=text.count("\n", 0, start) + 1,
        column=start - line_start + 1,
    )


def check_text(text: str, *, field: str | None = None, unstorable_only: bool = False) -> None:
    """Raise a ValidationError (on `field`, when given) if `text` has a forbidden character.

    Services that store text pass `unstorable_only`: whatever reaches them, nothing makes the
    database fail; the full rule belongs where input arrives (forms, `posted_text`, imports).
    """
    problem = find_forbidden(text, unstorable_only=unstorable_only)
    if problem is None:
        return
    error = ValidationError(problem.message(), code=CODE)
    raise ValidationError({field: error}) if field else error


def forbidden_in(
    data: Any, *, unstorable_only: bool = False, path: JsonPath = ()
) -> Iterator[tuple[JsonPath, ForbiddenCharacter]]:
    """Every text in plain data (mappings, lists, texts; keys too) with a forbidden character."""
    if isinstance(data, str):
        problem = find_forbidden(data, unstorable_only=unstorable_only)
        if problem is not None:
            yield path, problem
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                problem = find_forbidden(key, unstorable_only=unstorable_only)
                if problem is not None:
                    yield (*path, key), problem
            yield from forbidden_in(value, unstorable_only=unstorable_only, path=(*path, key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from forbidden_in(value, unstorable_only=unstorable_only, path=(*path, index))

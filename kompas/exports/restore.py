"""The platform admin restores a board from its export in two steps: preview, then confirm.

The preview reads and checks the uploaded file exactly as `import_board` does and writes
nothing to the database. A file that passes is kept server-side under BOARD_RESTORE_ROOT with
a random name; the page only carries a signed ticket naming that file, the admin who uploaded it
and the file's SHA-256. Confirming reads the file again, refuses it when it is not the one
previewed, and restores it with `board_import`, which checks the whole document again first: a
board created meanwhile with the same number is refused like any other problem. The staged file
is removed after the confirmation, whatever its outcome, and files left by abandoned previews
are removed once their ticket has expired (docs/board-export.md).
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.core.staging import StagedFileGone, Staging
from kompas.exports.board_check import check_board_document, parse_board_file
from kompas.exports.board_import import ImportResult, board_import
from kompas.exports.document import BoardFileError
from kompas.frameworks.fileformat import MAX_REPORTED_PROBLEMS

TICKET_SALT = "kompas.exports.restore"
TICKET_VALID_SECONDS = 60 * 60


class RestoreRefused(Exception):
    """The upload or the ticket cannot be used; the message says why, in the user's language."""


@dataclass(frozen=True)
class Located:
    """A problem as the page lists it: where in the document, and what."""

    location: str
    message: str


@dataclass(frozen=True)
class Preview:
    """What the uploaded file would restore, or why it cannot."""

    filename: str
    sha256: str
    size: int
    board_name: str = ""
    bg_number: str = ""
    schema_version: Any = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Located] = field(default_factory=list)
    more_problems: int = 0
    warnings: list[str] = field(default_factory=list)
    ticket: str = ""  # empty: the file was refused and not kept


def _staging() -> Staging:
    return Staging(
        root=Path(settings.BOARD_RESTORE_ROOT),
        suffix=".json",
        salt=TICKET_SALT,
        refused=RestoreRefused,
        valid_seconds=TICKET_VALID_SECONDS,
    )


def _counts(document: Any) -> dict[str, int]:
    def length(value: Any) -> int:
        return len(value) if isinstance(value, list) else 0

    if not isinstance(document, dict):
        return {}
    plan = document.get("plan")
    return {
        "members": length(document.get("members")),
        "evaluations": length(document.get("evaluations")),
        "measures": length(plan.get("measures")) if isinstance(plan, dict) else 0,
        "incidents": length(document.get("incidents")),
        "submissions": length(document.get("submissions")),
        "issued_reports": length(document.get("issued_reports")),
        "files": length(document.get("files")),
    }


def refused(
    error: BoardFileError, *, sha256: str = "", size: int = 0, document: Any = None
) -> Preview:
    """The preview of a refused file: what it says it is, and every problem with its place."""
    shown = [
        Located(problem.location() or "—", problem.message)
        for problem in error.problems[:MAX_REPORTED_PROBLEMS]
    ]
    board = document.get("board") if isinstance(document, dict) else None
    return Preview(
        filename=error.filename,
        sha256=sha256,
        size=size,
        board_name=str(board.get("name", "")) if isinstance(board, dict) else "",
        bg_number=str(board.get("bg_number", "")) if isinstance(board, dict) else "",
        schema_version=document.get("schema_version") if isinstance(document, dict) else None,
        counts=_counts(document),
        problems=shown,
        more_problems=max(0, len(error.problems) - MAX_REPORTED_PROBLEMS),
    )


def restore_preview(*, actor: User, filename: str, data: bytes) -> Preview:
    """Check an uploaded board export as `import_board` would; keep it for confirming if it passes.

    Nothing is written to the database; a refused file is not kept.
    """
    if len(data) > settings.BOARD_RESTORE_MAX_BYTES:
        raise RestoreRefused(
            _("The file is larger than %(max)d MB, the most this installation accepts.")
            % {"max": settings.BOARD_RESTORE_MAX_BYTES // (1024 * 1024)}
        )
    digest = hashlib.sha256(data).hexdigest()
    document: Any = None
    try:
        document = parse_board_file(data, filename=filename)
        checked = check_board_document(document, filename=filename)
    except BoardFileError as error:
        return refused(error, sha256=digest, size=len(data), document=document)
    ticket = _staging().stage(data, user_id=actor.pk, filename=filename)
    return Preview(
        filename=filename,
        sha256=digest,
        size=len(data),
        board_name=document["board"]["name"],
        bg_number=document["board"]["bg_number"],
        schema_version=checked.read_version,
        counts=_counts(document),
        warnings=checked.warnings,
        ticket=ticket,
    )


def restore_confirm(*, actor: User, ticket: str) -> ImportResult:
    """Restore the previewed file, checked again; raises RestoreRefused or BoardFileError.

    The import is recorded on the platform chain with `actor` (board_import). The staged file
    is removed, whether the restore succeeds or is refused.
    """
    staging = _staging()
    claim = staging.claim(ticket, user_id=actor.pk)
    try:
        with staging.taken(claim) as data:
            filename = str(claim["filename"])
            return board_import(
                document=parse_board_file(data, filename=filename), filename=filename, actor=actor
            )
    except StagedFileGone:
        raise Staging.gone(RestoreRefused) from None

"""Files that wait between a preview and its confirmation: the board restore, the framework import.

An upload that passes its check is written under a random name, and the page carries a signed
ticket naming it, its uploader and its SHA-256. Confirming takes the file by renaming it, which
only one request can do, so a ticket is used at most once; the bytes are checked against the
ticket, and the file is removed whatever the outcome. Files of previews nobody confirmed go once
their ticket can no longer be used.
"""

import hashlib
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class StagedFileGone(Exception):
    """The staged file was taken (confirmed) or removed before this confirmation."""


@dataclass(frozen=True)
class Staging:
    """Where one kind of upload waits, and how its tickets are signed.

    `refused` is the exception raised with a message for the person (in their language).
    """

    root: Path
    suffix: str  # ".json", ".yaml"
    salt: str
    refused: type[Exception]
    valid_seconds: int = 60 * 60

    def stage(self, data: bytes, *, user_id: int, **claim: Any) -> str:
        """Keep `data` for its uploader; the signed ticket that confirms it."""
        self._remove_expired()
        token = secrets.token_urlsafe(32)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / f"{token}{self.suffix}").write_bytes(data)
        sha256 = hashlib.sha256(data).hexdigest()
        payload = {**claim, "token": token, "user": user_id, "sha256": sha256}
        return signing.dumps(payload, salt=self.salt)

    def claim(self, ticket: str, *, user_id: int) -> dict[str, Any]:
        """What a ticket says, if it is this installation's, unexpired and the person's."""
        expired = self.refused(_("The preview has expired or was altered; upload the file again."))
        try:
            claim = signing.loads(ticket, salt=self.salt, max_age=self.valid_seconds)
        except signing.BadSignature:
            raise expired from None
        token = claim.get("token") if isinstance(claim, dict) else None
        # Signed by this installation, so never forged; the name is checked all the same before
        # it becomes a path.
        if not isinstance(token, str) or not TOKEN.fullmatch(token) or "sha256" not in claim:
            raise expired
        if claim.get("user") != user_id:
            raise self.refused(_("That preview belongs to another person; upload the file again."))
        return claim

    @contextmanager
    def taken(self, claim: dict[str, Any]) -> Iterator[bytes]:
        """The staged bytes, taken so that no other confirmation gets them, then removed.

        Raises StagedFileGone when another request took the file first (or it expired), and
        `refused` when the bytes are not those the ticket names.
        """
        staged = self.root / f"{claim['token']}{self.suffix}"
        taken = staged.with_suffix(f"{self.suffix}.{secrets.token_hex(8)}")
        try:
            staged.rename(taken)
        except OSError:
            raise StagedFileGone from None
        try:
            data = taken.read_bytes()
            if hashlib.sha256(data).hexdigest() != claim["sha256"]:
                raise self.refused(
                    _("The stored file is not the one you previewed; upload the file again.")
                )
            yield data
        finally:
            taken.unlink(missing_ok=True)

    @staticmethod
    def gone(refused: type[Exception]) -> Exception:
        return refused(_("The previewed file is no longer here; upload the file again."))

    def _remove_expired(self) -> None:
        if not self.root.is_dir():
            return
        limit = time.time() - self.valid_seconds
        for path in self.root.glob(f"*{self.suffix}*"):
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)

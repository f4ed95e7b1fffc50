"""Writes to a norm score's evidence: add a file, add a link, mark one removed, open a file.

A file is checked completely before anything is written (size, then type by content), stored
under a random name in EVIDENCE_ROOT and pinned by its SHA-256 in the row and the audit trail.
Nothing is deleted: removal from a draft is a mark, and the file stays on disk.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.assessments.filetypes import accepted_type, extension_of
from kompas.assessments.models import (
    Evidence,
    EvidenceKind,
    FrozenError,
    NormScore,
    SelfAssessment,
)
from kompas.assessments.services import _require
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.core.text import find_forbidden

NAME_MAX = 255
TITLE_MAX = 200
URL_MAX = 2000
web_address = URLValidator(schemes=["http", "https"])


def evidence_add_file(
    *, access: BoardAccess, actor: User, score: NormScore, upload: UploadedFile
) -> Evidence:
    """Keep an uploaded file as evidence, once its size and its type (by content) are accepted."""
    _require(access, Action.EDIT)
    name = _file_name(upload.name or "")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_too_big(name, limit))
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    kind = accepted_type(name=name, file=upload)
    digest, size = _sha256(upload, name=name, limit=limit)
    with transaction.atomic():
        _lock_draft(access, score)
        evidence = Evidence(
            board=access.board,
            score=score,
            kind=EvidenceKind.FILE,
            original_name=name,
            content_type=kind.content_type,
            size=size,
            sha256=digest,
            added_by=actor,
        )
        evidence.file.save(name, upload, save=False)  # the stored name is random, see the model
        try:
            evidence.save()
            _record(access, actor, AuditAction.CREATE, evidence, _file_facts(evidence))
        except BaseException:
            # The row is rolled back, so the file goes too: a refusal leaves nothing behind.
            evidence.file.delete(save=False)
            raise
    return evidence


def evidence_add_link(
    *, access: BoardAccess, actor: User, score: NormScore, url: str, title: str = ""
) -> Evidence:
    """Point to evidence kept elsewhere (a document system, an intranet page); web links only."""
    _require(access, Action.EDIT)
    url, title = url.strip(), title.strip()
    errors: dict[str, str] = {}
    try:
        web_address(url)
    except ValidationError:
        errors["url"] = _("Give a web address that starts with https:// or http://.")
    if len(url) > URL_MAX:
        errors["url"] = _("The web address is too long.")
    if len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(count)s characters.") % {"count": TITLE_MAX}
    if problem := find_forbidden(url):
        errors["url"] = _("In the link: %(problem)s") % {"problem": problem.message()}
    if problem := find_forbidden(title):
        errors["title"] = _("In the title: %(problem)s") % {"problem": problem.message()}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_draft(access, score)
        evidence = Evidence(
            board=access.board,
            score=score,
            kind=EvidenceKind.LINK,
            url=url,
            title=title,
            added_by=actor,
        )
        evidence.save()
        changes = {"url": [None, url], "title": [None, title]}
        _record(access, actor, AuditAction.CREATE, evidence, changes)
    return evidence


def evidence_remove(*, access: BoardAccess, actor: User, evidence: Evidence) -> Evidence:
    """Take evidence off a draft's norm; the row and any file are kept, and the trail says who."""
    _require(access, Action.EDIT)
    with transaction.atomic():
        _lock_draft(access, evidence.score)
        current = (
            Evidence.objects.select_for_update()
            .select_related("score__assessment", "score__norm")
            .get(pk=evidence.pk, board=access.board)
        )
        if current.is_removed:
            return current
        current.removed_at = timezone.now()
        current.removed_by = actor
        current.save(update_fields=["removed_at", "removed_by"])
        _record(access, actor, AuditAction.DELETE, current, {"removed": [False, True]})
    return current


def evidence_open(*, access: BoardAccess, actor: User, evidence: Evidence) -> File:
    """The stored file, for someone who may view evidence; the download is recorded."""
    _require(access, Action.VIEW_EVIDENCE)
    name = evidence.file.name
    if evidence.kind != EvidenceKind.FILE or not name or evidence.board_id != access.board.pk:
        raise PermissionDenied("Not a file of this board.")
    handle = evidence.file.storage.open(name, "rb")
    _record(access, actor, AuditAction.EXPORT, evidence, {})
    return handle


def _lock_draft(access: BoardAccess, score: NormScore) -> SelfAssessment:
    """Lock the evaluation, so a submission cannot slip in between the check and the write."""
    assessment = SelfAssessment.objects.select_for_update().get(pk=score.assessment_id)
    if assessment.board_id != access.board.pk:
        raise PermissionDenied("That norm belongs to another board.")
    if not assessment.is_editable:
        raise FrozenError(_("This self-evaluation is submitted or approved."))
    score.assessment = assessment
    return assessment


def _file_name(raw: str) -> str:
    """The name to show and to download as: no folders, no control characters, not too long.

    A forbidden character (kompas.core.text) refuses the file; other characters that do not
    print (format characters, odd spaces) are left out of the name.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    if problem := find_forbidden(name):
        shown = "".join(character for character in name if character.isprintable())
        raise ValidationError(
            _("In the file name “%(name)s”: %(problem)s")
            % {"name": shown, "problem": problem.message()}
        )
    name = "".join(character for character in name if character.isprintable()).strip()
    if not name:
        raise ValidationError(_("The file has no name."))
    if len(name) > NAME_MAX:
        suffix = f".{extension_of(name)}"[:20]
        name = name[: NAME_MAX - len(suffix)] + suffix
    return name


def _too_big(name: str, limit: int) -> str:
    return _("%(name)s is larger than %(limit)s, the most a file may be.") % {
        "name": name,
        "limit": filesizeformat(limit),
    }


def _sha256(upload: UploadedFile, *, name: str, limit: int) -> tuple[str, int]:
    """The hash and size, chunk by chunk; the size is counted rather than taken on trust."""
    hasher = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise ValidationError(_too_big(name, limit))
        hasher.update(chunk)
    upload.seek(0)
    return hasher.hexdigest(), size


def _file_facts(evidence: Evidence) -> dict[str, list[Any]]:
    return {
        "file": [None, evidence.original_name],
        "content_type": [None, evidence.content_type],
        "size": [None, evidence.size],
        "sha256": [None, evidence.sha256],
    }


def _record(
    access: BoardAccess,
    actor: User,
    action: AuditAction,
    evidence: Evidence,
    changes: dict[str, list[Any]],
) -> None:
    score = evidence.score
    audit_record(
        action=action,
        actor=actor,
        board_id=access.board.pk,
        obj=evidence,
        object_repr=f"{score.assessment} · {score.norm.code} · {evidence.label}",
        changes=changes,
    )

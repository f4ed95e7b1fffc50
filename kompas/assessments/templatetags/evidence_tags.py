"""Template access to a norm's evidence, so the norm page needs no change to its view."""

from dataclasses import dataclass

from django import template
from django.conf import settings

from kompas.assessments.evidence_selectors import EvidenceList, evidence_list
from kompas.assessments.filetypes import EXTENSIONS
from kompas.assessments.models import NormScore
from kompas.boards.access import BoardAccess

register = template.Library()


@register.simple_tag
def evidence_of(access: BoardAccess, score: NormScore) -> EvidenceList | None:
    """The score's evidence (one query), or None when the person's role may not see evidence."""
    return evidence_list(access=access, score=score)


@dataclass(frozen=True)
class UploadRules:
    accept: str  # for the file input's accept attribute
    extensions: str  # for people
    max_bytes: int


@register.simple_tag
def evidence_upload_rules() -> UploadRules:
    """What the file input accepts, read from settings when the page renders."""
    return UploadRules(
        accept=",".join(f".{extension}" for extension in EXTENSIONS),
        extensions=", ".join(f".{extension}" for extension in EXTENSIONS),
        max_bytes=settings.EVIDENCE_MAX_BYTES,
    )

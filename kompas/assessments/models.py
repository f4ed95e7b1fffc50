"""Self-evaluations (zelfevaluaties): a board's level per norm, per framework version and period.

An approved evaluation is frozen: its scores refuse every change, whichever way it comes (forms,
htmx, admin, commands). Reopening creates a new version and leaves the approved one as it was.
"""

import uuid
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kompas.assessments.filetypes import LABELS
from kompas.boards.models import Board
from kompas.frameworks.models import FrameworkVersion, Mapping, Norm


class FrozenError(Exception):
    """The evaluation is submitted or approved and cannot be changed."""


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class SelfAssessment(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="assessments")
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2026 or 2025-2026"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    started_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when `started_from` is on another framework version: the mapping its work came
    # through (docs/mapping-format.md, "Carrying work over").
    mapping = models.ForeignKey(
        Mapping, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    # Why the executive sent the submitted evaluation back; cleared when it is submitted again.
    sent_back_reason = models.TextField(_("reason for sending back"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-period", "-version")
        verbose_name = _("self-evaluation")
        verbose_name_plural = _("self-evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "framework_version", "period", "version"],
                name="selfassessment_unique_version",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" (v{self.version})" if self.version > 1 else ""
        return f"{self.board} · {self.period}{suffix}"

    @property
    def label(self) -> str:
        """The evaluation within its board's pages: its period, and its version after a reopen."""
        return f"{self.period} (v{self.version})" if self.version > 1 else self.period

    @property
    def is_editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class FrozenAwareQuerySet(models.QuerySet["NormScore"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(assessment__status=AssessmentStatus.APPROVED).exists():
            raise FrozenError("An approved self-evaluation cannot be changed.")
        return super().update(**kwargs)

    def delete(self) -> NoReturn:
        raise FrozenError("Scores are never deleted; the evaluation keeps every norm.")


class NormScore(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, related_name="scores")
    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("current level"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(_("target level"))
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    not_applicable_reason = models.TextField(_("why not applicable"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_scores",
    )
    to_confirm = models.BooleanField(
        _("copied from the previous period, to confirm"), default=False
    )
    # Through a mapping: the norms of the earlier version this score was carried from, each
    # {"code", "relationship", "level", "not_applicable"}; empty for a norm new in this version
    # and for a period started on the same version.
    carried = models.JSONField(_("carried from"), default=list, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    objects = FrozenAwareQuerySet.as_manager()

    class Meta:
        ordering = ("norm__position",)
        verbose_name = _("norm score")
        verbose_name_plural = _("norm scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "norm"], name="normscore_unique_norm"),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=5),
                name="normscore_level_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__gte=1, target_level__lte=5),
                name="normscore_target_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.norm.code}: {self.level or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self.assessment.is_editable:
            raise FrozenError("This self-evaluation is submitted or approved and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise FrozenError("Scores are never deleted; the evaluation keeps every norm.")

    @property
    def is_assessed(self) -> bool:
        return self.level is not None or (
            self.not_applicable and bool(self.not_applicable_reason.strip())
        )

    @property
    def needs_review(self) -> bool:
        """Carried through a mapping from something other than one equal norm: the board
        judges it on the norm form, not with a bulk confirmation."""
        return bool(self.carried) and not (
            len(self.carried) == 1 and self.carried[0]["relationship"] == "equal"
        )


class EvidenceStorage(FileSystemStorage):
    """Evidence files under EVIDENCE_ROOT: outside the web root, and with no URL of their own.

    The location is read from settings when first used (not at import), so tests and
    deployments can move it; there is deliberately no `url()`: files leave only through the
    download view, which checks access.
    """

    def __init__(self) -> None:
        # Readable by the application (and its backups), never executable, never world-readable.
        super().__init__(file_permissions_mode=0o640, directory_permissions_mode=0o750)
        setting_changed.connect(self._forget_location)

    @cached_property
    def base_location(self) -> str:
        return str(settings.EVIDENCE_ROOT)

    @cached_property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> NoReturn:
        raise ValueError("Evidence is served only through the access layer.")

    def _forget_location(self, *, setting: str, **kwargs: Any) -> None:
        if setting == "EVIDENCE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


_evidence_storage = EvidenceStorage()


def evidence_storage() -> EvidenceStorage:
    return _evidence_storage


def evidence_path(instance: "Evidence", filename: str) -> str:
    """A random name: the uploader's file name never becomes a path (nor an extension)."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def update(self, **kwargs: Any) -> int:
        if self.exclude(score__assessment__status=AssessmentStatus.DRAFT).exists():
            raise FrozenError("Evidence of a submitted or approved evaluation cannot change.")
        return super().update(**kwargs)

    def delete(self) -> NoReturn:
        raise FrozenError("Evidence is never deleted; it is marked as removed.")

    def current(self) -> "EvidenceQuerySet":
        return self.filter(removed_at__isnull=True)


class Evidence(models.Model):
    """A file or link that supports a norm's score. Removal is a mark; nothing is deleted."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="+")
    score = models.ForeignKey(NormScore, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=4, choices=EvidenceKind.choices)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    file = models.FileField(
        _("file"), storage=evidence_storage, upload_to=evidence_path, max_length=100, blank=True
    )
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(
        _("link"), max_length=2000, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ("added_at", "pk")
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=EvidenceKind.FILE, url="", size__isnull=False)
                    & ~models.Q(file="")
                    & ~models.Q(sha256="")
                )
                | (models.Q(kind=EvidenceKind.LINK, file="", sha256="") & ~models.Q(url="")),
                name="evidence_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.score.assessment.is_editable:
            raise FrozenError("This self-evaluation is submitted or approved and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise FrozenError("Evidence is never deleted; it is marked as removed.")

    @property
    def label(self) -> str:
        return self.original_name if self.kind == EvidenceKind.FILE else self.title or self.url

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def type_label(self) -> str:
        return LABELS.get(self.content_type, self.content_type)

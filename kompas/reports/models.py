"""Accountability: the annual-report paragraph a board writes from its data, approved per year,
and the supervisory-board reports as issued for a meeting.

The dashboard, the PDF preview and the exports are computed from the other apps' data and
stored nowhere. The paragraph is a document of its own, because people edit it; an issued
report is kept because it is what the supervisory board was shown.
"""

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompas.assessments.models import SelfAssessment, evidence_storage
from kompas.boards.models import Board
from kompas.plans.models import PlanVersion


class ApprovedError(Exception):
    """An approved annual-report paragraph never changes; a new version is made instead."""


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class AnnualReport(models.Model):
    """The paragraph on information security and privacy for one year's annual report."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    text = models.TextField(_("text"))
    # What the generator wrote from the data, kept to show what people changed.
    generated_text = models.TextField(_("generated text"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AnnualReportStatus.choices,
        default=AnnualReportStatus.DRAFT,
    )
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ("-year", "-version")
        verbose_name = _("annual-report paragraph")
        verbose_name_plural = _("annual-report paragraphs")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "year", "version"], name="annualreport_unique_version"
            ),
        ]

    def __str__(self) -> str:
        suffix = f" (v{self.version})" if self.version > 1 else ""
        return f"{self.board} · {self.year}{suffix}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and (
            AnnualReport.objects.filter(pk=self.pk, status=AnnualReportStatus.APPROVED).exists()
        ):
            raise ApprovedError("An approved annual-report paragraph never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ApprovedError("Annual-report paragraphs are kept; make a new version instead.")

    @property
    def is_approved(self) -> bool:
        return self.status == AnnualReportStatus.APPROVED


class IssuedReportError(Exception):
    """An issued supervisory-board report is kept as it was presented: never changed or deleted."""


class IssuedReportQuerySet(models.QuerySet["IssuedReport"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise IssuedReportError("Issued reports never change.")

    def delete(self) -> NoReturn:
        raise IssuedReportError("Issued reports are kept; they cannot be deleted.")


def issued_report_path(instance: "IssuedReport", filename: str) -> str:
    """A random name beside the evidence files, in a folder of its own."""
    return f"issued-reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


MEETING_NAME_MAX = 150


class IssuedReport(models.Model):
    """The supervisory-board report as issued for one meeting: rendered once, kept byte for byte.

    The PDF lies in the evidence storage (EVIDENCE_ROOT), pinned by its SHA-256 and size; the
    row says for which meeting, by whom and when, and from which approved self-evaluation and
    plan version it was drawn up. Neither the row nor the file ever changes.
    """

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="issued_reports")
    meeting_date = models.DateField(_("meeting date"))
    meeting_name = models.CharField(_("meeting"), max_length=MEETING_NAME_MAX)
    file = models.FileField(
        _("file"), storage=evidence_storage, upload_to=issued_report_path, max_length=100
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveSmallIntegerField(_("pages"))
    assessment = models.ForeignKey(
        SelfAssessment,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("self-evaluation"),
    )
    plan_version = models.ForeignKey(
        PlanVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan version"),
    )
    drawn_up_on = models.DateField(_("drawn up on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        ordering = ("-meeting_date", "-issued_at", "-pk")
        verbose_name = _("issued supervisory-board report")
        verbose_name_plural = _("issued supervisory-board reports")
        constraints = [
            # One report per meeting: a double submit, or two people at once, cannot make two.
            models.UniqueConstraint(
                "board",
                "meeting_date",
                Lower("meeting_name"),
                name="issuedreport_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(size__gt=0) & ~models.Q(sha256="") & ~models.Q(file=""),
                name="issuedreport_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} · {self.meeting_name} ({self.meeting_date:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise IssuedReportError("An issued report never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise IssuedReportError("Issued reports are kept; they cannot be deleted.")

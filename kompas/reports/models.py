"""Accountability: the annual-report paragraph a board writes from its data, approved per year.

The dashboard, the supervisory-board PDF and the exports are computed from the other apps' data
and stored nowhere; only the paragraph is a document of its own, because people edit it.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompas.boards.models import Board


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

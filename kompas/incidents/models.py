"""The incident register (BRIEF 4.6): security incidents and personal-data breaches of a board.

GDPR art. 33(5) requires every breach to be documented, so incidents are never deleted; they are
closed. People appear only as categories with approximate counts, never by name or number, and
free text is checked for what looks like personal data before it is saved (personal_data.py).
"""

import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompas.boards.models import Board
from kompas.frameworks.models import Norm
from kompas.incidents.clock import Clock, clock_for, decision_deadline


class IncidentKind(models.TextChoices):
    SECURITY = "security", _("Security incident (no personal data involved)")
    BREACH = "breach", _("Personal-data breach")


class DataKind(models.TextChoices):
    CONTACT = "contact", _("Names and contact details")
    IDENTIFIERS = "identifiers", _("Identifying numbers (BSN, education number)")
    PUPIL_RECORDS = "pupil_records", _("Pupil records (progress, results, reports)")
    CARE = "care", _("Care and guidance records")
    SPECIAL = "special", _("Special categories (health, religion, origin)")
    FINANCIAL = "financial", _("Financial data (bank accounts, parental contributions)")
    CREDENTIALS = "credentials", _("Login details")
    IMAGES = "images", _("Photos and videos")
    STAFF_RECORDS = "staff_records", _("Personnel records")
    OTHER = "other", _("Other personal data")


class SubjectCategory(models.TextChoices):
    PUPILS = "pupils", _("Pupils")
    PARENTS = "parents", _("Parents and guardians")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Others")


class Risk(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed yet")
    NO_RISK = "no_risk", _("Unlikely to result in a risk")
    RISK = "risk", _("Risk to the people involved")
    HIGH_RISK = "high_risk", _("High risk to the people involved")


class NotifyDecision(models.TextChoices):
    UNDECIDED = "undecided", _("Not decided yet")
    NOTIFIED = "notified", _("Notified to the Autoriteit Persoonsgegevens")
    NOT_NOTIFIED = "not_notified", _("Not notified")


class SubjectsInformed(models.TextChoices):
    """Art. 34: informing the people themselves, required when the risk to them is high."""

    UNDECIDED = "undecided", _("Not decided yet")
    INFORMED = "informed", _("Informed")
    NOT_INFORMED = "not_informed", _("Not informed, with a reason (art. 34(3))")
    NOT_REQUIRED = "not_required", _("Not required: no high risk")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    """One security incident or personal-data breach, numbered per board."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="incidents")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    occurred_at = models.DateTimeField(_("happened at"), null=True, blank=True)
    became_aware_at = models.DateTimeField(_("board became aware at"))
    description = models.TextField(_("what happened"))
    data_kinds = models.JSONField(_("kinds of personal data"), default=list, blank=True)
    # Category -> approximate number of people: {"pupils": 120}. Never the people themselves.
    subjects = models.JSONField(_("people involved"), default=dict, blank=True)
    consequences = models.TextField(_("consequences"), blank=True)
    risk = models.CharField(
        _("risk"), max_length=12, choices=Risk.choices, default=Risk.NOT_ASSESSED
    )
    notify_decision = models.CharField(
        _("notification to the Autoriteit Persoonsgegevens"),
        max_length=12,
        choices=NotifyDecision.choices,
        default=NotifyDecision.UNDECIDED,
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notification_reference = models.CharField(_("AP reference"), max_length=100, blank=True)
    not_notified_reason = models.TextField(_("why not notified"), blank=True)
    delay_reason = models.TextField(_("reason for notifying after 72 hours"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    subjects_informed = models.CharField(
        _("people involved informed (art. 34)"),
        max_length=12,
        choices=SubjectsInformed.choices,
        default=SubjectsInformed.UNDECIDED,
    )
    subjects_informed_on = models.DateField(_("informed on"), null=True, blank=True)
    subjects_not_informed_reason = models.TextField(_("why not informed"), blank=True)
    school_cert_involved = models.BooleanField(_("School-CERT involved"), default=False)
    school_cert_reference = models.CharField(_("School-CERT reference"), max_length=100, blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    norms = models.ManyToManyField(
        Norm, blank=True, related_name="+", verbose_name=_("linked norms")
    )
    status = models.CharField(
        _("status"), max_length=6, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    lessons = models.TextField(_("lessons learned"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-became_aware_at", "-number")
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(fields=["board", "number"], name="incident_unique_number"),
            models.CheckConstraint(
                condition=models.Q(occurred_at__isnull=True)
                | models.Q(occurred_at__lte=models.F("became_aware_at")),
                name="incident_occurred_before_aware",
            ),
            models.CheckConstraint(
                condition=~models.Q(notify_decision="notified")
                | (models.Q(notified_at__isnull=False) & ~models.Q(notification_reference="")),
                name="incident_notified_with_date_and_reference",
            ),
        ]
        indexes = [models.Index(fields=["board", "became_aware_at"], name="incident_board_aware")]

    def __str__(self) -> str:
        return f"{_('Incident')} {self.number}: {self.title}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Incidents are never deleted (GDPR art. 33(5)); close them instead.")

    @property
    def is_breach(self) -> bool:
        return self.kind == IncidentKind.BREACH

    @property
    def deadline(self) -> datetime.datetime | None:
        """When the decision on notifying the AP is due (UTC), for a breach."""
        return decision_deadline(self.became_aware_at) if self.is_breach else None

    @property
    def decision_moment(self) -> datetime.datetime | None:
        """What the 72 hours are measured against: the notification, or the recorded decision."""
        if self.notify_decision == NotifyDecision.NOTIFIED:
            return self.notified_at
        if self.notify_decision == NotifyDecision.NOT_NOTIFIED:
            return self.decided_at
        return None

    def clock(self, now: datetime.datetime) -> Clock:
        return clock_for(
            is_breach=self.is_breach,
            aware_at=self.became_aware_at,
            decided_at=self.decision_moment,
            now=now,
        )

    def subject_rows(self) -> list[tuple[str, int]]:
        """The categories of people involved with their approximate counts, in a fixed order."""
        labels = dict(SubjectCategory.choices)
        return [
            (str(labels[code]), self.subjects[code])
            for code in SubjectCategory.values
            if code in self.subjects
        ]

    def data_kind_labels(self) -> list[str]:
        labels = dict(DataKind.choices)
        return [str(labels[code]) for code in DataKind.values if code in self.data_kinds]


class IncidentMeasure(models.Model):
    """A plan measure made from an incident's lessons learned, and the lesson it came from."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="plan_measures")
    measure = models.OneToOneField(
        "plans.Measure", on_delete=models.PROTECT, related_name="source_incident"
    )
    lesson = models.TextField(_("lesson"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("measure from an incident")
        verbose_name_plural = _("measures from incidents")

    def __str__(self) -> str:
        return f"{self.incident} → {self.measure}"

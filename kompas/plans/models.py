"""The improvement plan (verbeterplan): measures that close the gaps, accepted risks, versions.

A board has one living plan: its measures and risk acceptances change as the work goes on. The
executive's approval freezes a *version*, a snapshot of the plan and its check at that moment;
approved versions never change and two of them can be compared.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompas.boards.models import Board
from kompas.frameworks.models import Norm


def default_deadline() -> datetime.date:
    return datetime.date(2030, 12, 31)


class Plan(models.Model):
    """Per board: the deadline every gap must be covered by, and the plan's revision."""

    board = models.OneToOneField(Board, on_delete=models.PROTECT, related_name="plan")
    deadline = models.DateField(
        _("deadline"),
        default=default_deadline,
        help_text=_("Every gap must be closed by a measure due on or before this date."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # The coordinator's request for approval, cleared when the executive approves or sends the
    # plan back; the reason of the last sending back stays until the plan is submitted again.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_back_reason = models.TextField(_("reason for sending back"), blank=True)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return f"{self.board} · {_('improvement plan')}"

    @property
    def is_submitted(self) -> bool:
        """Waiting for the executive's approval."""
        return self.submitted_at is not None


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


OPEN_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


class Measure(models.Model):
    """A maatregel: work that brings one or more norms to a level by a due date."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="measures")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_measures",
        verbose_name=_("owner"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    effort_days = models.DecimalField(
        _("effort in days"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    cost_euros = models.DecimalField(
        _("cost in euros"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    priority = models.CharField(
        _("priority"), max_length=6, choices=Priority.choices, default=Priority.MEDIUM
    )
    completed_at = models.DateField(_("completed on"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        ordering = ("due_date", "pk")
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(start_date__lte=models.F("due_date")),
                name="measure_starts_before_due",
            ),
            models.CheckConstraint(
                condition=models.Q(effort_days__isnull=True) | models.Q(effort_days__gte=0),
                name="measure_effort_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(cost_euros__isnull=True) | models.Q(cost_euros__gte=0),
                name="measure_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Measures are never deleted; drop them instead.")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_date < today


class MeasureNorm(models.Model):
    """A norm the measure works on, and the level it should bring that norm to."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="links")
    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="+")
    target_level = models.PositiveSmallIntegerField(_("brings the norm to level"))

    class Meta:
        ordering = ("norm__position",)
        constraints = [
            models.UniqueConstraint(fields=["measure", "norm"], name="measurenorm_unique"),
            models.CheckConstraint(
                condition=models.Q(target_level__gte=1, target_level__lte=5),
                name="measurenorm_level_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.norm.code} → {self.target_level}"


class MeasureUpdate(models.Model):
    """A progress note on a measure: what happened, and the status it left the measure in."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    remark = models.TextField(_("remark"))
    evidence_url = models.URLField(_("evidence (link)"), max_length=2000, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="measureupdate_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.created_at:%Y-%m-%d}"


class RiskAcceptance(models.Model):
    """The executive's reasoned decision to leave a norm below target for now.

    The coordinator may propose one first: a proposal (no `accepted_at` yet) shows on the plan
    but covers nothing until the executive accepts it. Withdrawing a proposal declines it.
    """

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="risk_acceptances")
    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    review_date = models.DateField(_("review on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ("norm__position", "-accepted_at")
        verbose_name = _("risk acceptance")
        verbose_name_plural = _("risk acceptances")
        constraints = [
            # One open proposal or acceptance per norm: the executive decides on the proposal
            # rather than beside it.
            models.UniqueConstraint(
                fields=["board", "norm"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="riskacceptance_one_active_per_norm",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=False) | models.Q(proposed_at__isnull=False),
                name="riskacceptance_proposed_or_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} · {self.norm.code}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def is_proposal(self) -> bool:
        """Waiting for the executive: proposed, neither accepted nor declined."""
        return self.accepted_at is None and self.withdrawn_at is None


class PlanVersion(models.Model):
    """An approved plan, frozen: the measures, risks and check as the executive approved them."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveIntegerField(_("version"))
    assessment = models.ForeignKey(
        "assessments.SelfAssessment", on_delete=models.PROTECT, null=True, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        ordering = ("-number",)
        verbose_name = _("approved plan version")
        verbose_name_plural = _("approved plan versions")
        constraints = [
            models.UniqueConstraint(fields=["board", "number"], name="planversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.board} · {_('plan')} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("An approved plan version never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("An approved plan version is kept.")


class Threat(models.Model):
    """A current threat to schools, from the shipped catalogue; the platform admin may edit it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("position", "code")
        verbose_name = _("threat")
        verbose_name_plural = _("threats")

    def __str__(self) -> str:
        return self.name


class ThreatNorm(models.Model):
    """How much a norm helps against a threat (1 some, 2 clearly, 3 decisively).

    Linked by norm code, so the catalogue applies to every framework version with that code.
    """

    threat = models.ForeignKey(Threat, on_delete=models.CASCADE, related_name="norms")
    norm_code = models.CharField(_("norm code"), max_length=32)
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        ordering = ("threat", "norm_code")
        verbose_name = _("norm against a threat")
        verbose_name_plural = _("norms against threats")
        constraints = [
            models.UniqueConstraint(fields=["threat", "norm_code"], name="threatnorm_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=3), name="threatnorm_weight_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threat.code} · {self.norm_code} ({self.weight})"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class ReminderSent(models.Model):
    """One reminder e-mail sent, so running the job again sends nothing twice.

    Keyed on the due date too: moving a measure's due date re-arms its reminders.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due_date = models.DateField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "kind", "due_date"], name="remindersent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.kind} · {self.due_date}"

"""Monitoring rounds: boards submit an immutable snapshot; the sector sees protected aggregates.

A submission copies what the round needs at the moment of submitting — the board's public
attributes (the cells it falls in), its approved evaluation's values per norm and its plan
status — so that later changes to the board never change a round. Consent to share by name is
kept per audience, with its history: a withdrawal holds for the future only.
"""

import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompas.assessments.models import SelfAssessment
from kompas.boards.models import Board
from kompas.frameworks.models import FrameworkVersion, Mapping, Norm
from kompas.monitoring.snapshots import Quadrant


class ImmutableError(Exception):
    """A submitted snapshot never changes."""


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class MonitoringRound(models.Model):
    """A meetronde opened by the programme: one framework version, one period, some sectors."""

    name = models.CharField(_("name"), max_length=200)
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="monitoring_rounds"
    )
    period = models.CharField(_("period"), max_length=20)
    sectors = models.JSONField(_("sectors"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    # Nobody (null) for a round a board import recreated to hold that board's submission.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The latest published release: what every sector page shows of the round.
    published_release = models.ForeignKey(
        "Release", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-opened_at",)
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")

    def __str__(self) -> str:
        return self.name

    def next_release_number(self) -> int:
        last = self.releases.order_by("-number").values_list("number", flat=True).first()
        return (last or 0) + 1


class SizeClass(models.TextChoices):
    SMALL = "small", _("Small (up to 1,000 pupils)")
    MEDIUM = "medium", _("Medium (1,000 to 5,000 pupils)")
    LARGE = "large", _("Large (over 5,000 pupils)")


class SectorService(models.TextChoices):
    """The sector's services whose uptake a board records and a release counts."""

    SCHOOL_CERT = "school_cert", _("School-CERT connection")
    VEILIG_INTERNET = "veilig_internet", _("Veilig Internet service")
    PROCESSOR_AGREEMENTS = "processor_agreements", _("Sector processor-agreement arrangements")
    JOINT_PROCUREMENT = "joint_procurement", _("Joint procurement through a region")


class UptakeStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    PLANNED = "planned", _("Planned or applied for")
    STOPPED = "stopped", _("Stopped")
    NOT_USED = "not_used", _("Not used")


class ServiceUse(models.Model):
    """A board's own record of whether and since when it uses one of the sector's services.

    One row per board and service, kept by the board (no row: not recorded). A submission
    copies the rows as they are then; releases count the copies, never these rows.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="service_uses")
    service = models.CharField(_("service"), max_length=24, choices=SectorService.choices)
    status = models.CharField(_("status"), max_length=10, choices=UptakeStatus.choices)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("board", "service")
        verbose_name = _("use of a sector service")
        verbose_name_plural = _("uses of sector services")
        constraints = [
            models.UniqueConstraint(fields=["board", "service"], name="serviceuse_once_per_board"),
        ]

    def __str__(self) -> str:
        return f"{self.board} · {self.service}: {self.status}"


class Audience(models.TextChoices):
    SUPPORT = "support", _("The programme's support team")
    REGION = "region", _("My region")
    INSPECTORATE = "inspectorate", _("The Inspectorate of Education")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def current(self) -> "SubmissionQuerySet":
        """Submissions no resubmission has replaced: one per board and round."""
        return self.filter(replaced_by__isnull=True)

    def counted_at(self, moment: datetime.datetime) -> "SubmissionQuerySet":
        """The submissions a release as of `moment` counts: made by then, not replaced by then."""
        return self.filter(submitted_at__lte=moment).exclude(replaced_by__submitted_at__lte=moment)


class Submission(models.Model):
    """A board's contribution to a round, frozen at the moment it was submitted.

    After a newer approval within the round's period the board may submit again: the new
    snapshot `replaces` the current one, which is kept as it was (docs/monitoring.md,
    "Resubmitting"). Each snapshot is replaced at most once, so a board's snapshots in a round
    form one chain and its current one is the snapshot nothing replaced.
    """

    round = models.ForeignKey(MonitoringRound, on_delete=models.PROTECT, related_name="submissions")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="submissions")
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # The board's public attributes then, as the cells of the predefined cuts it falls in.
    sectors = models.JSONField(_("sectors"))
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices)
    region = models.CharField(_("region"), max_length=40, blank=True)
    # Sorted "cut=value" cells joined by "|": the database groups boards by it in one query.
    signature = models.CharField(max_length=400, editable=False)
    # Plan status then.
    has_approved_plan = models.BooleanField(_("approved plan"))
    open_gaps = models.PositiveIntegerField(_("gaps without measure or accepted risk"))
    overdue_measures = models.PositiveIntegerField(_("overdue measures"))
    projection = models.CharField(_("projection for the deadline"), max_length=12)
    # The snapshot in a few numbers (kompas.monitoring.snapshots.summarise), kept so that sector
    # pages compare boards and rounds without reading every score again.
    mean_level = models.DecimalField(_("mean level"), max_digits=3, decimal_places=2, null=True)
    norms_at_target = models.PositiveIntegerField(_("norms at target"), default=0)
    policy_level = models.DecimalField(_("policy level"), max_digits=3, decimal_places=2, null=True)
    practice_level = models.DecimalField(
        _("practice level"), max_digits=3, decimal_places=2, null=True
    )
    quadrant = models.CharField(_("quadrant"), max_length=8, choices=Quadrant.choices, blank=True)
    # Personal-data breaches the board became aware of in the year before it submitted (None:
    # submitted before submissions counted them).
    breaches = models.PositiveIntegerField(
        _("personal-data breaches in the year before submitting"), null=True
    )
    # Set when the evaluation is on another framework version than the round's: its scores were
    # read in the round's norms through this mapping (docs/monitoring.md, "Through a mapping").
    mapping = models.ForeignKey(
        Mapping,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translated through"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ("round", "board__name")
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            # One first submission per board and round; resubmissions hang off it.
            models.UniqueConstraint(
                fields=["round", "board"],
                condition=models.Q(replaces__isnull=True),
                name="submission_once_per_round",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "signature"], name="submission_round_signature"),
            # A board's latest submission (support list, regions, inspectorate signals).
            models.Index(fields=["board", "round"], name="submission_board_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.board}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("A submission is a snapshot and never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError("A submission is kept.")

    @property
    def is_replaced(self) -> bool:
        """Whether a resubmission replaced this snapshot (select_related("replaced_by") first)."""
        try:
            self.replaced_by  # noqa: B018 - reading the reverse one-to-one is the check
        except Submission.DoesNotExist:
            return False
        return True


class SubmittedScore(models.Model):
    """A norm's level in a submission; "not applicable" only with a reason, as in the evaluation."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="scores")
    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(null=True)
    not_applicable = models.BooleanField(default=False)
    target_level = models.PositiveSmallIntegerField()
    # Stored, so the share at or above target is one COUNT in the database.
    at_target = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "norm"], name="submittedscore_once_per_norm"
            ),
        ]
        indexes = [models.Index(fields=["norm", "level"], name="submittedscore_norm_level")]

    def __str__(self) -> str:
        return f"{self.norm_id}: {self.value}"

    @property
    def value(self) -> str:
        return value_of(level=self.level, not_applicable=self.not_applicable)


def value_of(*, level: int | None, not_applicable: bool) -> str:
    """The value a distribution counts: "1".."5", "na" or "open" (not assessed)."""
    if not_applicable:
        return "na"
    return "open" if level is None else str(level)


class SubmittedDomain(models.Model):
    """A domain's mean level in a submission: what the quartiles of the benchmark count."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="domain_levels"
    )
    code = models.CharField(max_length=32)
    mean = models.DecimalField(max_digits=2, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "code"], name="submitteddomain_once_per_domain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.mean}"


class SubmittedService(models.Model):
    """A board's use of a sector service as it stood when the board submitted."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="services")
    service = models.CharField(max_length=24, choices=SectorService.choices)
    status = models.CharField(max_length=10, choices=UptakeStatus.choices)
    started_on = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "service"], name="submittedservice_once_per_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.status}"


class Consent(models.Model):
    """A board's choice to share its submission by name with one audience, and its end."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="consents")
    audience = models.CharField(_("shared with"), max_length=12, choices=Audience.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ("granted_at",)
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "audience"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_audience",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} → {self.audience}"


class SubmissionCell(models.Model):
    """A cell of a predefined cut the submitting board falls in ("all" included)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="cells")
    cut = models.CharField(max_length=10)
    value = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "cut", "value"], name="submissioncell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cut}={self.value}"


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", _("Being computed")
    PUBLISHED = "published", _("Published")
    REFUSED = "refused", _("Not published")


class Release(models.Model):
    """A dated, immutable publication of a round's figures: what the sector pages show.

    Made by the programme analyst (interim, while the round is open) or when the round closes
    (final), computed by the worker from the submissions made up to `as_of`. It keeps what it
    was computed from and the rules that applied, so that it can be shown again as published.
    """

    round = models.ForeignKey(MonitoringRound, on_delete=models.PROTECT, related_name="releases")
    number = models.PositiveSmallIntegerField(_("number"))
    final = models.BooleanField(_("final release"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Submissions made at or before this moment are counted; later ones wait for a next release.
    as_of = models.DateTimeField(_("figures as of"))
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    submissions = models.PositiveIntegerField(_("submissions counted"), null=True)
    # SHA-256 over the ids of the submissions counted: the release's input, checkable later.
    digest = models.CharField(max_length=64, blank=True)
    # The rules and parameters that applied (k, method), and what was shown per attribute.
    parameters = models.JSONField(default=dict)
    shown = models.JSONField(default=dict)
    refusal = models.TextField(_("why it was not published"), blank=True)

    class Meta:
        ordering = ("round", "number")
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="release_number_per_round"),
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(status="pending"),
                name="release_one_pending_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.number}"


class RoundFigure(models.Model):
    """A published figure of a release, stored after disclosure control; suppressed ones too.

    Subject is a norm (distribution of values, share at or above target), a domain or part
    (mean and median of the assessed levels), the quadrant, or one of the programme's goals.
    Pages read only these rows, of published releases.
    """

    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="figures")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="figures")
    cut = models.CharField(max_length=10)
    value = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=10)  # "norm", "domain", "part", "quadrant"
    code = models.CharField(max_length=32)
    suppressed = models.BooleanField(default=False)
    boards = models.PositiveIntegerField(null=True)
    counts = models.JSONField(null=True)
    share_at_target = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    mean = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    median = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    # Quartiles of the boards' mean levels in a domain, for a board's benchmark.
    lower_quartile = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    upper_quartile = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    board_median = models.DecimalField(max_digits=3, decimal_places=1, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "cut", "value", "subject", "code"], name="roundfigure_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["release", "subject", "code"], name="roundfigure_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.release_id} {self.cut}={self.value} {self.subject} {self.code}"


class SupportNote(models.Model):
    """What the programme's support team did or agreed with a board; notes are only added."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="support_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    text = models.TextField(_("note"))

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("support note")
        verbose_name_plural = _("support notes")

    def __str__(self) -> str:
        return f"{self.board} · {self.created_at:%Y-%m-%d}"

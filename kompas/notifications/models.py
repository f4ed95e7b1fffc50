"""Notifications: what happened that a person should know, in the app and by e-mail.

Each follows one event on the audit trail (kompas.notifications.rules decides who hears of
it), at most once per person: `(recipient, event)` is unique. The text is rendered when shown,
in the reader's language, from the kind and its parameters.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kompas.audit.models import AuditEvent
from kompas.boards.models import Board


class Kind(models.TextChoices):
    EVALUATION_SUBMITTED = "evaluation_submitted", _("A self-evaluation waits for approval")
    EVALUATION_APPROVED = "evaluation_approved", _("A self-evaluation was approved")
    EVALUATION_SENT_BACK = "evaluation_sent_back", _("A self-evaluation was sent back")
    RISK_PROPOSED = "risk_proposed", _("A risk acceptance is proposed")
    RISK_ACCEPTED = "risk_accepted", _("A risk acceptance was decided")
    BREACH_REGISTERED = "breach_registered", _("A personal-data breach was registered")
    BREACH_DAY_LEFT = "breach_day_left", _("24 hours left to decide on a breach")
    BREACH_OVERDUE = "breach_overdue", _("The decision on a breach is overdue")
    ROUND_OPENED = "round_opened", _("A monitoring round opened")
    ROUND_CLOSING = "round_closing", _("A monitoring round closes soon")
    PLAN_SUBMITTED = "plan_submitted", _("The plan waits for approval")
    PLAN_APPROVED = "plan_approved", _("The plan was approved")
    PLAN_SENT_BACK = "plan_sent_back", _("The plan was sent back")
    REMARK_ADDRESSED = "remark_addressed", _("A remark is addressed to you")
    REVIEW_DISPUTED = "review_disputed", _("A peer review disputes a score")
    REVIEW_FINISHED = "review_finished", _("A peer review was finished")
    REPORT_QUESTION = "report_question", _("The supervisory board asked a question")
    REPORT_ANSWERED = "report_answered", _("A question of the supervisory board was answered")
    SHARED_MEASURE = "shared_measure", _("A joint measure is offered to your board")


# The 72 hours of a breach: whoever keeps the register hears of it, whatever they chose.
ALWAYS_SENT = frozenset({Kind.BREACH_REGISTERED, Kind.BREACH_DAY_LEFT, Kind.BREACH_OVERDUE})


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("By e-mail at once")
    DIGEST = "digest", _("In a daily e-mail")
    OFF = "off", _("Only in the application")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What it follows: an event on the audit trail, or for a clock's warnings (which no event
    # marks) a key naming the warning, e.g. "incident:12:overdue".
    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # How it goes out by e-mail, fixed when it was made; `emailed_at` once it went.
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"],
                condition=models.Q(event__isnull=False),
                name="notification_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["delivery", "emailed_at"], name="notification_to_mail"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def text(self) -> str:
        """What happened, in the current language."""
        return gettext(TEXTS[self.kind]) % self.params


# The sentence per kind; its parameters are stored with the notification.
TEXTS: dict[str, Any] = {
    Kind.EVALUATION_SUBMITTED: _(
        "%(board)s: self-evaluation %(evaluation)s waits for your approval."
    ),
    Kind.EVALUATION_APPROVED: _("%(board)s: self-evaluation %(evaluation)s was approved."),
    Kind.EVALUATION_SENT_BACK: _(
        "%(board)s: the executive sent self-evaluation %(evaluation)s back: %(reason)s"
    ),
    Kind.RISK_PROPOSED: _("%(board)s: the coordinator proposes to accept the risk on %(norm)s."),
    Kind.RISK_ACCEPTED: _("%(board)s: the executive accepted the risk on %(norm)s."),
    Kind.BREACH_REGISTERED: _(
        "%(board)s: breach %(number)s was registered; the decision on notifying the AP is due "
        "within 72 hours of becoming aware of it."
    ),
    Kind.ROUND_OPENED: _("%(board)s: the monitoring round %(round)s is open for your board."),
    Kind.ROUND_CLOSING: _(
        "%(board)s: the monitoring round %(round)s closes on %(closes)s; your board has not "
        "submitted yet."
    ),
    Kind.PLAN_SUBMITTED: _("%(board)s: the improvement plan waits for your approval."),
    Kind.PLAN_APPROVED: _("%(board)s: the improvement plan was approved."),
    Kind.PLAN_SENT_BACK: _("%(board)s: the executive sent the improvement plan back: %(reason)s"),
    Kind.REMARK_ADDRESSED: _("%(board)s: %(author)s wrote a remark for you on %(subject)s."),
    Kind.REVIEW_DISPUTED: _(
        "%(board)s: the peer review of %(evaluation)s disputes the score on %(norm)s."
    ),
    Kind.REVIEW_FINISHED: _("%(board)s: the peer review of %(evaluation)s is finished."),
    Kind.REPORT_QUESTION: _(
        "%(board)s: the supervisory board asked a question on the report %(report)s."
    ),
    Kind.REPORT_ANSWERED: _("%(board)s: the question on the report %(report)s was answered."),
    Kind.SHARED_MEASURE: _(
        "%(board)s: the region offers the joint measure %(measure)s to adopt into your plan."
    ),
    Kind.BREACH_DAY_LEFT: _(
        "%(board)s: less than 24 hours left to decide whether breach %(number)s is notified to "
        "the AP."
    ),
    Kind.BREACH_OVERDUE: _(
        "%(board)s: the 72 hours to decide whether breach %(number)s is notified to the AP have "
        "passed; record the decision and the reason for the delay."
    ),
}


class CalendarFeed(models.Model):
    """A person's secret address of their deadlines as a calendar (docs/notifications.md).

    Only the SHA-256 of the token is kept: the address is shown once, when it is made; renewing
    makes a new one and the old address stops working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"


class Preference(models.Model):
    """How a person wants one kind of notification by e-mail (without a row: at once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind}: {self.delivery}"

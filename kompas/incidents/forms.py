import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kompas.core.forms import Form
from kompas.incidents.clock import LOCAL_ZONE, NonexistentTime, from_local
from kompas.incidents.models import (
    DataKind,
    IncidentKind,
    IncidentStatus,
    NotifyDecision,
    Risk,
    SubjectCategory,
    SubjectsInformed,
)
from kompas.incidents.rules import MAX_SUBJECTS, DecisionData, IncidentData, ReportData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_PERSONAL_DATA = _(
    "Do not name people: write “a pupil” or “two teachers”, and leave out e-mail addresses, "
    "phone numbers and citizen service numbers (BSN)."
)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time on the Dutch wall clock (Europe/Amsterdam), entered as datetime-local.

    Read with `clock.from_local`: the repeated hour in October as summer time, the skipped hour
    in March refused with a message that says why.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            wall_clock = (
                timezone.make_naive(value, LOCAL_ZONE) if timezone.is_aware(value) else value
            )
        else:
            text = str(value).strip()
            try:
                parsed = parse_datetime(text)
            except ValueError:
                parsed = None
            if parsed is not None and timezone.is_aware(parsed):
                return parsed  # an explicit offset says which moment it is
            wall_clock = parsed or self._from_input_formats(text)
        try:
            return from_local(wall_clock)
        except NonexistentTime:
            raise ValidationError(
                _(
                    "%(time)s does not exist in the Netherlands: that night the clocks go "
                    "forward from 02:00 to 03:00."
                ),
                code="nonexistent",
                params={"time": date_format(wall_clock, "j F Y H:i")},
            ) from None

    def _from_input_formats(self, text: str) -> datetime.datetime:
        """The text read with the configured input formats, as a naive wall-clock time."""
        result = BaseTemporalField.to_python(self, text)
        if not isinstance(result, datetime.datetime):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result


def _now_local() -> datetime.datetime:
    return timezone.localtime(timezone.now(), LOCAL_ZONE).replace(second=0, microsecond=0)


SUBJECT_FIELDS = {category: f"subjects_{category}" for category in SubjectCategory.values}


class ReportForm(Form):
    """What anyone on the board reports; also the first part of the full incident form."""

    kind = forms.ChoiceField(
        label=_("What kind of incident is it?"),
        choices=IncidentKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A personal-data breach: personal data was lost, seen or changed by people "
            "who should not have, or was unavailable."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=NO_PERSONAL_DATA)
    occurred_at = LocalDateTimeField(
        label=_("When did it happen?"),
        required=False,
        help_text=_("Leave empty when it is not known (yet)."),
    )
    became_aware_at = LocalDateTimeField(
        label=_("When did the board become aware of it?"),
        initial=_now_local,
        help_text=_(
            "For a personal-data breach the 72 hours to decide on notifying the Autoriteit "
            "Persoonsgegevens start at this moment."
        ),
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=NO_PERSONAL_DATA,
    )
    data_kinds = forms.MultipleChoiceField(
        label=_("Kinds of personal data involved"),
        choices=DataKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    subjects_pupils = forms.IntegerField(
        label=_("Pupils"), min_value=0, max_value=MAX_SUBJECTS, required=False
    )
    subjects_parents = forms.IntegerField(
        label=_("Parents and guardians"), min_value=0, max_value=MAX_SUBJECTS, required=False
    )
    subjects_staff = forms.IntegerField(
        label=_("Staff"), min_value=0, max_value=MAX_SUBJECTS, required=False
    )
    subjects_other = forms.IntegerField(
        label=_("Others"), min_value=0, max_value=MAX_SUBJECTS, required=False
    )
    consequences = forms.CharField(
        label=_("Consequences"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What could happen to the people involved, and to the schools."),
    )
    measures_taken = forms.CharField(
        label=_("Measures taken"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What was done to stop it and limit the damage."),
    )

    def subject_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SUBJECT_FIELDS.values()]

    def subjects(self) -> dict[str, int]:
        return {
            category: self.cleaned_data[name]
            for category, name in SUBJECT_FIELDS.items()
            if self.cleaned_data.get(name) is not None
        }

    def report_data(self) -> ReportData:
        data = self.cleaned_data
        return ReportData(
            kind=data["kind"],
            title=data["title"],
            occurred_at=data["occurred_at"],
            became_aware_at=data["became_aware_at"],
            description=data["description"],
            data_kinds=tuple(data["data_kinds"]),
            subjects=self.subjects(),
            consequences=data["consequences"],
            measures_taken=data["measures_taken"],
        )


class IncidentForm(ReportForm):
    """The whole incident, for the roles that keep the register."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    risk = forms.ChoiceField(
        label=_("Risk to the people involved"),
        choices=Risk.choices,
        widget=forms.RadioSelect,
    )
    subjects_informed = forms.ChoiceField(
        label=_("Were the people involved informed? (art. 34)"),
        choices=SubjectsInformed.choices,
        widget=forms.RadioSelect,
        help_text=_("Required when the breach is a high risk to them."),
    )
    subjects_informed_on = forms.DateField(label=_("Informed on"), widget=DATE, required=False)
    subjects_not_informed_reason = forms.CharField(
        label=_("Why not informed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    school_cert_involved = forms.BooleanField(label=_("School-CERT involved"), required=False)
    school_cert_reference = forms.CharField(
        label=_("School-CERT reference"), max_length=100, required=False
    )
    norms = forms.TypedMultipleChoiceField(
        label=_("Linked norms"),
        coerce=int,
        required=False,
        help_text=_("The norms this incident shows need work (Ctrl or Shift for several)."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    lessons = forms.CharField(
        label=_("Lessons learned"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The coordinator can turn these into a measure in the improvement plan."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)

    def __init__(self, *args: Any, norms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for norm in norms:
            label = f"{norm.domain.code} {norm.domain.name}"
            groups.setdefault(label, []).append((norm.pk, f"{norm.code} {norm.title}"))
        self.fields["norms"].choices = list(groups.items())  # type: ignore[attr-defined]

    def incident_data(self) -> IncidentData:
        report = self.report_data()
        data = self.cleaned_data
        return IncidentData(
            **report.__dict__,
            risk=data["risk"],
            subjects_informed=data["subjects_informed"],
            subjects_informed_on=data["subjects_informed_on"],
            subjects_not_informed_reason=data["subjects_not_informed_reason"],
            school_cert_involved=data["school_cert_involved"],
            school_cert_reference=data["school_cert_reference"],
            status=data["status"],
            lessons=data["lessons"],
            norm_ids=tuple(data["norms"]),
        )


class DecisionForm(Form):
    """The decision on notifying the Autoriteit Persoonsgegevens."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (NotifyDecision.NOTIFIED, NotifyDecision.NOTIFIED.label),
            (NotifyDecision.NOT_NOTIFIED, NotifyDecision.NOT_NOTIFIED.label),
        ],
        widget=forms.RadioSelect,
    )
    notified_at = LocalDateTimeField(label=_("Notified at"), required=False, initial=_now_local)
    reference = forms.CharField(
        label=_("Reference of the notification"),
        max_length=100,
        required=False,
        help_text=_("The number the Autoriteit Persoonsgegevens gave the notification."),
    )
    delay_reason = forms.CharField(
        label=_("Reason for notifying after 72 hours"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Only when the notification came later than 72 hours after awareness."),
    )
    not_notified_reason = forms.CharField(
        label=_("Why the breach was not notified"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Not notifying is allowed only when the breach is unlikely to result in a risk to "
            "the people involved. Say why."
        ),
    )

    def decision_data(self) -> DecisionData:
        data = self.cleaned_data
        return DecisionData(
            decision=data["decision"],
            notified_at=data["notified_at"],
            reference=data["reference"],
            not_notified_reason=data["not_notified_reason"],
            delay_reason=data["delay_reason"],
        )

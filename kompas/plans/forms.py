from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompas.core.forms import Form
from kompas.plans.models import MeasureStatus, Priority
from kompas.plans.services import MeasureData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureForm(Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    norms = forms.TypedMultipleChoiceField(
        label=_("Norms"),
        coerce=int,
        help_text=_("Select one or more norms (Ctrl or Shift for several)."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    target_level = forms.TypedChoiceField(
        label=_("Brings the norms to level"),
        coerce=int,
        choices=[(level, str(level)) for level in range(1, 6)],
        initial=3,
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    start_date = forms.DateField(label=_("Start"), widget=DATE, required=False)
    due_date = forms.DateField(label=_("Due"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    effort_days = forms.DecimalField(
        label=_("Effort in days"), min_value=0, max_digits=7, decimal_places=1, required=False
    )
    cost_euros = forms.DecimalField(
        label=_("Cost in euros"), min_value=0, max_digits=12, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, norms: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for norm in norms:
            label = f"{norm.domain.code} {norm.domain.name}"
            groups.setdefault(label, []).append((norm.pk, f"{norm.code} {norm.title}"))
        self.fields["norms"].choices = list(groups.items())  # type: ignore[attr-defined]
        self.fields["owner"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (member.user_id, str(member.user)) for member in members
        ]

    def data_and_links(self) -> tuple[MeasureData, dict[int, int]]:
        data = self.cleaned_data
        measure = MeasureData(
            title=data["title"],
            description=data["description"],
            owner_id=data["owner"],
            start_date=data["start_date"],
            due_date=data["due_date"],
            status=data["status"],
            effort_days=data["effort_days"],
            cost_euros=data["cost_euros"],
            priority=data["priority"],
        )
        return measure, dict.fromkeys(data["norms"], data["target_level"])


class ProgressForm(Form):
    status = forms.ChoiceField(label=_("Status now"), choices=MeasureStatus.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False
    )
    remark = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(label=_("Evidence (link)"), required=False, assume_scheme="https")


class RiskForm(Form):
    reason = forms.CharField(
        label=_("Why this risk is accepted"), widget=forms.Textarea(attrs={"rows": 3})
    )
    review_date = forms.DateField(label=_("Review on"), widget=DATE)


class DeadlineForm(Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompas.assessments.models import NormScore
from kompas.assessments.services import ScoreChange
from kompas.core.forms import Form


class StartForm(Form):
    period = forms.CharField(
        label=_("Period"), max_length=20, help_text=_("e.g. 2026 or 2025-2026")
    )
    framework_version: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Framework"), queryset=None, empty_label=None
    )
    previous: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=None,
        required=False,
        empty_label=_("Nothing: start empty"),
        help_text=_(
            "Its work is copied as starting values, marked to be confirmed; from another "
            "version of the framework, through the mapping between the two."
        ),
    )
    start_empty = forms.BooleanField(
        label=_("Start empty: carry nothing over from an evaluation on another version"),
        required=False,
    )

    def __init__(
        self, *args: Any, assessments: Any, versions: Any, default_version: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = assessments  # type: ignore[attr-defined]
        self.fields["framework_version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["framework_version"].initial = default_version
        # Asked only once starting would carry nothing over (kompas.assessments.views).
        if not self.data.get("start_empty"):
            del self.fields["start_empty"]

    def ask_start_empty(self) -> None:
        self.fields["start_empty"] = copy.deepcopy(self.base_fields["start_empty"])


class ScoreForm(Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label=_("Current level"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    target_level = forms.TypedChoiceField(label=_("Target level"), coerce=int)
    not_applicable = forms.BooleanField(label=_("This norm does not apply to us"), required=False)
    not_applicable_reason = forms.CharField(
        label=_("Why it does not apply"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    assignee = forms.TypedChoiceField(
        label=_("Assigned to"), coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        score: NormScore,
        members: Any,
        level_labels: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`level_labels` are only needed to show the form; an htmx save validates without."""
        super().__init__(*args, **kwargs)
        labels = level_labels or {}
        self.fields["level"].choices = [("", _("Not yet assessed"))] + [  # type: ignore[attr-defined]
            (level, labels.get(level, str(level))) for level in range(1, 6)
        ]
        minimum = score.assessment.framework_version.target_level
        self.fields["target_level"].choices = [  # type: ignore[attr-defined]
            (level, str(level)) for level in range(minimum, 6)
        ]
        if members is None:
            # Saving without the form on screen: the service checks the assignee's membership.
            self.fields["assignee"] = forms.IntegerField(required=False)
        else:
            self.fields["assignee"].choices = [("", "—")] + [  # type: ignore[attr-defined]
                (member.user_id, str(member.user)) for member in members
            ]

    @classmethod
    def initial_for(cls, score: NormScore) -> dict[str, Any]:
        return {
            "revision": score.revision,
            "level": score.level or "",
            "target_level": score.target_level,
            "not_applicable": score.not_applicable,
            "not_applicable_reason": score.not_applicable_reason,
            "explanation": score.explanation,
            "assignee": score.assignee_id or "",
        }

    def change(self) -> ScoreChange:
        data = self.cleaned_data
        return ScoreChange(
            level=data["level"],
            target_level=data["target_level"],
            not_applicable=data["not_applicable"],
            not_applicable_reason=data["not_applicable_reason"],
            explanation=data["explanation"],
            assignee_id=data["assignee"],
        )


class WorkbookForm(Form):
    workbook = forms.FileField(
        label=_("Filled-in workbook (.xlsx)"),
        help_text=_("Start from the workbook downloaded from this evaluation."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompas.core.forms import Form
from kompas.frameworks.models import FrameworkVersion
from kompas.monitoring.models import Audience, UptakeStatus
from kompas.monitoring.services import SECTOR_CODES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SubmissionForm(Form):
    """The executive's choice of audiences; sharing by name with none of them is the default."""

    share_with = forms.MultipleChoiceField(
        label=_("Share our results by name with"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class RoundForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    framework_version = forms.ModelChoiceField(
        label=_("Framework version"),
        queryset=FrameworkVersion.objects.none(),
        empty_label=None,
        help_text=_(
            "Boards submit their approved self-evaluation of this version; one of another "
            "version only through a mapping to it, translated and marked as such."
        ),
    )
    period = forms.CharField(
        label=_("Period"), max_length=20, help_text=_("e.g. 2026 or 2025-2026")
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=[(code, code) for code in SECTOR_CODES],
        widget=forms.CheckboxSelectMultiple,
    )
    closes_on = forms.DateField(label=_("Closes on (optional)"), widget=DATE, required=False)

    def __init__(self, *args: Any, versions: Any, default_version: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework_version"]
        field.queryset = versions  # type: ignore[attr-defined]
        field.initial = default_version


class ServiceUseForm(Form):
    """How the board uses one sector service; the dates as the status asks (services check)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=UptakeStatus.choices, widget=forms.RadioSelect
    )
    started_on = forms.DateField(
        label=_("Since"),
        widget=DATE,
        required=False,
        help_text=_("In use or stopped: since when. Planned: the expected start, if known."),
    )
    ended_on = forms.DateField(
        label=_("Until"), widget=DATE, required=False, help_text=_("Only when stopped.")
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

from django import forms
from django.utils.translation import gettext_lazy as _

from kompas.boards.models import (
    ContributorScope,
    Province,
    Sector,
    bg_number_validator,
    brin_validator,
)
from kompas.boards.roles import BoardRole
from kompas.core.forms import Form


class InvitationForm(Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=BoardRole.choices)


class GroupForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)


class SchoolForm(Form):
    brin = forms.CharField(label=_("BRIN code"), max_length=6)
    name = forms.CharField(label=_("Name"), max_length=200)

    def clean_brin(self) -> str:
        brin = self.cleaned_data["brin"].strip().upper()
        brin_validator(brin)
        return brin


class AcceptInvitationForm(Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class BoardForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    bg_number = forms.CharField(
        label=_("Bevoegd-gezagnummer"), max_length=5, validators=[bg_number_validator]
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, widget=forms.CheckboxSelectMultiple
    )
    pupil_count = forms.IntegerField(label=_("Number of pupils"), min_value=0, initial=0)
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", "—"), *Province.choices], required=False
    )


class ContributorScopeForm(Form):
    scope = forms.ChoiceField(
        label=_("Contributors may edit"),
        choices=ContributorScope.choices,
        widget=forms.RadioSelect,
    )

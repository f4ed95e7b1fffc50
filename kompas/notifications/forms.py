from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompas.core.forms import Form
from kompas.notifications.models import ALWAYS_SENT, Delivery, Kind


class PreferencesForm(Form):
    """Per kind of notification: at once, in a daily digest, or only in the application."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            choices = [
                (value, text)
                for value, text in Delivery.choices
                if not (kind in ALWAYS_SENT and value == Delivery.OFF)
            ]
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=choices,
                widget=forms.RadioSelect,
                help_text=(
                    _("Always e-mailed to who keeps the register: the 72 hours cannot wait.")
                    if kind in ALWAYS_SENT
                    else ""
                ),
            )

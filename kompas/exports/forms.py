from django import forms
from django.utils.translation import gettext_lazy as _

from kompas.core.forms import Form


class RestoreForm(Form):
    export = forms.FileField(
        label=_("Board export (.json)"),
        help_text=_(
            "The file export_board or the board's download wrote. You first see what it would "
            "restore; nothing is written until you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

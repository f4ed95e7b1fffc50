from django import forms
from django.utils.translation import gettext_lazy as _

from kompas.core.forms import Form


class CatalogueUploadForm(Form):
    document = forms.FileField(
        label=_("Framework or mapping file (.yaml)"),
        help_text=_(
            "A framework version or a mapping between two versions, in the formats the import "
            "commands read. You first see what it would change; nothing is written until you "
            "confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/yaml,text/yaml"}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.exports.models import ExportFormat


class ExportOptionsForm(forms.Form):
    """What the export buttons of a list page send; the filters travel in the query string."""

    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices, required=False)
    identifiers = forms.BooleanField(label=_("Include identifiers"), required=False)
    part = forms.ChoiceField(
        label=_("Part"),
        choices=[("main", _("Records")), ("persons", _("Persons"))],
        required=False,
    )

    def clean_format(self) -> str:
        return self.cleaned_data["format"] or ExportFormat.CSV.value

    def clean_part(self) -> str:
        return self.cleaned_data["part"] or "main"

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Agency
from portal.core.categories import ReportCategory
from portal.core.forms import field_as
from referrals.stats.selectors import MAX_MONTHS, StatsFilters, current_month, months_between

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
REGENCY_RE = re.compile(r"^\d{2}\.\d{2}$")


class MonthInput(forms.TextInput):
    """The browser's month picker; the value travels as YYYY-MM whatever the language (and a
    browser without the picker shows a text box that takes the same)."""

    input_type = "month"


class MonthField(forms.Field):
    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2025-06.")}

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        match = MONTH_RE.match(str(value).strip())
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match[1]), int(match[2])
        if not 2000 <= year <= 2100 or not 1 <= month <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.date(year, month, 1)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value


class StatsFilterForm(forms.Form):
    """The filters of the statistics page. Agencies: only those whose records the user sees
    as their own (portal.access.visible_agency_ids) are offered, and any other id is refused."""

    month_from = MonthField(label=_("From month"), required=False)
    month_to = MonthField(label=_("To month"), required=False)
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *ReportCategory.choices]
    )
    shared = forms.ChoiceField(
        label=_("Reports shared with us"),
        required=False,
        choices=[("1", _("Include")), ("0", _("Leave out"))],
    )
    regency = forms.CharField(required=False, widget=forms.HiddenInput, max_length=5)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "agency", forms.TypedChoiceField).choices = [
            ("", _("All my agencies")),
            *((a.pk, a.short_name) for a in agencies),
        ]

    def clean_regency(self) -> str:
        value = self.cleaned_data.get("regency", "").strip()
        if value and not REGENCY_RE.match(value):
            raise forms.ValidationError(_("Unknown regency or city."), code="invalid")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("month_from"), data.get("month_to")
        this_month = current_month()
        if first and first > this_month:
            self.add_error("month_from", _("The period cannot begin in the future."))
        elif first and last and first > last:
            self.add_error("month_to", _("The end month comes before the start month."))
        elif first and months_between(first, last or this_month) > MAX_MONTHS:
            self.add_error(
                "month_from",
                _("Choose at most %(count)s months.") % {"count": MAX_MONTHS},
            )
        return data

    def filters(self) -> StatsFilters:
        """The filters of a valid form (the defaults for an unbound one)."""
        if not self.is_bound:
            return StatsFilters()
        d = self.cleaned_data
        return StatsFilters(
            month_from=d["month_from"],
            month_to=d["month_to"],
            agency_id=d["agency"],
            category=d["category"],
            include_shared=d["shared"] != "0",
            regency=d["regency"],
        )

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementScope
from agreements.selectors import visible_agreements
from portal import access
from portal.accounts.models import Agency, User
from portal.core.forms import DateInput, field_as, label_options
from portal.core.validators import normalise_phone
from portal.regions.forms import RegionField
from portal.regions.models import Region
from villages import selectors
from villages.models import Activity, ActivityFile, Audience, DesaBinaan, VillageStatus
from villages.permissions import designating_offices


class VillageFieldsForm(forms.Form):
    designated_on = forms.DateField(label=_("Designated on"), widget=DateInput())
    decree_number = forms.CharField(label=_("Decree number"), max_length=120, required=False)
    liaison_officers = forms.ModelMultipleChoiceField(
        label=_("Liaison officers (PIMPASA)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"data-searchable": "true"}),
    )
    village_head_name = forms.CharField(label=_("Village head"), max_length=150, required=False)
    village_head_phone = forms.CharField(
        label=_("Village head's telephone"), max_length=30, required=False
    )
    contact_name = forms.CharField(label=_("Local contact"), max_length=150, required=False)
    contact_role = forms.CharField(label=_("Local contact's role"), max_length=150, required=False)
    contact_phone = forms.CharField(
        label=_("Local contact's telephone"), max_length=30, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=VillageStatus.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_village_head_phone(self) -> str:
        return normalise_phone(self.cleaned_data["village_head_phone"])

    def clean_contact_phone(self) -> str:
        return normalise_phone(self.cleaned_data["contact_phone"])


class VillageDesignateForm(VillageFieldsForm):
    village = RegionField(label=_("Village"), level=Region.Level.VILLAGE)
    designating_office = forms.ModelChoiceField(
        label=_("Designating office"), queryset=Agency.objects.none()
    )
    field_order = ["village", "designating_office"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices = designating_offices(actor)
        office = field_as(self.fields, "designating_office", forms.ModelChoiceField)
        office.queryset = offices.order_by("name")
        office.initial = actor.agency_id
        field_as(
            self.fields, "liaison_officers", forms.ModelChoiceField
        ).queryset = User.objects.filter(agency__in=offices, is_active=True).select_related(
            "agency"
        )
        self.fields["designated_on"].initial = timezone.localdate()
        self.fields["status"].initial = VillageStatus.ACTIVE


class VillageEditForm(VillageFieldsForm):
    def __init__(self, *args: Any, desa: DesaBinaan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(
            self.fields, "liaison_officers", forms.ModelChoiceField
        ).queryset = User.objects.filter(agency_id=desa.designating_office_id, is_active=True)


class PartnerForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        widget=forms.Select(attrs={"data-searchable": "true"}),
    )
    agreement = forms.ModelChoiceField(
        label=_("Under agreement"), queryset=Agreement.objects.none(), required=False
    )
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput())

    def __init__(self, *args: Any, actor: User, desa: DesaBinaan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = [desa.designating_office_id, *desa.partners.values_list("agency_id", flat=True)]
        field_as(self.fields, "agency", forms.ModelChoiceField).queryset = (
            Agency.objects.filter(is_active=True).exclude(pk__in=taken).order_by("name")
        )
        in_force = visible_agreements(actor).in_force_on(timezone.localdate())
        field_as(self.fields, "agreement", forms.ModelChoiceField).queryset = in_force


# More people than any village has: a typing slip, refused next to the field.
MAX_FIGURE = 1_000_000


class FigureForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    procedural_abroad = forms.IntegerField(
        label=_("Residents working abroad procedurally"),
        min_value=0,
        max_value=MAX_FIGURE,
        initial=0,
    )
    nonprocedural_departures = forms.IntegerField(
        label=_("Known non-procedural departures"), min_value=0, max_value=MAX_FIGURE, initial=0
    )
    returnees = forms.IntegerField(
        label=_("Returnees"), min_value=0, max_value=MAX_FIGURE, initial=0
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class VillageFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.none(), empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *VillageStatus.choices]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = selectors.visible_villages(user)
        regencies = (
            Region.objects.filter(
                level=Region.Level.REGENCY,
                children__children__desa_binaan__in=villages,
            )
            .distinct()
            .order_by("name")
        )
        field_as(self.fields, "regency", forms.ChoiceField).choices = [("", _("All"))] + [
            (r.code, r.name) for r in regencies
        ]
        field_as(self.fields, "agency", forms.ModelChoiceField).queryset = (
            Agency.objects.filter(designated_villages__in=villages).distinct().order_by("name")
        )

    def to_filters(self) -> selectors.VillageFilters:
        """The selector's filters from valid input (none from invalid input); pages and exports
        parse the same way."""
        if not self.is_valid():
            return selectors.VillageFilters()
        data = self.cleaned_data
        return selectors.VillageFilters(
            q=data["q"].strip(),
            regency=data["regency"],
            agency_id=data["agency"].pk if data["agency"] else None,
            status=data["status"],
        )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=250)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=250)
    organiser = forms.ModelChoiceField(label=_("Organising agency"), queryset=Agency.objects.none())
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"data-searchable": "true"}),
    )
    agreement_scope = forms.ModelChoiceField(
        label=_("Agreement and scope it fulfils"),
        queryset=AgreementScope.objects.none(),
        required=False,
    )
    villages = forms.ModelMultipleChoiceField(
        label=_("Desa Binaan reached"),
        queryset=DesaBinaan.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"data-searchable": "true"}),
    )
    area = RegionField(
        label=_("Area reached"),
        level=Region.Level.DISTRICT,  # a regency/city or district; provinces are refused
        allow_higher=True,
        required=False,
        help_text=_("A regency, city or district when the activity addressed a whole area."),
    )
    audience = forms.MultipleChoiceField(
        label=_("Audience"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_notes = forms.CharField(label=_("Audience details"), max_length=300, required=False)
    participants_male = forms.IntegerField(label=_("Participants (men)"), min_value=0, initial=0)
    participants_female = forms.IntegerField(
        label=_("Participants (women)"), min_value=0, initial=0
    )
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name — institution."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_ups = forms.CharField(
        label=_("Follow-ups"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisers = Agency.objects.filter(is_active=True)
        if not access.is_system_admin(actor):
            organisers = organisers.filter(pk__in=access.visible_agency_ids(actor))
        organiser = field_as(self.fields, "organiser", forms.ModelChoiceField)
        organiser.queryset = organisers.order_by("name")
        organiser.initial = actor.agency_id
        scopes = (
            AgreementScope.objects.filter(
                agreement__in=visible_agreements(actor).exclude(status="draft")
            )
            .select_related("agreement", "scope")
            .order_by("agreement__title", "scope__sort_order")
        )
        agreement_scope = field_as(self.fields, "agreement_scope", forms.ModelChoiceField)
        agreement_scope.queryset = scopes
        label_options(agreement_scope, lambda s: f"{s.agreement.title} — {s.scope.name}")
        villages = field_as(self.fields, "villages", forms.ModelMultipleChoiceField)
        villages.queryset = (
            selectors.visible_villages(actor)
            .select_related("village__parent")
            .order_by("village__name")
        )
        label_options(villages, lambda d: f"{d.village.name} ({d.village.parent.name})")

    def clean_area(self) -> Region | None:
        # The picker starts at Banten: the province alone is where it starts, not an area
        # chosen (a province is too large an area for an activity; the service says so when
        # it is asked). Without this, the form as rendered could not be sent without an area.
        area = self.cleaned_data.get("area")
        if area is not None and area.level == Region.Level.PROVINCE:
            return None
        return area


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *Activity.Kind.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    month = forms.ChoiceField(
        label=_("Month"),
        required=False,
        choices=[("", _("All"))] + [(str(m), name) for m, name in MONTHS.items()],
    )

    def to_filters(self) -> selectors.ActivityFilters:
        if not self.is_valid():
            return selectors.ActivityFilters()
        data = self.cleaned_data
        return selectors.ActivityFilters(
            q=data["q"].strip(),
            kind=data["kind"],
            year=data["year"],
            month=int(data["month"]) if data["month"] else None,
        )


class ActivityFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityFile.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File (photo: JPEG, PNG or WebP up to 10 MB; material: also PDF, up to 20 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )


class ImplementationPeriodForm(forms.Form):
    """The period of an agreement's implementation report, as `?from=YYYY-MM-DD&to=…`.
    Nothing given: the current calendar year; only one end: the rest of that end's year."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        # Both are there: no field has an error.
        start, end = data["from"], data["to"]
        if start is None and end is None:
            start, end = self.default_period()
        elif start is None:
            start = dt.date(end.year, 1, 1)
        elif end is None:
            end = dt.date(start.year, 12, 31)
        if start > end:
            raise forms.ValidationError(
                {"to": _("The end of the period comes before its start.")}, code="order"
            )
        data["from"], data["to"] = start, end
        return data

    @staticmethod
    def default_period() -> tuple[dt.date, dt.date]:
        year = timezone.localdate().year
        return dt.date(year, 1, 1), dt.date(year, 12, 31)

    def period(self) -> tuple[dt.date, dt.date] | None:
        """(first day, last day) of a valid period; None when the input is wrong (the
        errors are on the form)."""
        if not self.is_bound:
            return self.default_period()
        if not self.is_valid():
            return None
        return self.cleaned_data["from"], self.cleaned_data["to"]

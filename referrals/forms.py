"""Forms of indication reports. They check the shape of the input only; the services apply
the rules and the views put what the services refuse next to the right field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from portal.access import CASE_WORKER_ROLES
from portal.accounts.models import Agency, User
from portal.core import widgets
from portal.core.categories import ReportCategory
from portal.core.forms import DateInput, field_as, label_options
from portal.regions.forms import RegionField
from portal.regions.models import Region
from referrals.indicators import indicator_choices
from referrals.models import Evidence, PreventionAction, Report, ReportPerson
from referrals.permissions import prevention_offices
from referrals.selectors import ReportFilters
from referrals.vocabularies import (
    Checkpoint,
    ControlMethod,
    ExploitationType,
    Industry,
    Outcome,
    PerpetratorRole,
    PersonRole,
    RecruitmentMethod,
    ReferralOutcome,
    RegistryResult,
    ReportStatus,
    RequestedAction,
    RiskLevel,
    Sex,
    Source,
    SuspectedMode,
    Urgency,
    VictimStatus,
)
from villages.models import DesaBinaan
from villages.selectors import visible_villages

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; values travel as ISO whatever the language."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def country_choices(blank_label: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    return [("", blank_label), *((code, name) for code, name in countries)]


def _multi(
    label: StrOrPromise, choices: Iterable[tuple[str, StrOrPromise]], help_text: str = ""
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.SelectMultiple(attrs={"data-searchable": "true"}),
    )


class ReportForm(forms.Form):
    data: MultiValueDict[str, Any]  # request.POST, or empty when unbound (the view's only use)

    occurred_at = forms.DateTimeField(
        label=_("Date and time of the indication"),
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    source = forms.ChoiceField(label=_("How it came to light"), choices=Source.choices)
    region = RegionField(
        label=_("Place"),
        level=Region.Level.VILLAGE,
        allow_higher=True,
        required=False,
        help_text=_("Down to the village where you know it."),
    )
    place_detail = forms.CharField(
        label=_("Place details"),
        max_length=250,
        required=False,
        help_text=_("e.g. Soekarno-Hatta airport, Terminal 3; a house in RT 02/RW 05."),
    )
    desa = forms.ModelChoiceField(
        label=_("Desa Binaan"),
        queryset=DesaBinaan.objects.none(),
        required=False,
        help_text=_("When the indication concerns one of the Desa Binaan."),
        widget=forms.Select(attrs={"data-searchable": "true"}),
    )
    destination_country = forms.ChoiceField(
        label=_("Destination country"), choices=(), required=False
    )
    route = forms.CharField(
        label=_("Route and transit"),
        max_length=300,
        required=False,
        help_text=_("e.g. Jakarta, Kuala Lumpur, Dubai."),
    )
    mode = forms.ChoiceField(
        label=_("Suspected mode"),
        choices=[("", "—"), *SuspectedMode.choices],
        required=False,
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, who said what, what was found. Required to submit."),
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM
    )
    indicators = forms.MultipleChoiceField(
        label=_("Indicators observed"),
        choices=indicator_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Category (your decision)"),
        choices=ReportCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    category_reason = forms.CharField(
        label=_("Reason, when it differs from the suggestion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recruitment_methods = _multi(_("Methods of recruitment (HTCDS)"), RecruitmentMethod.choices)
    control_methods = _multi(_("Methods of control (HTCDS)"), ControlMethod.choices)
    exploitation_types = _multi(_("Types of exploitation (HTCDS)"), ExploitationType.choices)
    industries = _multi(_("Industries (HTCDS)"), Industry.choices)

    def __init__(self, *args: Any, actor: User, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "destination_country", forms.ChoiceField).choices = country_choices(
            "—"
        )
        desa = field_as(self.fields, "desa", forms.ModelChoiceField)
        desa.queryset = (
            visible_villages(actor).select_related("village__parent").order_by("village__name")
        )
        label_options(desa, lambda d: f"{d.village.name} ({d.village.parent.name})")
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label=_("Reason for the correction"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The report is submitted: every change is recorded with this reason."),
            )

    def clean_occurred_at(self) -> dt.datetime | None:
        value = self.cleaned_data["occurred_at"]
        if value and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("correction_reason", None)
        return data


class PersonForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    full_name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is not known."),
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nationality = forms.ChoiceField(label=_("Nationality"), choices=(), required=False)
    address_region = RegionField(
        label=_("Home address"),
        level=Region.Level.VILLAGE,
        allow_higher=True,
        required=False,
        default=None,
    )
    phone = forms.CharField(
        label=_("Telephone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    victim_status = forms.ChoiceField(
        label=_("Victim status (HTCDS)"),
        choices=[("", "—"), *VictimStatus.choices],
        required=False,
    )
    victim_status_by = forms.CharField(
        label=_("Victim status decided by"), max_length=200, required=False
    )
    perpetrator_roles = _multi(_("Role in the process (HTCDS)"), PerpetratorRole.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "nationality", forms.ChoiceField).choices = country_choices("—")
        if not self.is_bound and "nationality" not in self.initial:
            self.initial["nationality"] = "ID"


class BasePersonFormSet(forms.BaseFormSet):
    deletion_widget = forms.CheckboxInput


PersonFormSet = forms.formset_factory(
    PersonForm, formset=BasePersonFormSet, extra=1, can_delete=True, max_num=50, validate_max=True
)


def banten_regencies() -> list[tuple[str, str]]:
    """(code, name) of Banten's regencies and cities: reference data that changes only with
    `manage.py load_regions`, so kept in the cache for an hour instead of read on every list."""

    def read() -> list[tuple[str, str]]:
        return list(
            Region.objects.filter(level=Region.Level.REGENCY, code__startswith="36.")
            .order_by("code")
            .values_list("code", "name")
        )

    # With a default to compute, get_or_set() never answers None.
    return cache.get_or_set("referrals:banten-regencies:v1", read, 3600) or []


SORT_CHOICES = [
    ("", _("Newest indication first")),
    ("occurred", _("Oldest indication first")),
    ("-updated", _("Last changed")),
    ("-risk", _("Highest risk first")),
    ("number", _("Number")),
]


class ReportFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Number, name or words")}),
    )
    # Every <select> of the list's form rendered in Python (portal.core.widgets.Select), not
    # one template per option: the form is drawn on every list page.
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ReportStatus.choices],
        widget=widgets.Select,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All")), *ReportCategory.choices],
        widget=widgets.Select,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    regency = forms.ChoiceField(
        label=_("Regency/city"), required=False, choices=(), widget=widgets.Select
    )
    desa = forms.ModelChoiceField(
        label=_("Desa Binaan"),
        queryset=DesaBinaan.objects.none(),
        required=False,
        widget=widgets.Select,
    )
    destination = forms.ChoiceField(
        label=_("Destination"), required=False, choices=(), widget=widgets.Select
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All")), *Source.choices],
        widget=widgets.Select,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, widget=widgets.Select, choices=SORT_CHOICES
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "regency", forms.ChoiceField).choices = [
            ("", _("All")),
            *banten_regencies(),
        ]
        desa = field_as(self.fields, "desa", forms.ModelChoiceField)
        desa.queryset = (
            visible_villages(user)
            .select_related("village")
            .only("pk", "village__name")  # not the encrypted telephones: nothing to decrypt
            .order_by("village__name")
        )
        label_options(desa, lambda d: d.village.name)
        field_as(self.fields, "destination", forms.ChoiceField).choices = country_choices(_("All"))

    def to_filters(self) -> ReportFilters:
        """The selector's filters from valid input; no filter at all from invalid input (the
        list shows the errors). Pages and exports parse the same way."""
        if not self.is_valid():
            return ReportFilters()
        d = self.cleaned_data
        return ReportFilters(
            q=d["q"].strip(),
            status=d["status"],
            category=d["category"],
            date_from=d["date_from"],
            date_to=d["date_to"],
            region_code=d["regency"],
            desa_id=d["desa"].pk if d["desa"] else None,
            destination=d["destination"],
            source=d["source"],
            sort=d["sort"],
        )


class _UpperChoiceField(forms.ChoiceField):
    """A choice of upper-case codes that also takes them in lower case (`?destination=sa`)."""

    def to_python(self, value: Any) -> str:
        return super().to_python(value).upper()


class ReportQueryForm(ReportFilterForm):
    """The report filters of exports and the API: the page's form and its checks, plus what
    the page does not draw: `person` (reports in which a person appears again; one the user
    may not see matches nothing), `region` (any region code and everything below it, the API's
    name beside `regency`) and the `-occurred` sort the API documents."""

    destination = _UpperChoiceField(required=False, choices=())
    sort = forms.ChoiceField(
        required=False,
        choices=[
            *SORT_CHOICES,
            ("-occurred", _("Newest indication first")),
        ],
    )
    region = forms.RegexField(
        regex=r"^[0-9]{2}(\.[0-9]{2}){0,2}(\.[0-9]{4})?$",
        required=False,
        error_messages={"invalid": _("Enter a region code, e.g. 36.71.")},
    )
    person = forms.IntegerField(required=False, min_value=1)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:200]

    def to_filters(self) -> ReportFilters:
        filters = super().to_filters()
        if not self.is_valid():
            return filters
        d = self.cleaned_data
        return replace(
            filters,
            region_code=d["region"] or filters.region_code,
            person_id=d["person"],
        )


def report_filters(params: QueryDict, *, user: User) -> ReportFilters:
    """The filters of a report list from query parameters (a QueryDict), for exports and the
    API; ValidationError lists the invalid parameters by name."""
    form = ReportQueryForm(params, user=user)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.to_filters()


def _required_choice(label: StrOrPromise, choices: Any, message: StrOrPromise) -> forms.ChoiceField:
    """The choice of an irreversible step: it starts empty, and posting it empty is refused
    with `message` (not only by the browser's `required`)."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("— Select —")), *choices],
        error_messages={"required": message},
    )


class CloseForm(forms.Form):
    outcome = _required_choice(
        _("Outcome"), Outcome.choices, _("Choose the outcome of the review.")
    )
    outcome_note = forms.CharField(
        label=_("Outcome details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Evidence.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File (photo: JPEG, PNG or WebP; or PDF; up to 20 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )


class PreventionForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=ReportPerson.objects.none())
    office = forms.ModelChoiceField(label=_("Office"), queryset=Agency.objects.none())
    kind = forms.ChoiceField(label=_("Action"), choices=PreventionAction.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    checkpoint = forms.ChoiceField(label=_("Where"), choices=Checkpoint.choices)
    place = forms.CharField(
        label=_("Place"), max_length=200, help_text=_("e.g. Soekarno-Hatta airport, Terminal 3.")
    )
    destination_country = forms.ChoiceField(
        label=_("Intended destination"), choices=(), required=False
    )
    interviewed = forms.BooleanField(label=_("Interview held"), required=False)
    statement_signed = forms.BooleanField(label=_("Statement signed"), required=False)
    registry_result = forms.ChoiceField(
        label=_("Migrant-worker registry (SISKOP2MI)"), choices=RegistryResult.choices
    )
    coordinated_with_bp3mi = forms.BooleanField(label=_("Coordinated with BP3MI"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lifted_on = forms.DateField(label=_("Lifted on"), required=False, widget=DateInput())
    lifted_documents = forms.CharField(
        label=_("Documents shown to lift it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. recommendation of the manpower office, work contract, e-PMI card."),
    )

    def __init__(
        self, *args: Any, report: Report, actor: User, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "person", forms.ModelChoiceField).queryset = report.persons.all()
        office = field_as(self.fields, "office", forms.ModelChoiceField)
        office.queryset = prevention_offices(actor).order_by("name")
        office.initial = actor.agency_id
        field_as(self.fields, "destination_country", forms.ChoiceField).choices = country_choices(
            "—"
        )
        self.fields["destination_country"].initial = report.destination_country
        if editing:
            self.fields["person"].disabled = True
            self.fields["office"].disabled = True


# --- Sharing and referrals -----------------------------------------------------------------


class ShareForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Share with"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only partners an agreement in force allows for this report's category."),
    )
    note = forms.CharField(
        label=_("Note to the partner"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, options: dict[int, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        agencies = field_as(self.fields, "agencies", forms.ModelMultipleChoiceField)
        agencies.queryset = Agency.objects.filter(pk__in=options).order_by("name")
        label_options(agencies, lambda a: f"{a.name} — {options[a.pk][0].agreement.title}")


class ReferralForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("Refer to"), queryset=Agency.objects.none())
    requested_action = forms.ChoiceField(
        label=_("Requested action"), choices=RequestedAction.choices
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Leave empty for the partner's standard: working days, without weekends and "
            "national holidays."
        ),
    )
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args: Any, agency_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "to_agency", forms.ModelChoiceField).queryset = Agency.objects.filter(
            pk__in=agency_ids
        ).order_by("name")


class AcceptForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "assigned_to", forms.ModelChoiceField).queryset = User.objects.filter(
            agency=agency, is_active=True, role__in=CASE_WORKER_ROLES
        ).order_by("full_name")


class AssignForm(AcceptForm):
    """Assigning an accepted referral names someone: an empty choice is refused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = field_as(self.fields, "assigned_to", forms.ModelChoiceField)
        field.required = True
        field.empty_label = _("— Select —")
        field.error_messages["required"] = _("Choose who works on the referral.")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for declining.")},
    )


class CompleteForm(forms.Form):
    outcome = _required_choice(
        _("Outcome"), ReferralOutcome.choices, _("Choose the outcome of the referral.")
    )
    outcome_note = forms.CharField(
        label=_("Outcome details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(
        label=_("Attachment (photo or PDF, up to 20 MB)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementScope, AgreementStatus, Party, Scope
from agreements.services import AGREEMENT_FIELDS, PARTY_FIELDS, SCOPE_FIELDS
from portal.accounts.models import Agency
from portal.core.categories import ReportCategory
from portal.core.forms import DateInput, ServiceModelForm, field_as, label_options


class AgreementForm(ServiceModelForm):
    class Meta:
        model = Agreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "signed_on": DateInput(),
            "effective_from": DateInput(),
            "effective_until": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("effective_from"), cleaned.get("effective_until")
        if start and end and end < start:
            self.add_error("effective_until", _("The end date cannot be before the start date."))
        return cleaned


class TerminateForm(forms.Form):
    terminated_on = forms.DateField(label=_("Terminated on"), widget=DateInput())
    termination_reason = forms.CharField(
        label=_("Reason for termination"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PartyForm(ServiceModelForm):
    class Meta:
        model = Party
        fields = ["agency", *PARTY_FIELDS]

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = agreement.parties.exclude(pk=self.instance.pk).values_list("agency_id", flat=True)
        field_as(self.fields, "agency", forms.ModelChoiceField).queryset = Agency.objects.exclude(
            pk__in=taken
        ).order_by("name")
        self.fields["agency"].widget.attrs["data-searchable"] = "true"
        if self.instance.pk:
            self.fields["agency"].disabled = True


class AgreementScopeForm(forms.Form):
    scope = forms.ModelChoiceField(label=_("Scope"), queryset=Scope.objects.none())
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties bound by this scope"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when the scope binds every party."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Report categories that may be exchanged"),
        choices=ReportCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for scopes that allow data exchange."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        agreement: Agreement,
        instance: AgreementScope | None = None,
        **kw: Any,
    ) -> None:
        if instance is not None:
            kw.setdefault(
                "initial",
                {
                    "scope": instance.scope_id,
                    "parties": list(instance.parties.values_list("pk", flat=True)),
                    "categories": instance.categories,
                    "notes": instance.notes,
                },
            )
        super().__init__(*args, **kw)
        others = agreement.scopes.all()
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        used = others.values_list("scope_id", flat=True)
        scope = field_as(self.fields, "scope", forms.ModelChoiceField)
        scope.queryset = Scope.objects.filter(is_active=True).exclude(pk__in=used)
        parties = field_as(self.fields, "parties", forms.ModelMultipleChoiceField)
        parties.queryset = agreement.parties.select_related("agency")
        label_options(parties, lambda party: party.agency.name)
        if instance is not None:
            scope.queryset = Scope.objects.filter(pk=instance.scope_id)
            scope.disabled = True


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Signed document (PDF, at most 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ScopeForm(ServiceModelForm):
    class Meta:
        model = Scope
        fields = SCOPE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AgreementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *AgreementStatus.choices],
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=Agency.objects.none(), empty_label=_("All")
    )
    scope = forms.ModelChoiceField(
        label=_("Scope"), required=False, queryset=Scope.objects.all(), empty_label=_("All")
    )

    def __init__(self, *args: Any, partners: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_as(self.fields, "partner", forms.ModelChoiceField).queryset = partners


class PartnerMapForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.order_by("name"))
    on = forms.DateField(label=_("On"), required=False, widget=DateInput())

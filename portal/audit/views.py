from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.audit.details import describe
from portal.audit.models import AuditEntry
from portal.audit.selectors import AuditFilters, audit_list
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEntry.Action.choices],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    if form.is_valid():
        filters = AuditFilters(**{**form.cleaned_data, "q": form.cleaned_data["q"].strip()})
    page = paginate(request, audit_list(user=request.user, filters=filters))
    page.object_list = describe(page.object_list)
    return render(request, "audit/audit_list.html", {"filter_form": form, "page": page})

"""Agreement pages: parse, check access, call a service, respond."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agreements import selectors, services, sharing_policy
from agreements.forms import (
    AgreementFilterForm,
    AgreementForm,
    AgreementScopeForm,
    DocumentForm,
    PartnerMapForm,
    PartyForm,
    ScopeForm,
    TerminateForm,
)
from agreements.models import Agreement, AgreementDocument, Party, Scope
from portal import access
from portal.audit.details import describe
from portal.core.confirm import confirmation
from portal.core.forms import add_service_error, flash_errors
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate
from portal.core.uploads import guarded_file_response


def _require(request: AuthenticatedHttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- Agreements ----------------------------------------------------------------------------


@login_required
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AgreementFilterForm(
        request.GET or None, partners=selectors.partner_agencies_in_agreements(request.user)
    )
    filters = selectors.AgreementFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.AgreementFilters(
            q=data["q"].strip(),
            status=data["status"],
            partner_id=data["partner"].pk if data["partner"] else None,
            scope_id=data["scope"].pk if data["scope"] else None,
        )
    agreements = selectors.agreement_list(user=request.user, filters=filters)
    return render(
        request,
        "agreements/agreement_list.html",
        {"filter_form": form, "page": paginate(request, agreements)},
    )


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_detail(agreement=selectors.get_agreement_for(request.user, pk))
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "in_force_today": agreement.is_in_force_on(timezone.localdate()),
            "timeline": describe(selectors.agreement_timeline(agreement=agreement)[:50]),
            "can_manage": request.user.has_perm("agreements.manage_agreements"),
            "terminate_form": TerminateForm(initial={"terminated_on": timezone.localdate()}),
            "document_form": DocumentForm(),
        },
    )


@login_required
def agreement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Draft saved. Add the parties and scopes, then activate it.")
            )
            return redirect(agreement)
    return render(request, "agreements/agreement_form.html", {"form": form, "creating": True})


@login_required
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    agreement = selectors.get_agreement_for(request.user, pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=request.user, agreement=agreement, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "agreement": agreement, "creating": False},
    )


@login_required
@require_POST
def agreement_activate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    agreement = selectors.get_agreement_for(request.user, pk)
    asked = confirmation(
        request,
        question=_("Activate the agreement “%(title)s”?") % {"title": agreement.title},
        button=_("Activate"),
        cancel_url=agreement.get_absolute_url(),
    )
    if asked:
        return asked
    try:
        services.agreement_activate(actor=request.user, agreement=agreement, request=request)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The agreement is active."))
    return redirect(agreement)


@login_required
@require_POST
def agreement_terminate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    agreement = selectors.get_agreement_for(request.user, pk)
    form = TerminateForm(request.POST)
    if form.is_valid():
        asked = confirmation(
            request,
            question=_("Terminate the agreement “%(title)s”?") % {"title": agreement.title},
            button=_("Terminate"),
            cancel_url=agreement.get_absolute_url(),
            form=form,
        )
        if asked:
            return asked
        try:
            services.agreement_terminate(
                actor=request.user,
                agreement=agreement,
                terminated_on=form.cleaned_data["terminated_on"],
                reason=form.cleaned_data["termination_reason"],
                request=request,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The agreement is terminated."))
            return redirect(agreement)
    return render(request, "agreements/terminate_form.html", {"form": form, "agreement": agreement})


# --- Parties -------------------------------------------------------------------------------


def _party_for(
    request: AuthenticatedHttpRequest, pk: int, party_pk: int
) -> tuple[Agreement, Party]:
    agreement = selectors.get_agreement_for(request.user, pk)
    party = access.get_for(request.user, agreement.parties.select_related("agency"), party_pk)
    return agreement, party


@login_required
def party_form(
    request: AuthenticatedHttpRequest, pk: int, party_pk: int | None = None
) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    if party_pk is None:
        agreement, party = selectors.get_agreement_for(request.user, pk), None
    else:
        agreement, party = _party_for(request, pk, party_pk)
    form = PartyForm(request.POST or None, instance=party, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = data.pop("agency")
        try:
            if party is None:
                party = services.party_add(
                    actor=request.user, agreement=agreement, agency=agency, request=request, **data
                )
                done = _("%(agency)s added as a party.")
            else:
                party = services.party_update(
                    actor=request.user, party=party, request=request, **data
                )
                done = _("Party %(agency)s saved.")
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done % {"agency": party.agency.short_name})
            return redirect(f"{agreement.get_absolute_url()}#party-{party.pk}")
    return render(
        request,
        "agreements/party_form.html",
        {"form": form, "agreement": agreement, "party": party},
    )


@login_required
@require_POST
def party_remove(request: AuthenticatedHttpRequest, pk: int, party_pk: int) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    agreement, party = _party_for(request, pk, party_pk)
    asked = confirmation(
        request,
        question=_("Remove %(agency)s from the agreement?") % {"agency": party.agency.name},
        button=_("Remove"),
        cancel_url=agreement.get_absolute_url(),
    )
    if asked:
        return asked
    try:
        services.party_remove(actor=request.user, party=party, request=request)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request, _("%(agency)s removed from the agreement.") % {"agency": party.agency.name}
        )
    return redirect(agreement)


# --- Scopes of an agreement ----------------------------------------------------------------


@login_required
def agreement_scope_form(
    request: AuthenticatedHttpRequest, pk: int, scope_pk: int | None = None
) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    agreement = selectors.get_agreement_for(request.user, pk)
    instance = None
    if scope_pk is not None:
        instance = access.get_for(request.user, agreement.scopes.select_related("scope"), scope_pk)
    form = AgreementScopeForm(request.POST or None, agreement=agreement, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if instance is None:
                instance = services.agreement_scope_add(
                    actor=request.user,
                    agreement=agreement,
                    scope=data["scope"],
                    parties=list(data["parties"]),
                    categories=data["categories"],
                    notes=data["notes"],
                    request=request,
                )
                done = _("Scope “%(scope)s” added to the agreement.")
            else:
                instance = services.agreement_scope_update(
                    actor=request.user,
                    agreement_scope=instance,
                    parties=list(data["parties"]),
                    categories=data["categories"],
                    notes=data["notes"],
                    request=request,
                )
                done = _("Scope “%(scope)s” saved.")
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done % {"scope": instance.scope.name})
            return redirect(f"{agreement.get_absolute_url()}#agreement-scope-{instance.pk}")
    return render(
        request,
        "agreements/agreement_scope_form.html",
        {"form": form, "agreement": agreement, "agreement_scope": instance},
    )


@login_required
@require_POST
def agreement_scope_remove(
    request: AuthenticatedHttpRequest, pk: int, scope_pk: int
) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    agreement = selectors.get_agreement_for(request.user, pk)
    instance = access.get_for(request.user, agreement.scopes.select_related("scope"), scope_pk)
    asked = confirmation(
        request,
        question=_("Remove the scope “%(scope)s” from the agreement?")
        % {"scope": instance.scope.name},
        button=_("Remove"),
        cancel_url=agreement.get_absolute_url(),
    )
    if asked:
        return asked
    try:
        services.agreement_scope_remove(
            actor=request.user, agreement_scope=instance, request=request
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Scope “%(scope)s” removed from the agreement.") % {"scope": instance.scope.name},
        )
    return redirect(agreement)


# --- Documents -----------------------------------------------------------------------------


@login_required
@require_POST
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, "agreements.manage_agreements")
    agreement = selectors.get_agreement_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_upload(
                actor=request.user,
                agreement=agreement,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                request=request,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request, _("Document “%(title)s” uploaded.") % {"title": document.title}
            )
            return redirect(f"{agreement.get_absolute_url()}#document-{document.pk}")
    else:
        flash_errors(request, form)
    return redirect(agreement)


@never_cache
@login_required
def document_download(request: AuthenticatedHttpRequest, document_pk: int) -> FileResponse:
    """The signed copy, for those who may see the agreement; each download is audited."""
    document = (
        AgreementDocument.objects.select_related("agreement")
        .filter(
            pk=document_pk,
            agreement__in=selectors.visible_agreements(request.user),
        )
        .first()
    )
    if document is None:
        raise Http404
    return guarded_file_response(
        request,
        document.file,
        filename=document.original_name,
        content_type="application/pdf",
        audit=partial(services.document_download_record, document=document),
    )


# --- Partner map ---------------------------------------------------------------------------


@login_required
def partner_map(request: AuthenticatedHttpRequest) -> HttpResponse:
    """With whom an agency may exchange data today (or on a chosen day), and why. Officers
    see their own agency; system admins may look at any."""
    agency = request.user.agency
    day = timezone.localdate()
    form = None
    if access.is_system_admin(request.user):
        form = PartnerMapForm(request.GET or None, initial={"agency": agency, "on": day})
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            day = form.cleaned_data["on"] or day
    return render(
        request,
        "agreements/partner_map.html",
        {
            "agency": agency,
            "day": day,
            "form": form,
            "partners": sharing_policy.partner_map(agency=agency, on=day),
        },
    )


# --- The scope vocabulary ------------------------------------------------------------------


@login_required
def scope_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "agreements.manage_scopes")
    return render(request, "agreements/scope_list.html", {"scopes": selectors.scope_list()})


@login_required
def scope_form(request: AuthenticatedHttpRequest, scope_pk: int | None = None) -> HttpResponse:
    _require(request, "agreements.manage_scopes")
    scope = None
    if scope_pk is not None:
        scope = access.get_for(request.user, Scope.objects.all(), scope_pk)
    form = ScopeForm(request.POST or None, instance=scope)
    if request.method == "POST" and form.is_valid():
        try:
            if scope is None:
                services.scope_create(actor=request.user, request=request, **form.cleaned_data)
            else:
                services.scope_update(
                    actor=request.user, scope=scope, request=request, **form.cleaned_data
                )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Scope saved."))
            return redirect("agreements:scope_list")
    return render(request, "agreements/scope_form.html", {"form": form, "scope": scope})

"""Pages for agencies and accounts: parse, check access, call a service, respond."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import access
from portal.accounts import selectors, services
from portal.accounts.forms import (
    AgencyFilterForm,
    AgencyForm,
    AgencySettingsForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
)
from portal.accounts.models import User
from portal.audit.selectors import audit_list_for_target
from portal.core.confirm import confirmation
from portal.core.forms import add_service_error, flash_errors
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate


def _require(request: AuthenticatedHttpRequest, perm: str, obj: Model | None = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# --- Users ---------------------------------------------------------------------------------


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "accounts.list_users")
    form = UserFilterForm(request.GET or None, actor=request.user)
    filters = selectors.UserFilters()
    if form.is_valid():
        active = form.cleaned_data["active"]
        agency = form.cleaned_data.get("agency")
        filters = selectors.UserFilters(
            q=form.cleaned_data["q"].strip(),
            role=form.cleaned_data["role"],
            agency_id=agency.pk if agency else None,
            active=None if active == "" else active == "1",
        )
    users = selectors.user_list(user=request.user, filters=filters)
    return render(
        request,
        "accounts/user_list.html",
        {"filter_form": form, "page": paginate(request, users)},
    )


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "accounts.add_user")
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        send_link = data.pop("send_link")
        try:
            user = services.user_create(actor=request.user, request=request, **data)
            if send_link:
                services.user_send_password_link(actor=request.user, user=user, request=request)
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            if send_link:
                messages.success(
                    request,
                    _("Account %(name)s created; a link to set a password went to %(email)s.")
                    % {"name": user, "email": user.email},
                )
            else:
                messages.success(request, _("Account %(name)s created.") % {"name": user})
            return redirect(user)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = access.get_user_for(request.user, pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "has_totp": Authenticator.objects.filter(
                user=target, type=Authenticator.Type.TOTP
            ).exists(),
            "events": audit_list_for_target(user=request.user, target=target)[:20],
            "can_change": request.user.has_perm("accounts.change_user", target),
        },
    )


@login_required
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = access.get_user_for(request.user, pk)
    _require(request, "accounts.change_user", target)
    initial = {name: getattr(target, name) for name in services.USER_FIELDS}
    form = UserForm(request.POST or None, initial=initial, actor=request.user)
    if target.pk == request.user.pk:
        form.fields["role"].disabled = True
        form.fields["agency"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                actor=request.user, user=target, request=request, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(target)
    return render(
        request, "accounts/user_form.html", {"form": form, "target": target, "creating": False}
    )


def _user_action(
    request: AuthenticatedHttpRequest,
    pk: int,
    action: Callable[[User], object],
    success: str,
    *,
    question: str = "",
    button: str = "",
    note: str | None = None,
) -> HttpResponse:
    """Do `action` to a user the actor manages; with a `question` (%(name)s: the user's
    name), only once the actor has confirmed it (portal/core/confirm.py)."""
    target = access.get_user_for(request.user, pk)
    if question:
        _require(request, "accounts.change_user", target)
        asked = confirmation(
            request,
            question=question % {"name": target.full_name},
            button=button,
            cancel_url=target.get_absolute_url(),
            note=note,
        )
        if asked:
            return asked
    try:
        action(target)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, success)
    return redirect(target)


@login_required
@require_POST
def user_set_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    return _user_action(
        request,
        pk,
        lambda target: services.user_set_active(
            actor=request.user, user=target, active=active, request=request
        ),
        _("Account reactivated.") if active else _("Account deactivated."),
        question="" if active else _("Deactivate the account of %(name)s?"),
        button=_("Deactivate"),
        note=_("The user can no longer sign in; their records stay. You can reactivate it."),
    )


@login_required
@require_POST
def user_send_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request,
        pk,
        lambda target: services.user_send_password_link(
            actor=request.user, user=target, request=request
        ),
        _("A link to set a new password has been e-mailed."),
    )


@login_required
@require_POST
def user_mfa_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _user_action(
        request,
        pk,
        lambda target: services.user_mfa_reset(actor=request.user, user=target, request=request),
        _("Two-factor authentication reset; the user must set it up again at next sign-in."),
        question=_("Reset the two-factor authentication of %(name)s?"),
        button=_("Reset two-factor authentication"),
    )


# --- Agencies ------------------------------------------------------------------------------


@login_required
def agency_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AgencyFilterForm(request.GET or None)
    filters = selectors.AgencyFilters()
    if form.is_valid():
        filters = selectors.AgencyFilters(
            q=form.cleaned_data["q"].strip(), kind=form.cleaned_data["kind"]
        )
    agencies = selectors.agency_list(filters=filters)
    return render(
        request,
        "accounts/agency_list.html",
        {"filter_form": form, "page": paginate(request, agencies)},
    )


@login_required
def agency_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(pk=pk)
    if agency is None:
        raise Http404
    return render(
        request,
        "accounts/agency_detail.html",
        {
            "agency": agency,
            "offices": selectors.agency_offices(agency=agency),
            "can_change": request.user.has_perm("accounts.change_agency"),
            "can_change_settings": request.user.has_perm("accounts.change_agency_settings", agency),
            "can_list_users": request.user.has_perm("accounts.list_agency_users", agency),
            "role_counts": selectors.agency_role_counts(agency=agency),
        },
    )


@login_required
def agency_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, "accounts.add_agency")
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            agency = services.agency_create(actor=request.user, request=request, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Agency %(name)s created.") % {"name": agency})
            return redirect(agency)
    return render(request, "accounts/agency_form.html", {"form": form, "creating": True})


@login_required
def agency_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require(request, "accounts.change_agency")
    agency = access.get_for(request.user, access.manageable_agencies, pk)
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(
                actor=request.user, agency=agency, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(agency)
    return render(
        request, "accounts/agency_form.html", {"form": form, "agency": agency, "creating": False}
    )


@login_required
def agency_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(pk=pk)
    if agency is None:
        raise Http404
    if not request.user.has_perm("accounts.change_agency_settings", agency):
        raise PermissionDenied
    initial = {name: getattr(agency, name) for name in services.AGENCY_SETTINGS_FIELDS}
    form = AgencySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_settings_update(
                actor=request.user, agency=agency, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(agency)
    return render(request, "accounts/agency_settings.html", {"form": form, "agency": agency})

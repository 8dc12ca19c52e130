"""Desa Binaan and activity pages: parse, check access, call a service, respond."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agreements.selectors import get_agreement_for
from portal import access
from portal.core.confirm import confirmation
from portal.core.fields import mask
from portal.core.forms import add_service_error, flash_errors
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate
from portal.core.uploads import guarded_file_response
from villages import permissions, selectors, services
from villages.forms import (
    ActivityFileForm,
    ActivityFilterForm,
    ActivityForm,
    FigureForm,
    ImplementationPeriodForm,
    PartnerForm,
    VillageDesignateForm,
    VillageEditForm,
    VillageFilterForm,
)
from villages.models import Activity, ActivityFile, DesaBinaan

# --- Desa Binaan ---------------------------------------------------------------------------


@login_required
def village_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = VillageFilterForm(request.GET or None, user=request.user)
    filters = form.to_filters()
    return render(
        request,
        "villages/village_list.html",
        {
            "filter_form": form,
            "page": paginate(request, selectors.village_list(user=request.user, filters=filters)),
            "can_designate": permissions.may_designate_villages(request.user),
        },
    )


def _figures_chart(desa: DesaBinaan) -> dict[str, Any]:
    figures = list(desa.figures.all())
    return {
        "labels": [f.year for f in figures],
        "procedural": [f.procedural_abroad for f in figures],
        "nonprocedural": [f.nonprocedural_departures for f in figures],
        "returnees": [f.returnees for f in figures],
        "names": {
            "procedural": _("Working abroad procedurally"),
            "nonprocedural": _("Non-procedural departures"),
            "returnees": _("Returnees"),
        },
    }


def _render_profile(
    request: AuthenticatedHttpRequest, desa: DesaBinaan, revealed: dict[str, str] | None = None
) -> HttpResponse:
    desa = selectors.village_profile(desa=desa)
    revealed = revealed or {}
    contacts = {
        field: revealed.get(field) or mask(getattr(desa, field))
        for field in services.PERSONAL_FIELDS
    }
    activities = selectors.activity_list(
        user=request.user, filters=selectors.ActivityFilters(village_id=desa.pk)
    )[:20]
    return render(
        request,
        "villages/village_detail.html",
        {
            "desa": desa,
            "contacts": contacts,
            "revealed": revealed,
            "can_edit": permissions.can_edit_village(request.user, desa),
            "chart": _figures_chart(desa),
            "activities": activities,
            "figure_form": FigureForm(),
        },
    )


@login_required
def village_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_profile(request, selectors.get_village_for(request.user, pk))


@login_required
@require_POST
def village_reveal(request: AuthenticatedHttpRequest, pk: int, field: str) -> HttpResponse:
    """Show one personal field in full; every reveal is written to the audit log."""
    desa = selectors.get_village_for(request.user, pk)
    if field not in services.PERSONAL_FIELDS:
        raise Http404
    value = services.village_reveal(actor=request.user, desa=desa, field=field, request=request)
    if request.htmx:
        return render(request, "villages/_revealed.html", {"value": value})
    return _render_profile(request, desa, revealed={field: value})


@login_required
def village_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.may_designate_villages(request.user):
        raise PermissionDenied
    form = VillageDesignateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            desa = services.village_designate(actor=request.user, request=request, **data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s is now a Desa Binaan.") % {"name": desa})
            return redirect(desa)
    return render(request, "villages/village_form.html", {"form": form, "creating": True})


@login_required
def village_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    desa = selectors.get_village_for(request.user, pk)
    if not permissions.can_edit_village(request.user, desa):
        raise PermissionDenied
    initial = {name: getattr(desa, name) for name in services.VILLAGE_FIELDS}
    initial["liaison_officers"] = list(desa.liaison_officers.values_list("pk", flat=True))
    form = VillageEditForm(request.POST or None, initial=initial, desa=desa)
    if request.method == "POST" and form.is_valid():
        try:
            services.village_update(
                actor=request.user, desa=desa, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(desa)
    return render(
        request, "villages/village_form.html", {"form": form, "desa": desa, "creating": False}
    )


@login_required
@require_POST
def village_figures(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    desa = selectors.get_village_for(request.user, pk)
    if not permissions.can_edit_village(request.user, desa):
        raise PermissionDenied
    form = FigureForm(request.POST)
    if form.is_valid():
        try:
            services.village_figures_save(
                actor=request.user, desa=desa, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            year = form.cleaned_data["year"]
            messages.success(request, _("Figures of %(year)s saved.") % {"year": year})
            return redirect(f"{desa.get_absolute_url()}#figures-{year}")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                # The stubs type an ErrorList's items as ValidationError | str; it yields messages.
                messages.error(request, f"{label}: {error}" if label else error)  # type: ignore[arg-type]
    return redirect(desa)


@login_required
def village_partner_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    desa = selectors.get_village_for(request.user, pk)
    if not permissions.can_edit_village(request.user, desa):
        raise PermissionDenied
    form = PartnerForm(request.POST or None, actor=request.user, desa=desa)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.village_partner_add(
                actor=request.user, desa=desa, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("%(agency)s added as a partner.") % {"agency": partner.agency.name}
            )
            return redirect(f"{desa.get_absolute_url()}#partner-{partner.pk}")
    return render(request, "villages/partner_form.html", {"form": form, "desa": desa})


@login_required
@require_POST
def village_partner_remove(
    request: AuthenticatedHttpRequest, pk: int, partner_pk: int
) -> HttpResponse:
    desa = selectors.get_village_for(request.user, pk)
    partner = access.get_for(request.user, desa.partners.select_related("agency"), partner_pk)
    if not permissions.can_edit_village(request.user, desa):
        raise PermissionDenied
    asked = confirmation(
        request,
        question=_("Remove %(agency)s as a partner of %(village)s?")
        % {"agency": partner.agency.name, "village": desa},
        button=_("Remove"),
        cancel_url=desa.get_absolute_url(),
    )
    if asked:
        return asked
    services.village_partner_remove(actor=request.user, partner=partner, request=request)
    messages.success(
        request, _("%(agency)s is no longer a partner.") % {"agency": partner.agency.name}
    )
    return redirect(desa)


# --- Activities ----------------------------------------------------------------------------


@login_required
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None)
    filters = form.to_filters()
    page = paginate(request, selectors.activity_list(user=request.user, filters=filters))
    return render(request, "villages/activity_list.html", {"filter_form": form, "page": page})


@login_required
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(activity=selectors.get_activity_for(request.user, pk))
    return render(
        request,
        "villages/activity_detail.html",
        {
            "activity": activity,
            "can_edit": permissions.can_edit_activity(request.user, activity),
            "file_form": ActivityFileForm(),
        },
    )


def _activity_initial_from_link(request: AuthenticatedHttpRequest) -> dict[str, list[int]] | None:
    """'Record an activity' on a Desa Binaan links here with ?village=<id>: that village is
    chosen already, if the user may name it on an activity (the villages the form offers);
    any other id is ignored."""
    raw = request.GET.get("village", "")
    if not raw.isdigit() or len(raw) > 9:  # not an id the database could hold
        return None
    found = selectors.visible_villages(request.user).filter(pk=int(raw))
    desa_id = found.values_list("pk", flat=True).first()
    return {"villages": [desa_id]} if desa_id is not None else None


def _activity_form_view(
    request: AuthenticatedHttpRequest, activity: Activity | None = None
) -> HttpResponse:
    initial = None
    if activity is not None:
        initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
        initial.update(
            organiser=activity.organiser_id,
            co_organisers=list(activity.co_organisers.values_list("pk", flat=True)),
            villages=list(activity.villages.values_list("pk", flat=True)),
        )
    if activity is None:
        initial = _activity_initial_from_link(request)
    form = ActivityForm(request.POST or None, initial=initial, actor=request.user)
    if activity is not None:
        form.fields["organiser"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organiser = data.pop("organiser")
        co_organisers = list(data.pop("co_organisers"))
        villages = list(data.pop("villages"))
        try:
            if activity is None:
                activity = services.activity_create(
                    actor=request.user,
                    organiser=organiser,
                    co_organisers=co_organisers,
                    villages=villages,
                    request=request,
                    **data,
                )
            else:
                services.activity_update(
                    actor=request.user,
                    activity=activity,
                    co_organisers=co_organisers,
                    villages=villages,
                    request=request,
                    **data,
                )
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            return redirect(activity)
    return render(request, "villages/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _activity_form_view(request)


@login_required
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_edit_activity(request.user, activity):
        raise PermissionDenied
    return _activity_form_view(request, activity)


@login_required
@require_POST
def activity_file_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_edit_activity(request.user, activity):
        raise PermissionDenied
    form = ActivityFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.activity_file_upload(
                actor=request.user,
                activity=activity,
                request=request,
                **{
                    "upload": form.cleaned_data["file"],
                    "kind": form.cleaned_data["kind"],
                    "title": form.cleaned_data["title"],
                },
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request, _("File “%(name)s” uploaded.") % {"name": item.title or item.original_name}
            )
            return redirect(f"{activity.get_absolute_url()}#file-{item.pk}")
    else:
        flash_errors(request, form)
    return redirect(activity)


@never_cache
@login_required
def activity_file(request: AuthenticatedHttpRequest, file_pk: int) -> FileResponse:
    """A photo or material, for those who may see the activity. Photos may be shown inline
    (JPEG/PNG/WebP only, never SVG or HTML); everything else downloads as an attachment."""
    item = (
        ActivityFile.objects.select_related("activity")
        .filter(pk=file_pk, activity__in=selectors.visible_activities(request.user))
        .first()
    )
    if item is None:
        raise Http404
    inline = request.GET.get("inline") == "1" and item.is_image
    return guarded_file_response(
        request,
        item.file,
        filename=item.original_name,
        content_type=item.content_type,
        inline=inline,
        audit=None if inline else partial(services.activity_file_download_record, item=item),
    )


# --- Agreement implementation --------------------------------------------------------------


@login_required
def agreement_implementation(request: AuthenticatedHttpRequest, agreement_pk: int) -> HttpResponse:
    """Realisasi PKS: activities per scope and quarter, and per party, for one agreement in a
    period (`?from=…&to=…`, the current year by default). Loaded into the agreement's page, or
    opened on its own. The exchanges of data under the agreement come from the referrals app
    (a panel it serves, loaded into this page), as does the PDF of the whole summary."""
    agreement = get_agreement_for(request.user, agreement_pk)
    form = ImplementationPeriodForm(request.GET or None)
    period = form.period()
    report = None
    if period is not None:
        report = selectors.agreement_implementation(
            agreement=agreement, date_from=period[0], date_to=period[1]
        )
    template = "villages/_implementation.html" if request.htmx else "villages/implementation.html"
    return render(
        request,
        template,
        {
            "agreement": agreement,
            "report": report,
            "period_form": form,
            "period": period,
            "period_query": urlencode({"from": period[0], "to": period[1]}) if period else "",
        },
    )

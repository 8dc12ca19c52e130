"""Pages of the exchange between agencies: sharing a report, the list of reports shared with
my agency, referrals (send, accept or decline, assign, work on, complete, comment)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.core.confirm import confirmation
from portal.core.forms import add_service_error, flash_errors
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate
from portal.core.uploads import guarded_file_response
from referrals import permissions, selectors, services
from referrals.forms import (
    AcceptForm,
    AssignForm,
    CommentForm,
    CompleteForm,
    DeclineForm,
    ReferralForm,
    ReportFilterForm,
    ShareForm,
)
from referrals.models import Referral, ReferralAttachment, Share
from referrals.view_helpers import paginate_reports, require_case_files


@login_required
def shared_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Reports other agencies shared with mine: the same filters and search as our own."""
    require_case_files(request)
    form = ReportFilterForm(request.GET or None, user=request.user)
    filters = form.to_filters()
    page = paginate_reports(
        request,
        selectors.list_rows(selectors.report_list(user=request.user, filters=filters, shared=True)),
        filters,
    )
    return render(request, "referrals/shared_list.html", {"filter_form": form, "page": page})


@login_required
@require_POST
def report_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not permissions.may_share_report(request.user, report):
        raise PermissionDenied
    form = ShareForm(request.POST, options=services.share_options(report=report))
    if form.is_valid():
        try:
            shares = services.report_share(
                actor=request.user,
                report=report,
                agencies=list(form.cleaned_data["agencies"]),
                note=form.cleaned_data["note"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            flash_errors(request, exc)
        else:
            names = ", ".join(s.agency.short_name for s in shares)
            if any(s.status == Share.Status.PENDING for s in shares):
                messages.info(
                    request,
                    _("Sharing with %(agencies)s waits for a supervisor's approval.")
                    % {"agencies": names},
                )
            else:
                messages.success(
                    request,
                    _("Report shared with %(agencies)s; they are being notified.")
                    % {"agencies": names},
                )
            if shares:
                return redirect(f"{report.get_absolute_url()}#share-{shares[0].pk}")
    else:
        flash_errors(request, form)
    return redirect(report)


@login_required
@require_POST
def share_decide(request: AuthenticatedHttpRequest, share_pk: int) -> HttpResponse:
    share = (
        Share.objects.filter(pk=share_pk, report__in=selectors.own_reports(request.user))
        .select_related("report", "agency")
        .first()
    )
    if share is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        services.share_decide(actor=request.user, share=share, approve=approve, request=request)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        names = {"agency": share.agency.short_name}
        if approve:
            messages.success(request, _("Report shared with %(agency)s.") % names)
        else:
            messages.success(request, _("Report not shared with %(agency)s.") % names)
        return redirect(f"{share.report.get_absolute_url()}#share-{share.pk}")
    return redirect(share.report)


# --- Referrals -----------------------------------------------------------------------------


@login_required
def referral_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not permissions.may_share_report(request.user, report):
        raise PermissionDenied
    targets = set(services.entitled_partners(report=report))
    initial = {"to_agency": request.GET.get("to")} if request.GET.get("to") else None
    form = ReferralForm(request.POST or None, initial=initial, agency_ids=targets)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_send(
                actor=request.user, report=report, request=request, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Referral sent to %(agency)s, due on %(due)s.")
                % {
                    "agency": referral.to_agency.short_name,
                    "due": date_format(referral.due_on, "j F Y"),
                },
            )
            return redirect(referral)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "report": report, "has_targets": bool(targets)},
    )


@login_required
def referral_queue(request: AuthenticatedHttpRequest, direction: str) -> HttpResponse:
    """Incoming or outgoing referrals of the user's agencies: urgent first, then by due date,
    overdue ones marked. `?all=1` includes the closed ones."""
    if direction not in ("incoming", "outgoing"):
        raise Http404
    require_case_files(request)
    open_only = request.GET.get("all") != "1"
    qs = selectors.referral_queue(
        user=request.user, incoming=direction == "incoming", open_only=open_only
    )
    return render(
        request,
        "referrals/referral_queue.html",
        {
            "page": paginate(request, qs),
            "direction": direction,
            "open_only": open_only,
            "today": timezone.localdate(),
        },
    )


def _render_referral(
    request: AuthenticatedHttpRequest, referral: Referral, **forms: Form
) -> HttpResponse:
    user = request.user
    referral = selectors.referral_detail(referral=referral)
    side = permissions.referral_side(user, referral)
    context = {
        "referral": referral,
        "side": side,
        "can_decide": permissions.can_decide_referral(user, referral),
        "can_work": permissions.can_work_on_referral(user, referral),
        "open_attachments": selectors.openable_attachments(user, referral),
        "accept_form": forms.get("accept_form") or AcceptForm(agency=referral.to_agency),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assigned_to": referral.assigned_to_id}, agency=referral.to_agency),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "today": timezone.localdate(),
    }
    return render(request, "referrals/referral_detail.html", context)


@login_required
def referral_detail(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    return _render_referral(request, selectors.get_referral_for(request.user, referral_pk))


# Irreversible steps: who may take them (asked before the confirmation question, so that
# someone refused is not asked first) and the question.
_CONFIRMED_STEPS = {
    "decline": (permissions.can_decide_referral, _lazy("Decline this referral?")),
    "complete": (permissions.can_work_on_referral, _lazy("Complete this referral?")),
}


@login_required
@require_POST
def referral_step(request: AuthenticatedHttpRequest, referral_pk: int, step: str) -> HttpResponse:
    """accept, decline, assign, start, complete or comment: one form each on the page."""
    referral = selectors.get_referral_for(request.user, referral_pk)
    user = request.user
    # step: (its form, the form's arguments, the service)
    handlers: dict[str, tuple[type[Form] | None, dict[str, Any], Callable[..., object]]] = {
        "accept": (AcceptForm, {"agency": referral.to_agency}, services.referral_accept),
        "assign": (AssignForm, {"agency": referral.to_agency}, services.referral_assign),
        "decline": (DeclineForm, {}, services.referral_decline),
        "start": (None, {}, services.referral_start),
        "complete": (CompleteForm, {}, services.referral_complete),
        "comment": (CommentForm, {}, services.referral_comment),
    }
    if step not in handlers:
        raise Http404
    form_class, form_kwargs, service = handlers[step]
    form = form_class(request.POST, request.FILES, **form_kwargs) if form_class else None
    if form is not None and not form.is_valid():
        return _render_referral(request, referral, **{_form_name(step): form})
    if step in _CONFIRMED_STEPS:
        allowed, question = _CONFIRMED_STEPS[step]
        if not allowed(user, referral):
            raise PermissionDenied
        asked = confirmation(
            request,
            question=str(question),
            button=str(_STEP_BUTTONS[step]),
            cancel_url=referral.get_absolute_url(),
            form=form,
        )
        if asked:
            return asked
    data = dict(form.cleaned_data) if form is not None else {}
    if step == "comment":
        data["upload"] = data.pop("file", None)
    try:
        result = service(actor=user, referral=referral, request=request, **data)
    except ValidationError as exc:
        if form is None:
            flash_errors(request, exc)
            return redirect(referral)
        add_service_error(form, exc)
        return _render_referral(request, referral, **{_form_name(step): form})
    text, anchor = _step_done(step, referral if step == "comment" else result, result)
    messages.success(request, text)
    return redirect(f"{referral.get_absolute_url()}#{anchor}")


_STEP_BUTTONS = {
    "decline": _lazy("Decline referral"),
    "complete": _lazy("Complete referral"),
}


def _step_done(step: str, referral: Any, result: Any) -> tuple[str, str]:
    """What a step did, said in a sentence, and the id of the part of the page that shows it
    (the page opens there, highlighted)."""
    assignee = referral.assigned_to.full_name if referral.assigned_to is not None else ""
    if step == "accept":
        if assignee:
            text = _("Referral accepted and assigned to %(name)s.") % {"name": assignee}
        else:
            text = _("Referral accepted.")
        return text, "referral-status"
    if step == "assign":
        return _("Referral assigned to %(name)s.") % {"name": assignee}, "referral-assignee"
    if step == "decline":
        return _("Referral declined; %(agency)s is notified.") % {
            "agency": referral.from_agency.short_name
        }, "referral-status"
    if step == "start":
        return _("Work on the referral started."), "referral-status"
    if step == "complete":
        return _("Referral completed: %(outcome)s.") % {
            "outcome": referral.get_outcome_display()
        }, "referral-outcome"
    return _("Comment added."), f"comment-{result.pk}"


def _form_name(step: str) -> str:
    return {"assign": "assign_form", "accept": "accept_form"}.get(step, f"{step}_form")


@never_cache
@login_required
def referral_attachment(request: AuthenticatedHttpRequest, attachment_pk: int) -> FileResponse:
    item = (
        ReferralAttachment.objects.select_related("referral__report")
        .filter(pk=attachment_pk, referral__in=selectors.visible_referrals(request.user))
        .first()
    )
    if item is None:
        raise Http404
    if not permissions.may_open_attachment(request.user, item):
        raise PermissionDenied
    return guarded_file_response(
        request,
        item.file,
        filename=item.original_name,
        content_type=item.content_type,
        audit=partial(services.referral_attachment_download_record, item=item),
    )

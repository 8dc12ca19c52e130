"""Indication report pages: parse, check access, call a service, respond."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Field
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import access
from portal.accounts.models import User
from portal.audit.details import describe
from portal.audit.models import AuditEntry
from portal.core.confirm import confirmation
from portal.core.forms import add_service_error, flash_errors
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate
from portal.core.uploads import guarded_file_response
from referrals import permissions, selectors, services
from referrals.forms import (
    CloseForm,
    EvidenceForm,
    PersonFormSet,
    PreventionForm,
    ReportFilterForm,
    ReportForm,
    ShareForm,
)
from referrals.indicators import GROUP_LABELS, INDICATORS, LABEL_OF, suggest_categories
from referrals.models import Evidence, PreventionAction, Report, ReportPerson
from referrals.view_helpers import paginate_reports, require_case_files
from villages.selectors import get_village_for

PERSONS_PREFIX = "persons"
CHANGED_LABELS_ATTR = "changed_labels"  # on each entry of the timeline, for the template


# --- Lists ---------------------------------------------------------------------------------


@login_required
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My agency's reports (and, for supervisors, those of the offices below)."""
    require_case_files(request)
    form = ReportFilterForm(request.GET or None, user=request.user)
    filters = form.to_filters()
    person = None
    if request.GET.get("person", "").isdigit():
        person_id = int(request.GET["person"])
        person = (
            ReportPerson.objects.filter(
                pk=person_id, report__in=selectors.visible_reports(request.user)
            )
            .select_related("report")
            .first()
        )
        if person is None:
            raise Http404
        filters = selectors.ReportFilters(**{**filters.__dict__, "person_id": person_id})
    page = paginate_reports(
        request,
        selectors.list_rows(selectors.report_list(user=request.user, filters=filters)),
        filters,
    )
    return render(
        request,
        "referrals/report_list.html",
        {
            "filter_form": form,
            "page": page,
            "person": person,
            "can_create": permissions.can_create_report(request.user),
        },
    )


@login_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.is_supervisor(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.review_queue(user=request.user))
    pending = selectors.pending_shares(user=request.user)[:50]
    return render(request, "referrals/review_queue.html", {"page": page, "pending": pending})


# --- Create and edit -----------------------------------------------------------------------


def _person_inputs(formset: BaseFormSet) -> list[services.PersonInput]:
    inputs = []
    for form in formset.forms:
        # The fields a person's form accepted (all of them once the formset is valid; none
        # when a tampered management form stopped the formset before its forms).
        data = dict(getattr(form, "cleaned_data", None) or {})
        if not data:
            continue  # an empty extra form
        pk = data.pop("id", None)
        delete = data.pop("DELETE", False)
        if pk is None and not form.has_changed():
            continue
        inputs.append(
            services.PersonInput(
                data={k: (v if v is not None else _blank(k)) for k, v in data.items()},
                pk=pk,
                delete=delete,
                prefix=form.prefix,
            )
        )
    return inputs


def _blank(field: str) -> str | None:
    return None if field in {"birth_date", "age", "address_region"} else ""


def _place_errors(
    form: ReportForm, formset: BaseFormSet, exc: ValidationError | PermissionDenied
) -> None:
    """Put each refusal next to its field: `persons-0-nik` on the first person's form."""
    if isinstance(exc, PermissionDenied) or not hasattr(exc, "error_dict"):
        add_service_error(form, exc)
        return
    _place_messages(form, formset, exc.message_dict)


def _place_messages(
    form: forms.BaseForm,
    formset: BaseFormSet,
    errors: dict[str, list[str]],
    *,
    besides: bool = False,
) -> None:
    """Each message next to its field (`persons-0-nik`: the first person's NIK), above the form
    when no field matches. `besides`: only on fields without an error of their own, the
    form's message being the more precise (a date typed wrong, not "choose a date")."""
    by_prefix = {f.prefix: f for f in formset.forms}
    for key, messages_ in errors.items():
        prefix, _sep, name = key.rpartition("-")
        target, field = by_prefix.get(prefix), name
        if target is None or name not in target.fields:
            target, field = form, (key if key in form.fields else None)  # type: ignore[assignment]
        if besides and field is not None and field in target.errors:
            continue
        if besides and field is None and target.non_field_errors():
            continue
        for message in messages_:
            target.add_error(field, message)


def _rule_errors(
    request: AuthenticatedHttpRequest,
    form: forms.BaseForm,
    formset: BaseFormSet,
    report: Report | None,
) -> None:
    """When the form or a person's form refused some fields, ask the rules about the fields
    they accepted too, so that one submit shows every error (the service is asked again when
    everything is valid, before it saves)."""
    fields = {k: v for k, v in form.cleaned_data.items() if k in services.REPORT_FIELDS}
    errors = services.report_errors(
        actor=request.user,
        report=report,
        persons=_person_inputs(formset),
        submit="submit" in request.POST,
        correction_reason=form.cleaned_data.get("correction_reason", ""),
        **fields,
    )
    _place_messages(form, formset, errors, besides=True)


def _initial_report(report: Report) -> dict[str, Any]:
    initial = {name: getattr(report, name) for name in services.REPORT_FIELDS}
    initial["occurred_at"] = timezone.localtime(report.occurred_at)
    initial["region"] = report.region_id
    initial["desa"] = report.desa_id
    initial["destination_country"] = report.destination_country.code or ""
    return initial


def _initial_persons(report: Report) -> list[dict[str, Any]]:
    rows = []
    for p in report.persons.all():
        row = {name: getattr(p, name) for name in services.PERSON_FIELDS}
        row.update(id=p.pk, address_region=p.address_region_id, nationality=p.nationality.code)
        rows.append(row)
    return rows


def _report_form_view(
    request: AuthenticatedHttpRequest, report: Report | None = None
) -> HttpResponse:
    correcting = report is not None and not report.is_draft
    data = request.POST if request.method == "POST" else None
    form = ReportForm(
        data,
        initial=_initial_report(report) if report else {"occurred_at": timezone.localtime()},
        actor=request.user,
        correcting=correcting,
    )
    formset = PersonFormSet(
        data,
        initial=_initial_persons(report) if report else None,
        prefix=PERSONS_PREFIX,
    )
    if report is not None and data is None:
        formset.extra = 0 if report.persons.exists() else 1
    if request.method == "POST":
        submit = "submit" in request.POST
        form_valid, formset_valid = form.is_valid(), formset.is_valid()
        if not (form_valid and formset_valid):
            _rule_errors(request, form, formset, report)
        else:
            persons = _person_inputs(formset)
            try:
                if report is None:
                    report = services.report_create(
                        actor=request.user,
                        persons=persons,
                        submit=submit,
                        request=request,
                        **form.service_data(),
                    )
                else:
                    services.report_update(
                        actor=request.user,
                        report=report,
                        persons=persons,
                        submit=submit,
                        correction_reason=form.cleaned_data.get("correction_reason", ""),
                        request=request,
                        **form.service_data(),
                    )
            except (ValidationError, PermissionDenied) as exc:
                _place_errors(form, formset, exc)
            else:
                for person in persons:
                    for warning in person.warnings:
                        messages.warning(request, f"{person.data.get('full_name', '')}: {warning}")
                if submit:
                    messages.success(
                        request, _("Report %(number)s submitted.") % {"number": report.number}
                    )
                else:
                    messages.success(
                        request, _("Report %(number)s saved.") % {"number": report.number}
                    )
                return redirect(report)
        if form.errors or formset.total_error_count():
            messages.error(request, _("The report was not saved: please check the marked fields."))
    return render(
        request,
        "referrals/report_form.html",
        {
            "form": form,
            "formset": formset,
            "report": report,
            "correcting": correcting,
            "indicator_groups": _indicator_groups(form),
            "suggestion": _suggestion_from_form(form, report),
        },
    )


def _indicator_groups(form: ReportForm) -> list[dict[str, Any]]:
    """The checklist, group by group, with the boxes already ticked (from the POST or the
    saved report)."""
    if form.is_bound:
        ticked = set(form.data.getlist("indicators"))
    else:
        ticked = set(form.initial.get("indicators") or [])
    return [
        {
            "key": group,
            "label": label,
            "items": [
                {"code": code, "label": text, "checked": code in ticked}
                for code, g, text in INDICATORS
                if g == group
            ],
        }
        for group, label in GROUP_LABELS.items()
    ]


def _child_from_post(data: Mapping[str, Any], occurred: dt.datetime | None) -> bool:
    """Is a potential victim typed in the form under 18 on the day of the indication? The
    persons as typed, judged by the rule saved reports are judged by (selectors.child_victim)."""
    try:
        total = min(int(data.get(f"{PERSONS_PREFIX}-TOTAL_FORMS", 0)), 50)
    except ValueError:
        return False
    persons = []
    for i in range(total):
        key = f"{PERSONS_PREFIX}-{i}-"
        if data.get(key + "DELETE"):
            continue
        try:
            born = dt.date.fromisoformat(data.get(key + "birth_date", ""))
        except ValueError:
            born = None
        age = data.get(key + "age") or ""
        persons.append(
            ReportPerson(
                role=data.get(key + "role", ""),
                birth_date=born,
                age=int(age) if age.isdigit() else None,
            )
        )
    if occurred is not None and timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred)
    return selectors.child_victim(Report(occurred_at=occurred or timezone.now()), persons)


def _suggestion_from_form(form: ReportForm, report: Report | None) -> dict[str, Any]:
    if form.is_bound:
        ticked = form.data.getlist("indicators")
        occurred = form.cleaned_data.get("occurred_at") if hasattr(form, "cleaned_data") else None
        child = _child_from_post(form.data, occurred)
    else:
        ticked = form.initial.get("indicators") or []
        child = report is not None and selectors.child_victim(report)
    return {"suggestion": suggest_categories(ticked, child_victim=child), "child": child}


@login_required
def report_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_report(request.user):
        raise PermissionDenied
    return _report_form_view(request)


@login_required
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    return _report_form_view(request, report)


@login_required
@require_POST
def suggest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The category the ticked indicators point to (htmx, while the officer types)."""
    occurred = None
    raw = request.POST.get("occurred_at", "")
    try:
        occurred = dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        occurred = None
    child = _child_from_post(request.POST, occurred)
    suggestion = suggest_categories(request.POST.getlist("indicators"), child_victim=child)
    return render(
        request,
        "referrals/_suggestion.html",
        {"suggestion": {"suggestion": suggestion, "child": child}},
    )


# --- One report ----------------------------------------------------------------------------


def _render_detail(
    request: AuthenticatedHttpRequest, report: Report, *, loaded: bool = False, **extra: Any
) -> HttpResponse:
    if not loaded:  # the report page itself reads it with everything at once
        report = selectors.report_detail(report=report)
    user = request.user
    persons = list(report.persons.all())
    ticked = set(report.indicators)
    groups = [
        {
            "label": label,
            "items": [LABEL_OF[c] for c, g, _t in INDICATORS if g == key and c in ticked],
        }
        for key, label in GROUP_LABELS.items()
    ]
    suggestion = suggest_categories(
        report.indicators, child_victim=selectors.child_victim(report, persons)
    )
    may_reveal = permissions.may_see_identifiers(user, report)
    # A partner that may not see identifiers is not told either that a person matches one in
    # its own records (that would link the masked person to a known identity).
    matches = selectors.person_matches(user=user, report=report) if may_reveal else {}
    revealed = extra.pop("revealed", {})
    rows = [
        {
            "person": p,
            "matches": matches.get(p.pk, 0),
            "age": p.age_on(report.occurred_at.date()),
            "warnings": [
                services.NIK_WARNING_MESSAGES[c]
                for c in p.nik_warnings
                if c in services.NIK_WARNING_MESSAGES
            ],
            "ids": [
                {
                    "field": field,
                    "label": label,
                    "masked": masked,
                    "shown": revealed.get((p.pk, field), ""),
                }
                for field, label, masked in (
                    ("nik", _("NIK"), p.nik_masked),
                    ("passport_number", _("Passport"), p.passport_masked),
                    ("phone", _("Telephone"), p.phone_masked),
                )
            ],
        }
        for p in persons
    ]
    own = permissions.is_own_report(user, report)
    exchange = _exchange_context(user, report, own)
    context = {
        "report": report,
        "rows": rows,
        "own": own,
        "may_reveal": may_reveal,
        **exchange,
        "indicator_groups": [g for g in groups if g["items"]],
        "suggestion": suggestion,
        "timeline": _timeline(report),
        "can_edit": permissions.can_edit_report(user, report),
        "can_delete": permissions.can_delete_report(user, report),
        "can_review": permissions.can_review_report(user, report),
        "can_submit": report.is_draft and report.created_by_id == user.pk,
        "can_prevent": bool(persons) and permissions.can_record_prevention(user, report),
        "evidence_form": EvidenceForm(),
        "close_form": CloseForm(),
        **extra,
    }
    return render(request, "referrals/report_detail.html", context)


def _exchange_context(user: User, report: Report, own: bool) -> dict[str, Any]:
    """Shares and referrals of the report as the user may see them: all of them for its own
    agency, with the forms to share and refer; for a partner, its share and its referrals."""
    referrals = report.referrals.select_related("to_agency", "from_agency").order_by("-sent_at")
    if not own:
        share = selectors.share_of(user, report)
        return {
            "share": share,
            "agreement_ended": share is not None
            and not share.agreement.is_in_force_on(timezone.localdate()),
            "referrals": referrals.filter(to_agency_id__in=access.case_file_agency_ids(user)),
        }
    entitled = services.entitled_partners(report=report)  # once: it loads the agreements
    shares = list(
        report.shares.select_related("agency", "agreement", "shared_by").order_by("agency__name")
    )
    options = services.share_options(report=report, entitled=entitled, shares=shares)
    return {
        "shares": shares,
        "share_form": ShareForm(options=options) if options else None,
        "can_share": permissions.may_share_report(user, report),
        "can_decide_shares": permissions.may_decide_shares(user, report),
        "referrals": referrals,
        "can_refer": permissions.may_share_report(user, report) and bool(entitled),
    }


def _timeline(report: Report) -> list[AuditEntry]:
    """The report's audit entries, with the names of changed fields in the user's language."""
    entries = describe(selectors.report_timeline(report=report)[:50])
    for entry in entries:
        details = entry.details  # type: ignore[attr-defined]  # set by describe(), for templates
        entry.field_label = next((d.text for d in details if d.key == "field"), "")  # type: ignore[attr-defined]
        names = list((entry.data or {}).get("changes", {}))
        for changes in (entry.data or {}).get("persons_changed", {}).values():
            names += [f"{_('person')}: {n}" for n in changes]
        setattr(entry, CHANGED_LABELS_ATTR, [_field_label(n) for n in names])
    return entries


def _field_label(name: str) -> str:
    prefix, sep, field = name.rpartition(": ")
    model = ReportPerson if sep else Report
    try:
        found = model._meta.get_field(field or name)
    except FieldDoesNotExist:  # a field removed since the entry was written
        found = None
    label = str(found.verbose_name) if isinstance(found, Field) else field or name
    return f"{prefix}{sep}{label}"


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.get_report_detail_for(request.user, pk), loaded=True)


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    try:
        services.report_submit(actor=request.user, report=report, request=request)
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        flash_errors(request, exc)
        messages.info(request, _("Complete the report, then submit it from the form."))
        return redirect("referrals:edit", pk=report.pk)
    messages.success(request, _("Report %(number)s submitted.") % {"number": report.number})
    return redirect(report)


@login_required
@require_POST
def report_start_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    services.report_start_review(actor=request.user, report=report, request=request)
    messages.success(
        request,
        _("You are reviewing report %(number)s; close it with an outcome when done.")
        % {"number": report.number},
    )
    return redirect(f"{report.get_absolute_url()}#close-review")


@login_required
@require_POST
def report_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not permissions.can_review_report(request.user, report):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, close_form=form)
    asked = confirmation(
        request,
        question=_("Close report %(number)s?") % {"number": report.number},
        button=_("Close report"),
        cancel_url=report.get_absolute_url(),
        form=form,
    )
    if asked:
        return asked
    try:
        report = services.report_close(
            actor=request.user, report=report, request=request, **form.cleaned_data
        )
    except ValidationError as exc:
        add_service_error(form, exc)
        return _render_detail(request, report, close_form=form)
    messages.success(
        request,
        _("Report %(number)s closed: %(outcome)s.")
        % {"number": report.number, "outcome": report.get_outcome_display()},
    )
    return redirect(f"{report.get_absolute_url()}#report-outcome")


@login_required
@require_POST
def report_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not permissions.can_delete_report(request.user, report):
        raise PermissionDenied
    number = report.number
    asked = confirmation(
        request,
        question=_("Delete draft %(number)s for good?") % {"number": number},
        button=_("Delete draft"),
        cancel_url=report.get_absolute_url(),
    )
    if asked:
        return asked
    services.report_delete(actor=request.user, report=report, request=request)
    messages.success(request, _("Draft %(number)s deleted.") % {"number": number})
    return redirect("referrals:list")


@login_required
@require_POST
def person_reveal(
    request: AuthenticatedHttpRequest, pk: int, person_pk: int, field: str
) -> HttpResponse:
    """Show one personal identifier in full; every reveal is written to the audit log."""
    report = selectors.get_report_for(request.user, pk)
    person = report.persons.filter(pk=person_pk).first()
    if person is None or field not in services.PERSONAL_FIELDS:
        raise Http404
    value = services.person_reveal(actor=request.user, person=person, field=field, request=request)
    if request.htmx:
        return render(request, "referrals/_revealed.html", {"value": value})
    return _render_detail(request, report, revealed={(person.pk, field): value})


# --- Evidence ------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.evidence_upload(
                actor=request.user,
                report=report,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request,
                _("Evidence “%(name)s” uploaded.")
                % {"name": item.description or item.original_name},
            )
            return redirect(f"{report.get_absolute_url()}#evidence-{item.pk}")
    else:
        flash_errors(request, form)
    return redirect(report)


def _visible_evidence(request: AuthenticatedHttpRequest, evidence_pk: int) -> Evidence:
    item = (
        Evidence.objects.select_related("report")
        .filter(pk=evidence_pk, report__in=selectors.visible_reports(request.user))
        .first()
    )
    if item is None:
        raise Http404
    return item


@never_cache
@login_required
def evidence_download(request: AuthenticatedHttpRequest, evidence_pk: int) -> FileResponse:
    """A file of a report the user may see. Photos may be shown inline (JPEG/PNG/WebP only);
    everything else downloads as an attachment. Every download is audited."""
    item = _visible_evidence(request, evidence_pk)
    if not permissions.may_see_identifiers(request.user, item.report):
        raise PermissionDenied
    inline = request.GET.get("inline") == "1" and item.is_image
    return guarded_file_response(
        request,
        item.file,
        filename=item.original_name,
        content_type=item.content_type,
        inline=inline,
        audit=partial(services.evidence_download_record, item=item),
    )


@login_required
@require_POST
def evidence_remove(request: AuthenticatedHttpRequest, evidence_pk: int) -> HttpResponse:
    item = _visible_evidence(request, evidence_pk)
    if not permissions.can_remove_evidence(request.user, item.report):
        raise PermissionDenied
    asked = confirmation(
        request,
        question=_("Remove the file “%(name)s” from the report?")
        % {"name": item.description or item.original_name},
        button=_("Remove"),
        cancel_url=item.report.get_absolute_url(),
    )
    if asked:
        return asked
    services.evidence_remove(actor=request.user, item=item, request=request)
    messages.success(request, _("Evidence removed."))
    return redirect(item.report)


# --- Prevention actions --------------------------------------------------------------------


def _prevention_view(
    request: AuthenticatedHttpRequest, report: Report, action: PreventionAction | None = None
) -> HttpResponse:
    initial = None
    if action is not None:
        initial = {name: getattr(action, name) for name in services.PREVENTION_FIELDS}
        initial.update(
            person=action.person_id,
            office=action.office_id,
            destination_country=action.destination_country.code or "",
        )
    form = PreventionForm(
        request.POST or None,
        initial=initial,
        report=report,
        actor=request.user,
        editing=action is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person, office = data.pop("person"), data.pop("office")
        try:
            if action is None:
                action = services.prevention_record(
                    actor=request.user,
                    report=report,
                    person=person,
                    office=office,
                    request=request,
                    **data,
                )
            else:
                action = services.prevention_update(
                    actor=request.user, action=action, request=request, **data
                )
        except (ValidationError, PermissionDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Prevention action saved: %(kind)s, %(name)s.")
                % {"kind": action.get_kind_display(), "name": action.person.full_name},
            )
            return redirect(f"{report.get_absolute_url()}#prevention-{action.pk}")
    return render(
        request,
        "referrals/prevention_form.html",
        {"form": form, "report": report, "action": action},
    )


@login_required
def prevention_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not permissions.can_record_prevention(request.user, report):
        raise PermissionDenied
    return _prevention_view(request, report)


@login_required
def prevention_edit(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    action = access.get_for(request.user, report.prevention_actions.all(), action_pk)
    if not permissions.may_change_prevention(request.user, action):
        raise PermissionDenied
    return _prevention_view(request, report, action)


@login_required
def village_panel(request: AuthenticatedHttpRequest, desa_pk: int) -> HttpResponse:
    """The indications and prevention actions of a Desa Binaan, for its profile page."""
    require_case_files(request)
    desa = get_village_for(request.user, desa_pk)
    summary = selectors.village_summary(user=request.user, desa=desa)
    return render(request, "referrals/_village_panel.html", {"desa": desa, "summary": summary})

"""Writes to indication reports and their persons: each service checks the actor's right,
validates, saves and audits. Status: draft → submitted → under review → closed. Only drafts
are deleted; submitted reports are corrected with a reason, audited field by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.models import AuditEntry
from portal.audit.services import apply_changes, audit_record
from portal.core.categories import ReportCategory
from portal.core.crypto import blind_index
from portal.core.validators import normalise_phone
from portal.regions.models import Region
from portal.regions.nik import (
    WARNING_BIRTH_DATE,
    WARNING_SEX_FEMALE,
    WARNING_SEX_MALE,
    normalise_nik,
    normalise_passport_number,
    parse_nik,
    validate_passport_number,
)
from referrals import permissions, search, selectors
from referrals.indicators import INDICATOR_CODES, suggest_categories
from referrals.models import REPORT_SERIES, Report, ReportPerson, format_report_number
from referrals.services._common import next_serial
from referrals.vocabularies import Outcome, ReportStatus
from villages.selectors import visible_villages

if TYPE_CHECKING:
    from django.db.models import Model

    from portal.accounts.models import Agency, User


REPORT_FIELDS = [
    "occurred_at",
    "source",
    "region",
    "place_detail",
    "desa",
    "destination_country",
    "route",
    "mode",
    "narrative",
    "risk_level",
    "indicators",
    "categories",
    "category_reason",
    "recruitment_methods",
    "control_methods",
    "exploitation_types",
    "industries",
]
PERSON_FIELDS = [
    "role",
    "full_name",
    "sex",
    "birth_date",
    "age",
    "nik",
    "passport_number",
    "nationality",
    "address_region",
    "phone",
    "notes",
    "victim_status",
    "victim_status_by",
    "perpetrator_roles",
]
# Changes to these are audited without their values.
PERSONAL_FIELDS = {"nik", "passport_number", "phone"}
# What a NIK that disagrees with the recorded person says, stored as a code per warning.
# (Compared by identity: lazy strings hash by their text in the active language.)
NIK_WARNING_MESSAGES = {
    "sex_female": WARNING_SEX_FEMALE,
    "sex_male": WARNING_SEX_MALE,
    "birth_date": WARNING_BIRTH_DATE,
}


@dataclass
class PersonInput:
    """One person as typed in the report form: `pk` for an existing one (of this report),
    `delete` to remove it. Existing persons left out of an update stay unchanged."""

    data: dict[str, Any]
    pk: int | None = None
    delete: bool = False
    prefix: str = ""  # the form's prefix, so errors land next to the right fields
    warnings: list[str] = field(default_factory=list)


def _plain(diff: dict) -> dict:
    return {k: (["…", "…"] if k in PERSONAL_FIELDS else v) for k, v in diff.items()}


def next_report_number(*, agency: Agency, year: int) -> str:
    """IND-36-CODE-YYYY-NNNNNN: the agency's code and its own sequence in the year, so that a
    number tells nothing of other agencies' volume."""
    serial = next_serial(series=REPORT_SERIES, code=agency.code, year=year)
    return format_report_number(code=agency.code, year=year, serial=serial)


# --- Validation ----------------------------------------------------------------------------


def _check_report(actor: User, report: Report) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if report.occurred_at and report.occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = [_("The indication cannot lie in the future.")]
    elif report.occurred_at and report.occurred_at.year < 2000:
        errors["occurred_at"] = [_("Enter a date from 2000 on.")]
    if report.desa_id is not None:
        if not visible_villages(actor).filter(pk=report.desa_id).exists():
            errors["desa"] = [_("Choose a Desa Binaan you can see.")]
        elif report.region_id is None and report.desa is not None:
            report.region = report.desa.village
    unknown = set(report.indicators) - INDICATOR_CODES
    if unknown:
        errors["indicators"] = [_("Unknown indicator: %(code)s.") % {"code": sorted(unknown)[0]}]
    return errors


def _check_complete(report: Report, persons: list[ReportPerson]) -> dict[str, list[str]]:
    """What a report needs before it can be submitted."""
    errors: dict[str, list[str]] = {}
    region = report.region  # no query when there is none
    if region is None:
        errors["region"] = [_("Choose where the indication took place.")]
    elif region.level < Region.Level.REGENCY:
        errors["region"] = [_("Choose at least the regency or city of the place.")]
    if len((report.narrative or "").strip()) < 20:
        errors["narrative"] = [_("Describe what happened (at least 20 characters).")]
    if not persons:
        errors["__all__"] = [_("Add at least one person before submitting.")]
    if not report.categories:
        if report.suggested_categories:
            errors["categories"] = [
                _("Confirm the category: the portal suggests %(names)s.")
                % {"names": ", ".join(map(str, _category_names(report.suggested_categories)))}
            ]
        else:
            errors["categories"] = [_("Choose the category of the indication.")]
    elif (
        set(report.categories) != set(report.suggested_categories)
        and not (report.category_reason or "").strip()
    ):
        errors["category_reason"] = [
            _("The category differs from the suggestion: give the reason.")
        ]
    return errors


def _category_names(codes: Iterable[str]) -> list[str]:
    names = dict(ReportCategory.choices)
    return [str(names.get(c, c)) for c in codes]


def _check_person(person: ReportPerson, prefix: str) -> tuple[dict, list[str]]:
    """Validate one person's identifiers; return (errors keyed `<prefix>-<field>`, warnings)."""
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    codes: list[str] = []

    def key(name: str) -> str:
        return f"{prefix}-{name}" if prefix else name

    if not (person.full_name or "").strip():
        errors[key("full_name")] = [_("Enter the person's name (or an alias).")]
    if person.birth_date and person.birth_date > timezone.localdate():
        errors[key("birth_date")] = [_("The date of birth cannot lie in the future.")]
    if person.age is not None and not 0 <= person.age <= 120:
        errors[key("age")] = [_("Enter an age between 0 and 120.")]
    if person.phone:
        try:
            person.phone = normalise_phone(person.phone)
        except ValidationError as exc:
            errors[key("phone")] = list(exc.messages)
    if person.nik:
        person.nik = normalise_nik(person.nik)
        try:
            info = parse_nik(person.nik, sex=person.sex or None, birth_date=person.birth_date)
        except ValidationError as exc:
            errors[key("nik")] = list(exc.messages)
        else:
            for w in info.warnings:
                warnings.append(str(w))
                codes.extend(c for c, m in NIK_WARNING_MESSAGES.items() if m is w)
    if person.passport_number:
        person.passport_number = normalise_passport_number(person.passport_number)
        try:
            validate_passport_number(person.passport_number)
        except ValidationError as exc:
            errors[key("passport_number")] = list(exc.messages)
    person.nik_warnings = codes
    person.nik_index = blind_index("nik", person.nik) if person.nik else ""
    person.passport_index = (
        blind_index("passport", person.passport_number) if person.passport_number else ""
    )
    try:  # the model's own rules (choices, lengths), reported on this person
        person.clean_fields(exclude=["report"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(key(name), messages)
    return errors, warnings


def _merge(errors: dict, more: dict) -> None:
    for k, v in more.items():
        errors.setdefault(k, []).extend(v)


# --- Reports -------------------------------------------------------------------------------


def _apply_persons(
    report: Report, inputs: list[PersonInput], errors: dict
) -> tuple[list[ReportPerson], list[ReportPerson], dict[int, dict]]:
    """Build the persons as they will be (kept, changed, new) and those to remove; validate.
    Nothing is saved here. Returns (to_keep_in_order, to_remove, diffs by person pk)."""
    existing = {p.pk: p for p in report.persons.all()} if report.pk else {}
    keep: list[ReportPerson] = []
    remove: list[ReportPerson] = []
    diffs: dict[int, dict] = {}
    for item in inputs:
        if item.pk is not None and item.pk not in existing:
            raise PermissionDenied  # a person of another report: a forged form
        if item.delete:
            if item.pk is not None:
                person = existing[item.pk]
                if person.prevention_actions.exists():
                    _merge(
                        errors,
                        {
                            "__all__": [
                                _(
                                    "%(name)s has prevention actions recorded and cannot be "
                                    "removed from the report."
                                )
                                % {"name": person.full_name}
                            ]
                        },
                    )
                remove.append(person)
            continue
        person = existing[item.pk] if item.pk is not None else ReportPerson(report=report)
        diff = apply_changes(person, item.data, PERSON_FIELDS)
        person_errors, item.warnings = _check_person(person, item.prefix)
        _merge(errors, person_errors)
        if item.pk is not None and diff:
            diffs[item.pk] = diff
        keep.append(person)
    # A person the caller did not mention stays as it is (only `delete` removes one).
    mentioned = {item.pk for item in inputs if item.pk is not None}
    keep.extend(p for pk, p in existing.items() if pk not in mentioned)
    return keep, remove, diffs


def _save_persons(report: Report, keep: list[ReportPerson], remove: list[ReportPerson]) -> None:
    for person in remove:
        person.delete()
    for position, person in enumerate(keep):
        person.report = report
        person.position = position
        person.full_clean(exclude=["report"])
        person.save()


def _refresh_derived(report: Report, persons: list[ReportPerson]) -> None:
    """The suggested category, the person count and the search document, from what is saved."""
    report.suggested_categories = list(
        suggest_categories(
            report.indicators, child_victim=selectors.child_victim(report, persons)
        ).categories
    )
    report.person_count = len(persons)
    names = " ".join(p.full_name for p in persons)
    Report.objects.filter(pk=report.pk).update(
        suggested_categories=report.suggested_categories,
        person_count=report.person_count,
        search_vector=search.document(
            number=report.number,
            names=names,
            route=report.route or "",
            narrative=report.narrative or "",
            agency_id=report.agency_id,
        ),
    )


def _validate_for_save(
    actor: User, report: Report, persons_in: list[PersonInput], *, submit: bool
) -> tuple[list[ReportPerson], list[ReportPerson], dict[int, dict]]:
    errors = _check_report(actor, report)
    keep, remove, diffs = _apply_persons(report, persons_in, errors)
    if submit:
        report.suggested_categories = list(
            suggest_categories(
                report.indicators, child_victim=selectors.child_victim(report, keep)
            ).categories
        )
        _merge(errors, _check_complete(report, keep))
    if errors:
        raise ValidationError(errors)
    return keep, remove, diffs


@transaction.atomic
def report_create(
    *,
    actor: User,
    persons: list[PersonInput] | None = None,
    submit: bool = False,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Report:
    """A new report of the actor's agency, saved as a draft, or submitted at once."""
    if not permissions.can_create_report(actor):
        raise PermissionDenied(_("Only officers and supervisors record indication reports."))
    report = Report(agency=actor.agency, created_by=actor)
    apply_changes(report, fields, REPORT_FIELDS)
    keep, remove, _diffs = _validate_for_save(actor, report, persons or [], submit=submit)
    report.number = next_report_number(agency=actor.agency, year=timezone.localdate().year)
    report.full_clean(exclude=["number", "search_vector"])
    report.save()
    _save_persons(report, keep, remove)
    _refresh_derived(report, keep)
    audit_record(
        action=AuditEntry.Action.REPORT_CREATED,
        actor=actor,
        request=request,
        target=report,
        data={"persons": len(keep)},
    )
    if submit:
        _submit(actor, report, request)
    return report


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: Report,
    persons: list[PersonInput],
    submit: bool = False,
    correction_reason: str = "",
    request: HttpRequest | None = None,
    **changes: Any,
) -> Report:
    """Save changes. A submitted report is corrected: `correction_reason` is required and
    every changed field is audited (personal identifiers without their values)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_edit_report(actor, report):
        raise PermissionDenied(_("You cannot change this report."))
    correcting = report.status != ReportStatus.DRAFT
    if errors := _check_correction(report, correction_reason):
        raise ValidationError(errors)
    diff = apply_changes(report, changes, REPORT_FIELDS)
    keep, remove, person_diffs = _validate_for_save(
        actor, report, persons, submit=submit or correcting
    )
    report.full_clean(exclude=["number", "search_vector"])
    added = sum(1 for p in keep if p.pk is None)
    report.save()
    _save_persons(report, keep, remove)
    _refresh_derived(report, keep)
    data: dict[str, Any] = {"changes": diff}
    if person_diffs:
        data["persons_changed"] = {str(pk): _plain(d) for pk, d in person_diffs.items()}
    if added or remove:
        data["persons_added"] = added
        data["persons_removed"] = [p.full_name for p in remove]
    if correcting:
        data["reason"] = correction_reason.strip()
    if diff or person_diffs or added or remove:
        audit_record(
            action=AuditEntry.Action.REPORT_UPDATED,
            actor=actor,
            request=request,
            target=report,
            data=data,
        )
    if submit and report.status == ReportStatus.DRAFT:
        _submit(actor, report, request)
    return report


def _check_correction(report: Report, reason: str) -> dict[str, list[str]]:
    """A submitted report is corrected with a reason."""
    if report.status != ReportStatus.DRAFT and not reason.strip():
        return {"correction_reason": [_("Say why this submitted report is corrected.")]}
    return {}


def report_errors(
    *,
    actor: User,
    report: Report | None = None,
    persons: list[PersonInput] | None = None,
    submit: bool = False,
    correction_reason: str = "",
    **fields: Any,
) -> dict[str, list[str]]:
    """What report_create (`report` None) or report_update would refuse for these values,
    by field (`persons-0-nik` for a person's), without saving anything. A page whose own form
    found errors in some fields calls it with the valid ones, so that one submit shows every
    error instead of the rules' errors only after the form's are fixed."""
    if report is None:
        target = Report(agency=actor.agency, created_by=actor)
    else:  # a copy: the caller's instance stays as it is
        target = Report.objects.get(pk=report.pk)
    errors = _check_correction(target, correction_reason) if report is not None else {}
    correcting = report is not None and target.status != ReportStatus.DRAFT
    apply_changes(target, fields, REPORT_FIELDS)
    try:
        _validate_for_save(actor, target, persons or [], submit=submit or correcting)
    except ValidationError as exc:
        _merge(errors, exc.message_dict)
    except PermissionDenied:  # a person of another report: the save refuses the whole form
        pass
    return errors


def _submit(actor: User, report: Report, request: HttpRequest | None) -> None:
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        action=AuditEntry.Action.REPORT_SUBMITTED,
        actor=actor,
        request=request,
        target=report,
        data={"categories": report.categories},
    )


@transaction.atomic
def report_submit(*, actor: User, report: Report, request: HttpRequest | None = None) -> Report:
    """Submit a draft for review (the author only), once it is complete."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT or report.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the author can submit a draft."))
    persons = list(report.persons.all())
    errors = _check_complete(report, persons)
    if errors:
        raise ValidationError(errors)
    _submit(actor, report, request)
    return report


@transaction.atomic
def report_start_review(
    *, actor: User, report: Report, request: HttpRequest | None = None
) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED or not permissions.can_review_report(actor, report):
        raise PermissionDenied(_("Only a supervisor can take a submitted report into review."))
    report.status = ReportStatus.UNDER_REVIEW
    report.reviewer = actor
    report.review_started_at = timezone.now()
    report.save(update_fields=["status", "reviewer", "review_started_at", "updated_at"])
    audit_record(
        action=AuditEntry.Action.REPORT_REVIEW_STARTED, actor=actor, request=request, target=report
    )
    return report


@transaction.atomic
def report_close(
    *,
    actor: User,
    report: Report,
    outcome: str,
    outcome_note: str = "",
    request: HttpRequest | None = None,
) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.UNDER_REVIEW or not permissions.can_review_report(
        actor, report
    ):
        raise PermissionDenied(_("Only a supervisor can close a report under review."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    report.status = ReportStatus.CLOSED
    report.outcome = outcome
    report.outcome_note = outcome_note.strip()
    report.closed_at = timezone.now()
    if report.reviewer_id is None:
        report.reviewer = actor
    report.save(
        update_fields=["status", "outcome", "outcome_note", "closed_at", "reviewer", "updated_at"]
    )
    audit_record(
        action=AuditEntry.Action.REPORT_CLOSED,
        actor=actor,
        request=request,
        target=report,
        data={"outcome": outcome},
    )
    return report


@transaction.atomic
def report_delete(*, actor: User, report: Report, request: HttpRequest | None = None) -> None:
    """Delete a draft (its author only). Submitted reports are never deleted."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_delete_report(actor, report):
        raise PermissionDenied(_("Only drafts can be deleted, by their author."))
    files = [e.file for e in report.evidence.all()]
    audit_record(
        action=AuditEntry.Action.REPORT_DELETED,
        actor=actor,
        request=request,
        target=report,
        data={"number": report.number},
    )
    report.prevention_actions.all().delete()
    report.delete()

    def delete_files() -> None:
        for file in files:
            file.delete(save=False)

    transaction.on_commit(delete_files)


def person_reveal(
    *, actor: User, person: ReportPerson, field: str, request: HttpRequest | None = None
) -> str:
    """The full value of a personal identifier, for someone who may see the report; audited."""
    if field not in PERSONAL_FIELDS:
        raise ValueError(field)
    if not permissions.may_see_identifiers(actor, person.report):
        raise PermissionDenied(
            _("Identifiers of a shared report can be shown once your agency accepts a referral.")
        )
    audit_record(
        action=AuditEntry.Action.PII_REVEALED,
        actor=actor,
        request=request,
        target=person.report,
        agency=actor.agency,
        data={"field": field, "person": person.pk},
    )
    return getattr(person, field)


@transaction.atomic
def report_print_record(
    *,
    actor: User,
    report: Report,
    persons: list[ReportPerson],
    reveal: bool,
    request: HttpRequest | None = None,
) -> None:
    """Record that `actor` printed `report` as PDF; when its identifiers are printed in full,
    record that as a reveal too (one entry naming the persons and fields shown)."""
    if reveal:
        if not permissions.may_see_identifiers(actor, report):
            raise PermissionDenied(
                _(
                    "Identifiers of a shared report can be shown once your agency accepts a referral."
                )
            )
        shown = [(p.pk, f) for p in persons for f in PERSONAL_FIELDS if getattr(p, f)]
        if shown:
            audit_record(
                action=AuditEntry.Action.PII_REVEALED,
                actor=actor,
                request=request,
                target=report,
                agency=actor.agency,
                data={
                    "field": ", ".join(sorted({f for _pk, f in shown})),
                    "persons": sorted({pk for pk, _f in shown}),
                    "document": "report_pdf",
                },
            )
    audit_record(
        action=AuditEntry.Action.PDF_PRINTED,
        actor=actor,
        request=request,
        target=report,
        agency=actor.agency,
        data={"document": "report", "identifiers": reveal},
    )


def document_print_record(
    *,
    actor: User,
    target: Model,
    document: str,
    request: HttpRequest | None = None,
    data: dict | None = None,
) -> None:
    """Record that `actor` printed a document (`document`: "referral_letter",
    "agreement_implementation" …) about `target` as PDF."""
    audit_record(
        action=AuditEntry.Action.PDF_PRINTED,
        actor=actor,
        request=request,
        target=target,
        agency=actor.agency,
        data={"document": document, **(data or {})},
    )

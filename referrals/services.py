"""Writes to indication reports, their persons, evidence and prevention actions. Each service
checks the actor's right, validates with messages in the user's language, saves and audits.

Status: draft → submitted → under review → closed (with an outcome). Only drafts can be
deleted. Submitted reports are corrected, never silently overwritten: a correction needs a
reason, is audited field by field, and pghistory keeps every version of the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from agreements.sharing_policy import entitled_recipients, share_bases
from portal.audit.models import AuditEntry
from portal.audit.services import apply_changes, audit_record
from portal.core.crypto import blind_index
from portal.core.uploads import check_upload, store_upload
from portal.notifications.services import publish
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
from referrals import search, selectors
from referrals.indicators import INDICATOR_CODES, suggest_categories
from referrals.models import (
    REFERRAL_SERIES,
    REPORT_SERIES,
    Evidence,
    PreventionAction,
    Referral,
    ReferralAttachment,
    ReferralComment,
    Report,
    ReportPerson,
    Share,
    format_referral_number,
    format_report_number,
)
from referrals.vocabularies import (
    OPEN_REFERRAL_STATUSES,
    PASSPORT_KINDS,
    Checkpoint,
    Outcome,
    ReferralOutcome,
    ReferralStatus,
    ReportStatus,
    RequestedAction,
    Urgency,
)
from referrals.workdays import add_working_days

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
PREVENTION_FIELDS = [
    "kind",
    "date",
    "checkpoint",
    "place",
    "destination_country",
    "interviewed",
    "statement_signed",
    "registry_result",
    "coordinated_with_bp3mi",
    "notes",
    "lifted_on",
    "lifted_documents",
]
EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
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


def next_serial(*, series: str, code: str, year: int) -> int:
    """The next serial of a series under an agency code in a year. The upsert holds the
    counter row's lock until the caller's transaction ends: two concurrent creators of one
    agency wait for each other and never get the same number (nor leave a gap, unless the
    caller rolls back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO referrals_numbercounter (series, code, year, last) "
            "VALUES (%s, %s, %s, 1) ON CONFLICT (series, code, year) "
            "DO UPDATE SET last = referrals_numbercounter.last + 1 RETURNING last",
            [series, code, year],
        )
        (last,) = cursor.fetchone()
    return last


def next_report_number(*, agency: Agency, year: int) -> str:
    """IND-36-CODE-YYYY-NNNNNN: the agency's code and its own sequence in the year, so that a
    number tells nothing of other agencies' volume."""
    serial = next_serial(series=REPORT_SERIES, code=agency.code, year=year)
    return format_report_number(code=agency.code, year=year, serial=serial)


def next_referral_number(*, agency: Agency, year: int) -> str:
    """RJK-CODE-YYYY-NNNN, per sending agency and year, like the report numbers."""
    serial = next_serial(series=REFERRAL_SERIES, code=agency.code, year=year)
    return format_referral_number(code=agency.code, year=year, serial=serial)


# --- Validation ----------------------------------------------------------------------------


def _check_report(actor: User, report: Report) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if report.occurred_at and report.occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = [_("The indication cannot lie in the future.")]
    elif report.occurred_at and report.occurred_at.year < 2000:
        errors["occurred_at"] = [_("Enter a date from 2000 on.")]
    if report.desa_id is not None:
        from villages.selectors import visible_villages

        if not visible_villages(actor).filter(pk=report.desa_id).exists():
            errors["desa"] = [_("Choose a Desa Binaan you can see.")]
        elif report.region_id is None:
            report.region = report.desa.village
    unknown = set(report.indicators) - INDICATOR_CODES
    if unknown:
        errors["indicators"] = [_("Unknown indicator: %(code)s.") % {"code": sorted(unknown)[0]}]
    return errors


def _check_complete(report: Report, persons: list[ReportPerson]) -> dict[str, list[str]]:
    """What a report needs before it can be submitted."""
    errors: dict[str, list[str]] = {}
    if report.region_id is None:
        errors["region"] = [_("Choose where the indication took place.")]
    elif report.region.level < Region.Level.REGENCY:
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


def _category_names(codes) -> list[str]:
    from portal.core.categories import ReportCategory

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
    if person.age is not None and person.age > 120:
        errors[key("age")] = [_("Enter an age between 0 and 120.")]
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
    if not selectors.can_create_report(actor):
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
    if not selectors.can_edit_report(actor, report):
        raise PermissionDenied(_("You cannot change this report."))
    correcting = report.status != ReportStatus.DRAFT
    if correcting and not correction_reason.strip():
        raise ValidationError(
            {"correction_reason": [_("Say why this submitted report is corrected.")]}
        )
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
    if report.status != ReportStatus.SUBMITTED or not selectors.can_review_report(actor, report):
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
    if report.status != ReportStatus.UNDER_REVIEW or not selectors.can_review_report(actor, report):
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
    if not selectors.can_delete_report(actor, report):
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
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


def person_reveal(
    *, actor: User, person: ReportPerson, field: str, request: HttpRequest | None = None
) -> str:
    """The full value of a personal identifier, for someone who may see the report; audited."""
    if field not in PERSONAL_FIELDS:
        raise ValueError(field)
    if not selectors.may_see_identifiers(actor, person.report):
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
        if not selectors.may_see_identifiers(actor, report):
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


# --- Evidence ------------------------------------------------------------------------------


def _checked_case_file(upload: UploadedFile, *, attached, type_error: str):
    """A photo or PDF of a case (evidence, referral attachment), checked by content, and not
    already among `attached`."""
    checked = check_upload(
        upload,
        allowed_types=EVIDENCE_TYPES,
        max_bytes=MAX_EVIDENCE_BYTES,
        size_error=_("The file is empty or larger than %(mb)s MB.")
        % {"mb": MAX_EVIDENCE_BYTES // 2**20},
        type_error=type_error,
    )
    if attached.filter(sha256=checked.sha256).exists():
        raise ValidationError({"file": _("This file is already attached.")})
    return checked


@transaction.atomic
def evidence_upload(
    *,
    actor: User,
    report: Report,
    upload: UploadedFile,
    kind: str,
    description: str = "",
    request: HttpRequest | None = None,
) -> Evidence:
    """A photo (JPEG, PNG, WebP) or a PDF of at most 20 MB, recognised by its content."""
    if not selectors.can_edit_report(actor, report):
        raise PermissionDenied(_("You cannot add evidence to this report."))
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of evidence.")})
    checked = _checked_case_file(
        upload,
        attached=report.evidence.all(),
        type_error=_("Evidence must be a photo (JPEG, PNG, WebP) or a PDF."),
    )
    item = Evidence(
        report=report, kind=kind, description=description.strip()[:300], uploaded_by=actor
    )
    store_upload(item, checked, duplicate_error=_("This file is already attached."))
    audit_record(
        action=AuditEntry.Action.FILE_UPLOADED,
        actor=actor,
        request=request,
        target=report,
        data={"file": item.original_name, "sha256": item.sha256, "type": item.content_type},
    )
    return item


@transaction.atomic
def evidence_remove(*, actor: User, item: Evidence, request: HttpRequest | None = None) -> None:
    """Evidence can be removed from a draft; once submitted it stays (chain of custody)."""
    report = item.report
    if report.status != ReportStatus.DRAFT or not selectors.can_edit_report(actor, report):
        raise PermissionDenied(_("Evidence of a submitted report cannot be removed."))
    name, digest, stored = item.original_name, item.sha256, item.file
    item.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    audit_record(
        action=AuditEntry.Action.FILE_REMOVED,
        actor=actor,
        request=request,
        target=report,
        data={"file": name, "sha256": digest},
    )


def evidence_download_record(
    *, actor: User, item: Evidence, request: HttpRequest | None = None
) -> None:
    audit_record(
        action=AuditEntry.Action.FILE_DOWNLOADED,
        actor=actor,
        request=request,
        target=item.report,
        agency=actor.agency,
        data={"file": item.original_name, "sha256": item.sha256},
    )


# --- Prevention actions --------------------------------------------------------------------


def _check_prevention(action: PreventionAction) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if action.date and action.date > today:
        errors["date"] = [_("The date cannot lie in the future.")]
    passport = action.kind in PASSPORT_KINDS
    if passport and action.checkpoint != Checkpoint.PASSPORT_OFFICE:
        errors["checkpoint"] = [_("A passport decision is taken at an immigration office.")]
    if not passport and action.checkpoint == Checkpoint.PASSPORT_OFFICE:
        errors["checkpoint"] = [_("A departure is deferred at an airport, seaport or border.")]
    if action.lifted_on:
        if action.date and action.lifted_on < action.date:
            errors["lifted_on"] = [_("A deferral is lifted after it was made.")]
        elif action.lifted_on > today:
            errors["lifted_on"] = [_("The date cannot lie in the future.")]
        if not action.lifted_documents.strip():
            errors["lifted_documents"] = [_("Say which documents were shown to lift it.")]
        if action.kind == PreventionAction.Kind.PASSPORT_REFUSED:
            errors["lifted_on"] = [_("A refusal is final; record a new application instead.")]
    elif action.lifted_documents.strip():
        errors["lifted_on"] = [_("Enter the date the deferral was lifted.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def prevention_record(
    *,
    actor: User,
    report: Report,
    person: ReportPerson,
    office: Agency,
    request: HttpRequest | None = None,
    **fields: Any,
) -> PreventionAction:
    if not selectors.can_record_prevention(actor, report):
        raise PermissionDenied(_("You cannot record prevention actions on this report."))
    if person.report_id != report.pk:
        raise PermissionDenied
    if office.kind != office.Kind.IMMIGRATION or office.pk not in _own_agencies(actor):
        raise ValidationError({"office": [_("Choose your immigration office.")]})
    action = PreventionAction(report=report, person=person, office=office, recorded_by=actor)
    apply_changes(action, fields, PREVENTION_FIELDS)
    _check_prevention(action)
    action.full_clean()
    action.save()
    audit_record(
        action=AuditEntry.Action.PREVENTION_RECORDED,
        actor=actor,
        request=request,
        target=report,
        data={"kind": action.kind, "date": action.date.isoformat(), "person": person.pk},
    )
    return action


@transaction.atomic
def prevention_update(
    *,
    actor: User,
    action: PreventionAction,
    request: HttpRequest | None = None,
    **changes: Any,
) -> PreventionAction:
    """Correct an action or record that it was lifted (closed reports too: a deferral is
    often lifted months later)."""
    report = action.report
    if action.office_id not in _own_agencies(actor) or not selectors.is_own_report(actor, report):
        raise PermissionDenied(_("Only the office that took the action can change it."))
    diff = apply_changes(action, changes, PREVENTION_FIELDS)
    _check_prevention(action)
    action.full_clean()
    if diff:
        action.save()
        audit_record(
            action=AuditEntry.Action.PREVENTION_UPDATED,
            actor=actor,
            request=request,
            target=report,
            data={"action": action.pk, "changes": diff},
        )
    return action


def _own_agencies(actor: User) -> frozenset[int]:
    from portal import access

    return access.case_file_agency_ids(actor)


# --- Sharing -------------------------------------------------------------------------------
#
# Notifications go through the outbox (portal.notifications.services.publish): written in the
# same transaction as the share or the referral step, delivered by Celery after the commit,
# swept again if the broker or the worker was down. Messages are gettext_noop: each reader
# gets their own language.

EVENT_SHARED = "report_shared"
EVENT_SHARE_REQUESTED = "share_requested"
EVENT_REFERRAL_SENT = "referral_sent"
EVENT_REFERRAL_ACCEPTED = "referral_accepted"
EVENT_REFERRAL_DECLINED = "referral_declined"
EVENT_REFERRAL_COMPLETED = "referral_completed"
EVENT_REFERRAL_COMMENT = "referral_comment"
EVENT_REFERRAL_ASSIGNED = "referral_assigned"
EVENT_REFERRAL_OVERDUE = "referral_overdue"
EVENT_KINDS = {
    EVENT_SHARED: gettext_lazy("A report is shared with my agency"),
    EVENT_SHARE_REQUESTED: gettext_lazy("A share waits for my approval"),
    EVENT_REFERRAL_SENT: gettext_lazy("A referral arrives for my agency"),
    EVENT_REFERRAL_ASSIGNED: gettext_lazy("A referral is assigned to me"),
    EVENT_REFERRAL_ACCEPTED: gettext_lazy("A referral we sent is accepted"),
    EVENT_REFERRAL_DECLINED: gettext_lazy("A referral we sent is declined"),
    EVENT_REFERRAL_COMPLETED: gettext_lazy("A referral we sent is completed"),
    EVENT_REFERRAL_COMMENT: gettext_lazy("A comment is added to a referral"),
    EVENT_REFERRAL_OVERDUE: gettext_lazy("A referral of my agency is overdue"),
}


def entitled_partners(*, report: Report, on: dt.date | None = None) -> dict[int, list]:
    """{agency id: [ShareBasis, …]} — every partner the agreements in force allow for this
    report today, shared with it already or not (referrals may go to these); none for a
    draft or a report without a category."""
    if report.status == ReportStatus.DRAFT or not report.categories:
        return {}
    return entitled_recipients(source=report.agency_id, categories=report.categories, on=on)


def share_options(
    *,
    report: Report,
    on: dt.date | None = None,
    entitled: dict[int, list] | None = None,
    shares: list[Share] | None = None,
) -> dict[int, list]:
    """The partners this report may be shared with today (`entitled`, when the caller has
    them already, else entitled_partners()), less those it already is (or waits to be)
    shared with (from `shares`, the report's shares, when the caller has read them)."""
    options = entitled_partners(report=report, on=on) if entitled is None else entitled
    if not options:
        return {}
    if shares is not None:
        taken = {s.agency_id for s in shares if s.status != Share.Status.REFUSED}
    else:
        taken = set(
            report.shares.exclude(status=Share.Status.REFUSED).values_list("agency_id", flat=True)
        )
    return {pk: bases for pk, bases in options.items() if pk not in taken}


def _may_share(actor: User, report: Report) -> bool:
    from referrals.permissions import may_share_report

    return may_share_report(actor, report)


def _activate_share(share: Share, actor: User, request: HttpRequest | None) -> None:
    share.status = Share.Status.ACTIVE
    share.shared_at = timezone.now()
    share.save()
    report = share.report
    audit_record(
        action=AuditEntry.Action.REPORT_SHARED,
        actor=actor,
        request=request,
        target=report,
        data={"agency": str(share.agency), "agreement": share.agreement.title},
    )
    publish(
        kind=EVENT_SHARED,
        message=gettext_noop("%(agency)s shared report %(number)s with your agency."),
        params={"agency": report.agency.short_name, "number": report.number},
        url=report.get_absolute_url(),
        dedupe_key=f"share:{share.pk}",
        agency_ids=[share.agency_id],
    )


@transaction.atomic
def report_share(
    *,
    actor: User,
    report: Report,
    agencies: list[Agency],
    note: str = "",
    request: HttpRequest | None = None,
) -> list[Share]:
    """Share a submitted report with partner agencies, each under an agreement in force that
    allows it today (the first one, by the policy's order). If the reporting agency requires
    approval and the actor is not its supervisor, the shares wait for a supervisor."""
    report = Report.objects.select_for_update().select_related("agency").get(pk=report.pk)
    if not _may_share(actor, report):
        raise PermissionDenied(_("You cannot share this report."))
    if not agencies:
        raise ValidationError({"agencies": [_("Choose at least one partner agency.")]})
    options = share_options(report=report)
    refused = [a for a in agencies if a.pk not in options]
    if refused:
        raise ValidationError(
            {
                "agencies": [
                    _("No agreement in force allows sharing this report with %(names)s.")
                    % {"names": ", ".join(a.short_name for a in refused)}
                ]
            }
        )
    needs_approval = report.agency.share_requires_approval and actor.role != actor.Role.SUPERVISOR
    shares = []
    for agency in agencies:
        basis = options[agency.pk][0]
        share, _created = Share.objects.update_or_create(
            report=report,
            agency=agency,
            defaults={
                "agreement": basis.agreement,
                "status": Share.Status.PENDING,
                "note": note.strip(),
                "shared_by": actor,
                "decided_by": None,
                "shared_at": None,
            },
        )
        if needs_approval:
            requested = audit_record(
                action=AuditEntry.Action.SHARE_REQUESTED,
                actor=actor,
                request=request,
                target=report,
                data={"agency": str(agency), "agreement": basis.agreement.title},
            )
            publish(
                kind=EVENT_SHARE_REQUESTED,
                message=gettext_noop("%(user)s asks to share report %(number)s with %(agency)s."),
                params={
                    "user": actor.full_name,
                    "number": report.number,
                    "agency": agency.short_name,
                },
                url=report.get_absolute_url(),
                # One event per request: a share refused and then requested again keeps its
                # row (and created_at), so the key comes from this request's audit entry.
                dedupe_key=f"share-request:{share.pk}:{requested.pk}",
                agency_ids=[report.agency_id],
                roles=["supervisor"],
            )
        else:
            share.decided_by = actor
            _activate_share(share, actor, request)
        shares.append(share)
    return shares


@transaction.atomic
def share_decide(
    *, actor: User, share: Share, approve: bool, request: HttpRequest | None = None
) -> Share:
    """A supervisor of the reporting agency approves or refuses a waiting share. Approval
    checks the policy again: the agreement may have ended meanwhile."""
    share = Share.objects.select_for_update().select_related("report__agency").get(pk=share.pk)
    report = share.report
    if share.status != Share.Status.PENDING or not (
        actor.role == actor.Role.SUPERVISOR and selectors.is_own_report(actor, report)
    ):
        raise PermissionDenied(_("Only a supervisor of the reporting agency decides this."))
    share.decided_by = actor
    if not approve:
        share.status = Share.Status.REFUSED
        share.save()
        audit_record(
            action=AuditEntry.Action.SHARE_REFUSED,
            actor=actor,
            request=request,
            target=report,
            data={"agency": str(share.agency)},
        )
        return share
    bases = share_bases(
        source=report.agency_id, target=share.agency_id, categories=report.categories
    )
    if not bases:
        raise ValidationError(_("No agreement in force allows this share any more."))
    share.agreement = bases[0].agreement
    _activate_share(share, actor, request)
    return share


# --- Referrals -----------------------------------------------------------------------------


def referral_due_date(*, agency: Agency, urgency: str, sent_on: dt.date | None = None) -> dt.date:
    """Working days (no weekends, no national holidays) the receiving agency allows."""
    days = agency.referral_days_urgent if urgency == Urgency.URGENT else agency.referral_days_normal
    return add_working_days(sent_on or timezone.localdate(), days)


def _source_text(label) -> str:
    """A translatable label as its untranslated source text, for stored notification params."""
    with translation.override("en"):
        return str(label)


def _referral_event(referral: Referral, kind: str, message: str, *, to_sender: bool, actor: User):
    """Tell the other side: the sending agency's users, or the receiving agency's."""
    publish(
        kind=kind,
        message=message,
        params={
            "number": referral.report.number,
            "agency": (referral.to_agency if to_sender else referral.from_agency).short_name,
            # The source (English) label: Notification.text translates it for each reader.
            "action": _source_text(RequestedAction(referral.requested_action).label),
        },
        url=referral.get_absolute_url(),
        dedupe_key=f"referral:{referral.pk}:{kind}:{timezone.now().isoformat()}",
        agency_ids=[referral.from_agency_id if to_sender else referral.to_agency_id],
        exclude_user=actor,
    )


@transaction.atomic
def referral_send(
    *,
    actor: User,
    report: Report,
    to_agency: Agency,
    requested_action: str,
    urgency: str,
    message: str,
    due_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Ask one partner agency to act on a report. The report is shared with it first if it
    is not yet (same policy). Where the agency requires approval of shares, an officer can
    refer only a report already shared with that partner: referring is no way round it."""
    report = Report.objects.select_for_update().select_related("agency").get(pk=report.pk)
    if not _may_share(actor, report):
        raise PermissionDenied(_("You cannot refer this report."))
    errors: dict[str, list[str]] = {}
    if requested_action not in RequestedAction.values:
        errors["requested_action"] = [_("Choose the requested action.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if not message.strip():
        errors["message"] = [_("Say what you ask the partner to do.")]
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        errors["due_on"] = [_("The due date cannot lie in the past.")]
    share = report.shares.filter(agency=to_agency).first()
    # The policy is checked even when the report is shared already: a share stays readable
    # after its agreement ends, but no new referral is made without an agreement in force.
    bases = (
        share_bases(source=report.agency_id, target=to_agency.pk, categories=report.categories)
        if report.categories
        else []
    )
    if not bases:
        errors["to_agency"] = [
            _("No agreement in force allows referring this report to %(name)s.")
            % {"name": to_agency.short_name}
        ]
    shared = share is not None and share.status == Share.Status.ACTIVE
    if not shared and report.agency.share_requires_approval and actor.role != actor.Role.SUPERVISOR:
        errors["to_agency"] = [
            _(
                "Your agency requires a supervisor's approval to share: share the report with "
                "%(name)s first, then refer it."
            )
            % {"name": to_agency.short_name}
        ]
    if report.referrals.filter(
        to_agency=to_agency, status__in=list(OPEN_REFERRAL_STATUSES)
    ).exists():
        errors["to_agency"] = [_("An open referral to this agency exists already.")]
    if errors:
        raise ValidationError(errors)
    if not shared:
        share, _created = Share.objects.update_or_create(
            report=report,
            agency=to_agency,
            defaults={
                "agreement": bases[0].agreement,
                "status": Share.Status.PENDING,
                "shared_by": actor,
                "decided_by": actor,
            },
        )
        _activate_share(share, actor, request)
    referral = Referral.objects.create(
        number=next_referral_number(agency=report.agency, year=timezone.localdate().year),
        report=report,
        share=share,
        from_agency=report.agency,
        to_agency=to_agency,
        requested_action=requested_action,
        urgency=urgency,
        due_on=due_on or referral_due_date(agency=to_agency, urgency=urgency),
        message=message.strip(),
        sent_by=actor,
    )
    audit_record(
        action=AuditEntry.Action.REFERRAL_SENT,
        actor=actor,
        request=request,
        target=report,
        data={
            "referral": referral.pk,
            "to": str(to_agency),
            "action": requested_action,
            "urgency": urgency,
            "due_on": referral.due_on.isoformat(),
        },
    )
    _referral_event(
        referral,
        EVENT_REFERRAL_SENT,
        gettext_noop("%(agency)s refers report %(number)s to your agency: %(action)s."),
        to_sender=False,
        actor=actor,
    )
    return referral


def _lock_referral(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("report", "from_agency", "to_agency")
        .get(pk=referral.pk)
    )


def _referral_audit(action: str, actor: User, referral: Referral, request, **data) -> None:
    audit_record(
        action=action,
        actor=actor,
        request=request,
        target=referral.report,
        agency=actor.agency,
        data={"referral": referral.pk, **data},
    )


@transaction.atomic
def referral_accept(
    *,
    actor: User,
    referral: Referral,
    assigned_to: User | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    referral = _lock_referral(referral)
    if referral.status != ReferralStatus.SENT or not selectors.can_decide_referral(actor, referral):
        raise PermissionDenied(_("Only a supervisor of the receiving agency accepts a referral."))
    _check_assignee(referral, assigned_to)
    referral.status = ReferralStatus.ACCEPTED
    referral.accepted_at = timezone.now()
    referral.assigned_to = assigned_to
    referral.save()
    _referral_audit(
        AuditEntry.Action.REFERRAL_ACCEPTED,
        actor,
        referral,
        request,
        assigned_to=assigned_to.full_name if assigned_to else "",
    )
    _referral_event(
        referral,
        EVENT_REFERRAL_ACCEPTED,
        gettext_noop("%(agency)s accepted the referral of report %(number)s."),
        to_sender=True,
        actor=actor,
    )
    _tell_assignee(referral, actor)
    return referral


def _check_assignee(referral: Referral, assignee: User | None) -> None:
    if assignee is not None and (
        assignee.agency_id != referral.to_agency_id
        or not assignee.is_active
        # as AcceptForm offers: the agency's case workers, not its administrators
        or assignee.role not in (assignee.Role.OFFICER, assignee.Role.SUPERVISOR)
    ):
        raise ValidationError(
            {"assigned_to": [_("Assign the referral to someone of the receiving agency.")]}
        )


def _tell_assignee(referral: Referral, actor: User) -> None:
    if referral.assigned_to is None or referral.assigned_to_id == actor.pk:
        return
    from portal.notifications.services import notify

    notify(
        recipients=[referral.assigned_to],
        kind=EVENT_REFERRAL_ASSIGNED,
        message=gettext_noop("You are assigned the referral of report %(number)s."),
        params={"number": referral.report.number},
        url=referral.get_absolute_url(),
        dedupe_key=f"referral:{referral.pk}:assigned:{referral.assigned_to_id}",
    )


@transaction.atomic
def referral_assign(
    *, actor: User, referral: Referral, assigned_to: User, request: HttpRequest | None = None
) -> Referral:
    referral = _lock_referral(referral)
    if not referral.is_open or referral.status == ReferralStatus.SENT:
        raise PermissionDenied(_("Accept the referral before assigning it."))
    if not selectors.can_decide_referral(actor, referral):
        raise PermissionDenied(_("Only a supervisor of the receiving agency assigns it."))
    _check_assignee(referral, assigned_to)
    referral.assigned_to = assigned_to
    referral.save(update_fields=["assigned_to", "updated_at"])
    _referral_audit(
        AuditEntry.Action.REFERRAL_ASSIGNED,
        actor,
        referral,
        request,
        assigned_to=assigned_to.full_name,
    )
    _tell_assignee(referral, actor)
    return referral


@transaction.atomic
def referral_decline(
    *, actor: User, referral: Referral, reason: str, request: HttpRequest | None = None
) -> Referral:
    referral = _lock_referral(referral)
    if referral.status != ReferralStatus.SENT or not selectors.can_decide_referral(actor, referral):
        raise PermissionDenied(_("Only a supervisor of the receiving agency declines a referral."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for declining.")]})
    referral.status = ReferralStatus.DECLINED
    referral.decline_reason = reason.strip()
    referral.closed_at = timezone.now()
    referral.save()
    _referral_audit(
        AuditEntry.Action.REFERRAL_DECLINED, actor, referral, request, reason=reason.strip()
    )
    _referral_event(
        referral,
        EVENT_REFERRAL_DECLINED,
        gettext_noop("%(agency)s declined the referral of report %(number)s."),
        to_sender=True,
        actor=actor,
    )
    return referral


@transaction.atomic
def referral_start(
    *, actor: User, referral: Referral, request: HttpRequest | None = None
) -> Referral:
    referral = _lock_referral(referral)
    if referral.status != ReferralStatus.ACCEPTED or not selectors.can_work_on_referral(
        actor, referral
    ):
        raise PermissionDenied(_("Only the receiving agency works on an accepted referral."))
    referral.status = ReferralStatus.IN_PROGRESS
    referral.started_at = timezone.now()
    referral.save()
    _referral_audit(AuditEntry.Action.REFERRAL_STARTED, actor, referral, request)
    return referral


@transaction.atomic
def referral_complete(
    *,
    actor: User,
    referral: Referral,
    outcome: str,
    outcome_note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    referral = _lock_referral(referral)
    if referral.status not in (
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    ) or not selectors.can_work_on_referral(actor, referral):
        raise PermissionDenied(_("Only the receiving agency completes an accepted referral."))
    if outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    referral.status = ReferralStatus.COMPLETED
    referral.outcome = outcome
    referral.outcome_note = outcome_note.strip()
    referral.closed_at = timezone.now()
    referral.started_at = referral.started_at or referral.closed_at
    referral.save()
    _referral_audit(AuditEntry.Action.REFERRAL_COMPLETED, actor, referral, request, outcome=outcome)
    _referral_event(
        referral,
        EVENT_REFERRAL_COMPLETED,
        gettext_noop("%(agency)s completed the referral of report %(number)s."),
        to_sender=True,
        actor=actor,
    )
    return referral


@transaction.atomic
def referral_comment(
    *,
    actor: User,
    referral: Referral,
    body: str,
    upload: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> ReferralComment:
    """A comment (and optionally a file) from either side; the other side is told."""
    referral = _lock_referral(referral)
    side = selectors.referral_side(actor, referral)
    if side is None:
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": [_("Write a comment.")]})
    comment = ReferralComment.objects.create(
        referral=referral, author=actor, agency=actor.agency, body=body.strip()
    )
    if upload is not None:
        checked = _checked_case_file(
            upload,
            attached=referral.attachments.all(),
            type_error=_("Attachments must be a photo (JPEG, PNG, WebP) or a PDF."),
        )
        store_upload(
            ReferralAttachment(referral=referral, agency=actor.agency, uploaded_by=actor),
            checked,
            duplicate_error=_("This file is already attached."),
        )
    _referral_audit(AuditEntry.Action.REFERRAL_COMMENTED, actor, referral, request)
    publish(
        kind=EVENT_REFERRAL_COMMENT,
        message=gettext_noop("New comment from %(agency)s on the referral of report %(number)s."),
        params={"agency": actor.agency.short_name, "number": referral.report.number},
        url=referral.get_absolute_url(),
        dedupe_key=f"referral-comment:{comment.pk}",
        agency_ids=[referral.to_agency_id if side == "sender" else referral.from_agency_id],
        exclude_user=actor,
    )
    return comment


def referral_attachment_download_record(
    *, actor: User, item: ReferralAttachment, request: HttpRequest | None = None
) -> None:
    audit_record(
        action=AuditEntry.Action.FILE_DOWNLOADED,
        actor=actor,
        request=request,
        target=item.referral.report,
        agency=actor.agency,
        data={"file": item.original_name, "sha256": item.sha256, "referral": item.referral_id},
    )


def remind_overdue_referrals(*, today: dt.date | None = None) -> int:
    """Tell the receiving agency's supervisors, once a day, of each referral past its due
    date. Returns the number of referrals reminded about."""
    day = today or timezone.localdate()
    count = 0
    for referral in Referral.objects.filter(
        status__in=list(OPEN_REFERRAL_STATUSES), due_on__lt=day
    ).select_related("report"):
        with transaction.atomic():
            created = publish(
                kind=EVENT_REFERRAL_OVERDUE,
                message=gettext_noop(
                    "The referral of report %(number)s was due on %(due)s and is still open."
                ),
                params={"number": referral.report.number, "due": referral.due_on.isoformat()},
                url=referral.get_absolute_url(),
                dedupe_key=f"referral-overdue:{referral.pk}:{day.isoformat()}",
                agency_ids=[referral.to_agency_id],
                roles=["supervisor"],
            )
        count += created is not None
    return count

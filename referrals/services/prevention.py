"""Prevention actions: departures stopped or postponed at a checkpoint, recorded by the agency
that acted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.audit.models import AuditEntry
from portal.audit.services import apply_changes, audit_record
from referrals import permissions
from referrals.models import PreventionAction, Report, ReportPerson
from referrals.vocabularies import PASSPORT_KINDS, Checkpoint

if TYPE_CHECKING:
    from portal.accounts.models import Agency, User


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
    if not permissions.can_record_prevention(actor, report):
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
    if action.office_id not in _own_agencies(actor) or not permissions.is_own_report(actor, report):
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
    return access.case_file_agency_ids(actor)

"""Writes to agreements, parties, scopes and documents. Each service checks the actor's right,
validates (messages in the user's language), saves, and records the change on the agreement's
timeline (the audit log) in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementScope,
    AgreementStatus,
    ExpiryReminder,
    Party,
    Scope,
)
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.audit.services import apply_changes, audit_record
from portal.core.categories import ReportCategory
from portal.core.uploads import check_upload
from portal.notifications.services import notify

if TYPE_CHECKING:
    from portal.accounts.models import Agency

AGREEMENT_FIELDS = [
    "title",
    "kind",
    "signed_on",
    "signed_at",
    "effective_from",
    "effective_until",
    "summary",
]
PARTY_FIELDS = [
    "agreement_number",
    "signatory_name",
    "signatory_position",
    "role",
    "covers_child_offices",
]
SCOPE_FIELDS = [
    "code",
    "name_id",
    "name_en",
    "description",
    "allows_data_exchange",
    "is_active",
    "sort_order",
]
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def _record(
    action: str,
    *,
    actor: User | None,
    agreement: Agreement,
    request: HttpRequest | None = None,
    **data: Any,
) -> None:
    audit_record(
        action=action,
        actor=actor,
        actor_label="" if actor else "Sinergi",
        request=request,
        target=agreement,
        data=data,
    )


def _check_not_terminated(agreement: Agreement) -> None:
    if agreement.status == AgreementStatus.TERMINATED:
        raise ValidationError(_("A terminated agreement can no longer be changed."))


# --- Scopes (the vocabulary) ---------------------------------------------------------------


@transaction.atomic
def scope_create(*, actor: User, request: HttpRequest | None = None, **fields: Any) -> Scope:
    _require(actor, "agreements.manage_scopes")
    scope = Scope(**{k: v for k, v in fields.items() if k in SCOPE_FIELDS})
    scope.full_clean()
    scope.save()
    audit_record(
        action=AuditEntry.Action.SCOPE_CREATED,
        actor=actor,
        request=request,
        target=scope,
        data={"code": scope.code, "allows_data_exchange": scope.allows_data_exchange},
    )
    return scope


@transaction.atomic
def scope_update(
    *, actor: User, scope: Scope, request: HttpRequest | None = None, **changes: Any
) -> Scope:
    _require(actor, "agreements.manage_scopes")
    diff = apply_changes(scope, changes, SCOPE_FIELDS)
    scope.full_clean()
    if diff:
        scope.save(update_fields=[*diff, "updated_at"])
        audit_record(
            action=AuditEntry.Action.SCOPE_UPDATED,
            actor=actor,
            request=request,
            target=scope,
            data={"changes": diff},
        )
    return scope


# --- Agreements ----------------------------------------------------------------------------


def _check_period(agreement: Agreement) -> None:
    if (
        agreement.effective_until
        and agreement.effective_from
        and (agreement.effective_until < agreement.effective_from)
    ):
        raise ValidationError(
            {"effective_until": _("The end date cannot be before the start date.")}
        )
    if (
        agreement.signed_on
        and agreement.effective_from
        and (agreement.effective_from < agreement.signed_on - dt.timedelta(days=366))
    ):
        raise ValidationError(
            {"effective_from": _("The start date lies more than a year before the signing.")}
        )


@transaction.atomic
def agreement_create(
    *, actor: User, request: HttpRequest | None = None, **fields: Any
) -> Agreement:
    """A new agreement, as a draft: parties and scopes come next, then activation."""
    _require(actor, "agreements.manage_agreements")
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    agreement = Agreement(created_by=actor, status=AgreementStatus.DRAFT, **fields)
    _check_period(agreement)
    agreement.full_clean()
    agreement.save()
    _record(AuditEntry.Action.AGREEMENT_CREATED, actor=actor, agreement=agreement, request=request)
    return agreement


@transaction.atomic
def agreement_update(
    *, actor: User, agreement: Agreement, request: HttpRequest | None = None, **changes: Any
) -> Agreement:
    _require(actor, "agreements.manage_agreements")
    # Work on the row as it is now, locked: a copy loaded before another admin terminated the
    # agreement must not bring it back to life.
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _check_not_terminated(agreement)
    diff = apply_changes(agreement, changes, AGREEMENT_FIELDS)
    _check_period(agreement)
    agreement.full_clean()
    if not diff:
        return agreement
    update_fields = [*diff, "updated_at"]
    # An expired agreement whose end date moved into the future is in force again.
    today = timezone.localdate()
    if agreement.status == AgreementStatus.EXPIRED and (
        agreement.effective_until is None or agreement.effective_until >= today
    ):
        agreement.status = AgreementStatus.ACTIVE
        update_fields.append("status")
        diff["status"] = [AgreementStatus.EXPIRED, AgreementStatus.ACTIVE]
    agreement.save(update_fields=update_fields)
    _record(
        AuditEntry.Action.AGREEMENT_UPDATED,
        actor=actor,
        agreement=agreement,
        request=request,
        changes=diff,
    )
    return agreement


@transaction.atomic
def agreement_activate(
    *, actor: User, agreement: Agreement, request: HttpRequest | None = None
) -> Agreement:
    """Draft → active: the agreement now binds its parties (from its start date)."""
    _require(actor, "agreements.manage_agreements")
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError(_("Only a draft can be activated."))
    errors = []
    if agreement.parties.count() < 2:
        errors.append(_("An agreement needs at least two parties."))
    if agreement.effective_until and agreement.effective_until < timezone.localdate():
        errors.append(_("The agreement's period has already ended."))
    if errors:
        raise ValidationError(errors)
    agreement.status = AgreementStatus.ACTIVE
    agreement.save(update_fields=["status", "updated_at"])
    _record(
        AuditEntry.Action.AGREEMENT_ACTIVATED, actor=actor, agreement=agreement, request=request
    )
    return agreement


@transaction.atomic
def agreement_terminate(
    *,
    actor: User,
    agreement: Agreement,
    terminated_on: dt.date,
    reason: str,
    request: HttpRequest | None = None,
) -> Agreement:
    """End an agreement early. From `terminated_on` no new share can be made under it."""
    _require(actor, "agreements.manage_agreements")
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.EXPIRED):
        raise ValidationError(_("Only an active agreement can be terminated."))
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["termination_reason"] = [_("Give the reason for the termination.")]
    if terminated_on < agreement.effective_from:
        errors["terminated_on"] = [_("The termination date cannot be before the start date.")]
    if errors:
        raise ValidationError(errors)
    agreement.status = AgreementStatus.TERMINATED
    agreement.terminated_on = terminated_on
    agreement.termination_reason = reason.strip()
    agreement.save(update_fields=["status", "terminated_on", "termination_reason", "updated_at"])
    _record(
        AuditEntry.Action.AGREEMENT_TERMINATED,
        actor=actor,
        agreement=agreement,
        request=request,
        terminated_on=terminated_on.isoformat(),
        reason=agreement.termination_reason,
    )
    return agreement


# --- Parties -------------------------------------------------------------------------------


@transaction.atomic
def party_add(
    *,
    actor: User,
    agreement: Agreement,
    agency: Agency,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Party:
    _require(actor, "agreements.manage_agreements")
    _check_not_terminated(agreement)
    if agreement.parties.filter(agency=agency).exists():
        raise ValidationError({"agency": _("This agency is already a party to the agreement.")})
    party = Party(
        agreement=agreement, agency=agency, **{k: v for k, v in fields.items() if k in PARTY_FIELDS}
    )
    party.full_clean()
    party.save()
    _record(
        AuditEntry.Action.PARTY_ADDED,
        actor=actor,
        agreement=agreement,
        request=request,
        party=str(agency),
        covers_child_offices=party.covers_child_offices,
    )
    return party


@transaction.atomic
def party_update(
    *, actor: User, party: Party, request: HttpRequest | None = None, **changes: Any
) -> Party:
    _require(actor, "agreements.manage_agreements")
    _check_not_terminated(party.agreement)
    diff = apply_changes(party, changes, PARTY_FIELDS)
    party.full_clean()
    if diff:
        party.save(update_fields=list(diff))
        _record(
            AuditEntry.Action.PARTY_UPDATED,
            actor=actor,
            agreement=party.agreement,
            request=request,
            party=str(party.agency),
            changes=diff,
        )
    return party


@transaction.atomic
def party_remove(*, actor: User, party: Party, request: HttpRequest | None = None) -> None:
    _require(actor, "agreements.manage_agreements")
    agreement = party.agreement
    _check_not_terminated(agreement)
    if agreement.status != AgreementStatus.DRAFT and agreement.parties.count() <= 2:
        raise ValidationError(_("An agreement in force keeps at least two parties."))
    # A scope limited to some parties would silently widen to "every party" (or narrow to a
    # single one) if one of them disappeared: the admin must change the scope first.
    naming = [s.scope.name for s in party.scopes.select_related("scope")]
    if naming:
        raise ValidationError(
            _("This party is named in the scope(s) %(scopes)s: change those scopes first.")
            % {"scopes": ", ".join(naming)}
        )
    name = str(party.agency)
    party.delete()
    _record(
        AuditEntry.Action.PARTY_REMOVED,
        actor=actor,
        agreement=agreement,
        request=request,
        party=name,
    )


# --- Scopes of an agreement ----------------------------------------------------------------


def _check_agreement_scope(
    agreement_scope: AgreementScope, parties: list[Party], categories: list[str]
) -> None:
    errors: dict[str, list[str]] = {}
    foreign = [p for p in parties if p.agreement_id != agreement_scope.agreement_id]
    if foreign:
        errors["parties"] = [_("Only parties of this agreement can be chosen.")]
    unknown = set(categories) - set(ReportCategory.values)
    if unknown:
        errors["categories"] = [_("Unknown report category.")]
    if agreement_scope.scope.allows_data_exchange:
        if not categories:
            errors["categories"] = [_("Choose at least one report category that may be exchanged.")]
        if len(parties) == 1:
            errors["parties"] = [
                _("Data exchange needs at least two parties; leave empty for all parties.")
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_scope_add(
    *,
    actor: User,
    agreement: Agreement,
    scope: Scope,
    parties: list[Party] | None = None,
    categories: list[str] | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> AgreementScope:
    _require(actor, "agreements.manage_agreements")
    _check_not_terminated(agreement)
    if not scope.is_active:
        raise ValidationError({"scope": _("This scope is no longer in use.")})
    if agreement.scopes.filter(scope=scope).exists():
        raise ValidationError({"scope": _("The agreement already has this scope.")})
    parties = list(parties or [])
    if categories is None:  # categories matter only where data is exchanged
        categories = list(ReportCategory.values) if scope.allows_data_exchange else []
    categories = list(categories)
    agreement_scope = AgreementScope(
        agreement=agreement, scope=scope, categories=categories, notes=notes
    )
    _check_agreement_scope(agreement_scope, parties, categories)
    agreement_scope.full_clean()
    agreement_scope.save()
    agreement_scope.parties.set(parties)
    _record(
        AuditEntry.Action.AGREEMENT_SCOPE_ADDED,
        actor=actor,
        agreement=agreement,
        request=request,
        scope=scope.code,
        parties=[str(p.agency) for p in parties] or "all",
        categories=categories,
    )
    return agreement_scope


@transaction.atomic
def agreement_scope_update(
    *,
    actor: User,
    agreement_scope: AgreementScope,
    parties: list[Party],
    categories: list[str],
    notes: str = "",
    request: HttpRequest | None = None,
) -> AgreementScope:
    _require(actor, "agreements.manage_agreements")
    agreement = agreement_scope.agreement
    _check_not_terminated(agreement)
    _check_agreement_scope(agreement_scope, parties, categories)
    before_parties = sorted(str(p.agency) for p in agreement_scope.parties.all())
    before_categories = list(agreement_scope.categories)
    agreement_scope.categories = list(categories)
    agreement_scope.notes = notes
    agreement_scope.full_clean()
    agreement_scope.save(update_fields=["categories", "notes"])
    agreement_scope.parties.set(parties)
    after_parties = sorted(str(p.agency) for p in parties)
    changes = {}
    if before_parties != after_parties:
        changes["parties"] = [before_parties or "all", after_parties or "all"]
    if sorted(before_categories) != sorted(categories):
        changes["categories"] = [before_categories, list(categories)]
    if changes:
        _record(
            AuditEntry.Action.AGREEMENT_SCOPE_UPDATED,
            actor=actor,
            agreement=agreement,
            request=request,
            scope=agreement_scope.scope.code,
            changes=changes,
        )
    return agreement_scope


@transaction.atomic
def agreement_scope_remove(
    *, actor: User, agreement_scope: AgreementScope, request: HttpRequest | None = None
) -> None:
    _require(actor, "agreements.manage_agreements")
    agreement = agreement_scope.agreement
    _check_not_terminated(agreement)
    code = agreement_scope.scope.code
    agreement_scope.delete()
    _record(
        AuditEntry.Action.AGREEMENT_SCOPE_REMOVED,
        actor=actor,
        agreement=agreement,
        request=request,
        scope=code,
    )


# --- Documents -----------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    actor: User,
    agreement: Agreement,
    upload: UploadedFile,
    title: str,
    request: HttpRequest | None = None,
) -> AgreementDocument:
    """Store a signed copy. Only PDF, recognised by its content (not its name), up to 20 MB."""
    _require(actor, "agreements.manage_agreements")
    checked = check_upload(
        upload,
        allowed_types={"application/pdf"},
        max_bytes=MAX_DOCUMENT_BYTES,
        size_error=_("The file is larger than 20 MB."),
        type_error=_("Only PDF documents can be uploaded."),
    )
    content, digest = checked.content, checked.sha256
    if agreement.documents.filter(sha256=digest).exists():
        raise ValidationError({"file": _("This document is already attached.")})
    document = AgreementDocument(
        agreement=agreement,
        title=title.strip() or (upload.name or "")[:200],
        original_name=checked.name,
        size=len(content),
        sha256=digest,
        uploaded_by=actor,
    )
    document.file.save("document.pdf", ContentFile(content), save=False)
    document.full_clean()
    document.save()
    _record(
        AuditEntry.Action.DOCUMENT_UPLOADED,
        actor=actor,
        agreement=agreement,
        request=request,
        document=document.title,
        sha256=digest,
    )
    return document


def document_download_record(
    *, actor: User, document: AgreementDocument, request: HttpRequest | None = None
) -> None:
    _record(
        AuditEntry.Action.DOCUMENT_DOWNLOADED,
        actor=actor,
        agreement=document.agreement,
        request=request,
        document=document.title,
        sha256=document.sha256,
    )


# --- The daily job -------------------------------------------------------------------------


@transaction.atomic
def agreements_expire_due(*, today: dt.date) -> list[Agreement]:
    """Active agreements whose last day has passed become expired."""
    due = list(
        Agreement.objects.select_for_update(skip_locked=True).filter(
            status=AgreementStatus.ACTIVE, effective_until__lt=today
        )
    )
    for agreement in due:
        agreement.status = AgreementStatus.EXPIRED
        agreement.save(update_fields=["status", "updated_at"])
        _record(
            AuditEntry.Action.AGREEMENT_EXPIRED,
            actor=None,
            agreement=agreement,
            effective_until=str(agreement.effective_until),  # set: the filter's condition
        )
    return due


def _party_admins(agreement: Agreement) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        role=User.Role.AGENCY_ADMIN,
        agency__agreement_parties__agreement=agreement,
    ).distinct()


@transaction.atomic
def agreements_send_expiry_reminders(*, today: dt.date) -> list[ExpiryReminder]:
    """Tell the agency admins of every party that an agreement ends in 60, 30 and 7 days,
    each reminder exactly once. A day the job did not run is caught up: a reminder whose
    day has passed goes out the next time, unless a later (nearer) one is due instead."""
    thresholds = sorted(settings.AGREEMENT_EXPIRY_REMINDER_DAYS, reverse=True)
    horizon = today + dt.timedelta(days=max(thresholds))
    sent: list[ExpiryReminder] = []
    candidates = Agreement.objects.filter(
        status=AgreementStatus.ACTIVE, effective_until__gte=today, effective_until__lte=horizon
    )
    for agreement in candidates:
        end = agreement.effective_until
        if end is None:  # never: the filter's condition (this narrows the type)
            continue
        days_left = (end - today).days
        crossed = [d for d in thresholds if days_left <= d]
        done = set(
            ExpiryReminder.objects.filter(agreement=agreement, effective_until=end).values_list(
                "days_before", flat=True
            )
        )
        pending = [d for d in crossed if d not in done]
        if not pending:
            continue
        # Only the nearest pending threshold is announced; the farther ones it overtook are
        # recorded as done so they never arrive late and out of order.
        nearest = min(pending)
        for days in pending:
            reminder = ExpiryReminder.objects.create(
                agreement=agreement, days_before=days, effective_until=end
            )
            if days == nearest:
                sent.append(reminder)
        notify(
            recipients=_party_admins(agreement),
            kind="agreement_expiry",
            message=gettext_noop("The agreement “%(title)s” ends on %(end)s, in %(days)s days."),
            params={
                "title": agreement.title,
                "end": end.strftime("%d-%m-%Y"),
                "days": days_left,
            },
            url=agreement.get_absolute_url(),
            dedupe_key=f"agreement-expiry:{agreement.pk}:{end}:{nearest}",
        )
        _record(
            AuditEntry.Action.EXPIRY_REMINDER_SENT,
            actor=None,
            agreement=agreement,
            days_before=nearest,
            days_left=days_left,
        )
    return sent

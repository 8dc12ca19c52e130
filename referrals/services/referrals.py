"""Referrals: one agency asks a partner to act on a report; the partner accepts, assigns, works
and completes it, or declines; both sides comment. Overdue referrals are reminded daily."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from agreements.sharing_policy import share_bases
from portal import access
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.core.uploads import store_upload
from portal.notifications.services import notify, publish
from referrals import permissions
from referrals.models import (
    REFERRAL_SERIES,
    Referral,
    ReferralAttachment,
    ReferralComment,
    Report,
    Share,
    format_referral_number,
)
from referrals.permissions import may_share_report
from referrals.services._common import (
    EVENT_MESSAGES,
    EVENT_REFERRAL_ACCEPTED,
    EVENT_REFERRAL_ASSIGNED,
    EVENT_REFERRAL_COMMENT,
    EVENT_REFERRAL_COMPLETED,
    EVENT_REFERRAL_DECLINED,
    EVENT_REFERRAL_OVERDUE,
    EVENT_REFERRAL_SENT,
    next_serial,
)
from referrals.services.evidence import checked_case_file
from referrals.services.sharing import activate_share
from referrals.vocabularies import (
    OPEN_REFERRAL_STATUSES,
    ReferralOutcome,
    ReferralStatus,
    RequestedAction,
    Urgency,
)
from referrals.workdays import add_working_days

if TYPE_CHECKING:
    from portal.accounts.models import Agency, User


def next_referral_number(*, agency: Agency, year: int) -> str:
    """RJK-CODE-YYYY-NNNN, per sending agency and year, like the report numbers."""
    serial = next_serial(series=REFERRAL_SERIES, code=agency.code, year=year)
    return format_referral_number(code=agency.code, year=year, serial=serial)


def referral_due_date(*, agency: Agency, urgency: str, sent_on: dt.date | None = None) -> dt.date:
    """Working days (no weekends, no national holidays) the receiving agency allows."""
    days = agency.referral_days_urgent if urgency == Urgency.URGENT else agency.referral_days_normal
    return add_working_days(sent_on or timezone.localdate(), days)


def _source_text(label: str | Promise) -> str:
    """A translatable label as its untranslated source text, for stored notification params."""
    with translation.override("en"):
        return str(label)


def _referral_event(
    referral: Referral, kind: str, message: str, *, to_sender: bool, actor: User
) -> None:
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
    if not may_share_report(actor, report):
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
    if not shared and report.agency.share_requires_approval and not access.is_supervisor(actor):
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
    if share is None or not shared:
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
        activate_share(share, actor, request)
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
        EVENT_MESSAGES[EVENT_REFERRAL_SENT],
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


def _referral_audit(
    action: str, actor: User, referral: Referral, request: HttpRequest | None, **data: Any
) -> None:
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
    if referral.status != ReferralStatus.SENT or not permissions.can_decide_referral(
        actor, referral
    ):
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
        EVENT_MESSAGES[EVENT_REFERRAL_ACCEPTED],
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
        or assignee.role not in access.CASE_WORKER_ROLES
    ):
        raise ValidationError(
            {"assigned_to": [_("Assign the referral to someone of the receiving agency.")]}
        )


def _tell_assignee(referral: Referral, actor: User) -> None:
    if referral.assigned_to is None or referral.assigned_to_id == actor.pk:
        return
    notify(
        recipients=[referral.assigned_to],
        kind=EVENT_REFERRAL_ASSIGNED,
        message=EVENT_MESSAGES[EVENT_REFERRAL_ASSIGNED],
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
    if not permissions.can_decide_referral(actor, referral):
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
    if referral.status != ReferralStatus.SENT or not permissions.can_decide_referral(
        actor, referral
    ):
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
        EVENT_MESSAGES[EVENT_REFERRAL_DECLINED],
        to_sender=True,
        actor=actor,
    )
    return referral


@transaction.atomic
def referral_start(
    *, actor: User, referral: Referral, request: HttpRequest | None = None
) -> Referral:
    referral = _lock_referral(referral)
    if referral.status != ReferralStatus.ACCEPTED or not permissions.can_work_on_referral(
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
    ) or not permissions.can_work_on_referral(actor, referral):
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
        EVENT_MESSAGES[EVENT_REFERRAL_COMPLETED],
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
    side = permissions.referral_side(actor, referral)
    if side is None:
        raise PermissionDenied
    if not body.strip():
        raise ValidationError({"body": [_("Write a comment.")]})
    comment = ReferralComment.objects.create(
        referral=referral, author=actor, agency=actor.agency, body=body.strip()
    )
    if upload is not None:
        checked = checked_case_file(
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
        message=EVENT_MESSAGES[EVENT_REFERRAL_COMMENT],
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
                message=EVENT_MESSAGES[EVENT_REFERRAL_OVERDUE],
                params={"number": referral.report.number, "due": referral.due_on.isoformat()},
                url=referral.get_absolute_url(),
                dedupe_key=f"referral-overdue:{referral.pk}:{day.isoformat()}",
                agency_ids=[referral.to_agency_id],
                roles=["supervisor"],
            )
        count += created is not None
    return count

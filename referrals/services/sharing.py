"""Sharing a submitted report with partner agencies, as the agreements in force allow; with the
reporting agency's approval where it asks for one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.sharing_policy import entitled_recipients, share_bases
from portal import access
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.notifications.services import publish
from referrals.models import Report, Share
from referrals.permissions import may_decide_shares, may_share_report
from referrals.services._common import EVENT_MESSAGES, EVENT_SHARE_REQUESTED, EVENT_SHARED
from referrals.vocabularies import ReportStatus

if TYPE_CHECKING:
    from portal.accounts.models import Agency, User


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


def activate_share(share: Share, actor: User, request: HttpRequest | None) -> None:
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
        message=EVENT_MESSAGES[EVENT_SHARED],
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
    if not may_share_report(actor, report):
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
    needs_approval = report.agency.share_requires_approval and not access.is_supervisor(actor)
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
                message=EVENT_MESSAGES[EVENT_SHARE_REQUESTED],
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
            activate_share(share, actor, request)
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
    if share.status != Share.Status.PENDING or not may_decide_shares(actor, report):
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
    activate_share(share, actor, request)
    return share

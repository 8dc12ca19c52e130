"""Who may do what with a report, its files, shares and referrals: the predicates of the
referrals app (the idiom is portal.access's). Which reports a user sees is
referrals.selectors (visible_reports, own_reports); these decide from a loaded row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import Q, QuerySet

from portal import access
from portal.accounts.models import Agency, AgencyKind
from referrals.models import PreventionAction, Referral, ReferralAttachment, Report
from referrals.vocabularies import ReferralStatus, ReportStatus

if TYPE_CHECKING:
    from portal.accounts.models import User


# --- Reports -------------------------------------------------------------------------------


def others_drafts(user: User) -> Q:
    """The drafts `user` may not see although they belong to their agency: only the author
    sees a draft until it is submitted (the queryset form of is_own_report's draft rule)."""
    return Q(status=ReportStatus.DRAFT) & ~Q(created_by_id=user.pk)


@rules.predicate
def is_own_report(user: User, report: Report) -> bool:
    """own_reports(user) holds `report` — decided from the loaded row, without a query (the
    report page asks several times)."""
    if report.agency_id not in access.case_file_agency_ids(user):
        return False
    return report.status != ReportStatus.DRAFT or report.created_by_id == user.pk


# A partner may reveal identifiers once it has accepted a referral of the report.
IDENTIFIER_REFERRAL_STATUSES = [
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.COMPLETED,
]


@rules.predicate
def may_see_identifiers(user: User, report: Report) -> bool:
    """May the user reveal identifiers and open the files of this report — its evidence and
    the attachments of its referrals? Its own agencies always; a partner once it has accepted
    a referral of it (until then the files are listed by name only). The one rule of every
    reveal, download and list of files, on pages and API."""
    if is_own_report(user, report):
        return True
    return Referral.objects.filter(
        report=report,
        to_agency_id__in=access.case_file_agency_ids(user),
        status__in=IDENTIFIER_REFERRAL_STATUSES,
    ).exists()


def attachment_opens(user: User, attachment: ReferralAttachment, files_open: bool) -> bool:
    # The receiving agency's own uploads are not the sender's case material: always open to it.
    return files_open or attachment.agency_id in access.case_file_agency_ids(user)


@rules.predicate
def may_open_attachment(user: User, attachment: ReferralAttachment) -> bool:
    """May the user download this attachment of a referral? The rule of the report's evidence
    (may_see_identifiers: a partner not before it has accepted a referral of the report),
    except that an agency always opens what it attached itself."""
    return attachment_opens(user, attachment, may_see_identifiers(user, attachment.referral.report))


# Who writes reports at all: the case workers (portal.access).
can_create_report = access.is_case_worker


def _supervises(user: User, report: Report) -> bool:
    return access.is_supervisor(user) and report.agency_id in access.case_file_agency_ids(user)


@rules.predicate
def can_edit_report(user: User, report: Report) -> bool:
    """Drafts by their author; submitted reports (corrected, with a reason) by their author
    or a supervisor of the agency; closed reports by nobody."""
    if not is_own_report(user, report):
        return False
    if report.status == ReportStatus.DRAFT:
        return report.created_by_id == user.pk
    if report.status == ReportStatus.CLOSED:
        return False
    return report.created_by_id == user.pk or _supervises(user, report)


@rules.predicate
def can_review_report(user: User, report: Report) -> bool:
    return report.status in (ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW) and _supervises(
        user, report
    )


@rules.predicate
def can_record_prevention(user: User, report: Report) -> bool:
    """Officers and supervisors of an immigration office record prevention actions on any
    report they see as their own agency's — closed ones too: a deferral often comes later."""
    return access.works_at_immigration_office(user) and is_own_report(user, report)


@rules.predicate
def may_change_prevention(user: User, action: PreventionAction) -> bool:
    """The rule of services.prevention_update: the office that took the action, on a report of
    its own (a partner reading a shared report gets no edit form)."""
    return is_own_report(user, action.report) and action.office_id in access.case_file_agency_ids(
        user
    )


def prevention_offices(user: User) -> QuerySet[Agency]:
    """The immigration offices among the user's own agencies: those a prevention action may
    be recorded in (the office choice of its form; referrals.services checks the same)."""
    return Agency.objects.filter(
        pk__in=access.case_file_agency_ids(user), kind=AgencyKind.IMMIGRATION
    )


@rules.predicate
def can_delete_report(user: User, report: Report) -> bool:
    return report.status == ReportStatus.DRAFT and report.created_by_id == user.pk


@rules.predicate
def can_remove_evidence(user: User, report: Report) -> bool:
    """Evidence leaves a draft only, by whoever may edit it: once submitted it stays (chain
    of custody)."""
    return report.status == ReportStatus.DRAFT and can_edit_report(user, report)


# --- Shares and referrals ------------------------------------------------------------------


@rules.predicate
def may_share_report(user: User, report: Report) -> bool:
    """Share a report with partners, or refer it to one: a case worker of its own agencies,
    once it is submitted (never a draft)."""
    return (
        is_own_report(user, report)
        and report.status != ReportStatus.DRAFT
        and access.is_case_worker(user)
    )


@rules.predicate
def may_decide_shares(user: User, report: Report) -> bool:
    """Approve or refuse the shares of a report that wait: a supervisor of its agencies."""
    return access.is_supervisor(user) and is_own_report(user, report)


def referral_side(user: User, referral: Referral) -> str | None:
    """ "sender", "receiver" or None: which end of the referral the user is on."""
    agencies = access.case_file_agency_ids(user)
    if referral.to_agency_id in agencies:
        return "receiver"
    if referral.from_agency_id in agencies:
        return "sender"
    return None


@rules.predicate
def can_decide_referral(user: User, referral: Referral) -> bool:
    """Accept, decline, assign: the receiving agency's supervisors."""
    return access.is_supervisor(user) and referral_side(user, referral) == "receiver"


@rules.predicate
def can_work_on_referral(user: User, referral: Referral) -> bool:
    """Start and complete: the receiving agency's supervisors, and the officer assigned."""
    return referral_side(user, referral) == "receiver" and (
        access.is_supervisor(user) or referral.assigned_to_id == user.pk
    )


rules.add_perm("referrals.view_identifiers_report", may_see_identifiers)
rules.add_perm("referrals.view_attachment", may_open_attachment)
rules.add_perm("referrals.change_report", can_edit_report)
rules.add_perm("referrals.review_report", can_review_report)
rules.add_perm("referrals.delete_report", can_delete_report)
rules.add_perm("referrals.delete_evidence", can_remove_evidence)
rules.add_perm("referrals.add_preventionaction", can_record_prevention)
rules.add_perm("referrals.change_preventionaction", may_change_prevention)
rules.add_perm("referrals.share_report", may_share_report)
rules.add_perm("referrals.decide_share", may_decide_shares)
rules.add_perm("referrals.decide_referral", can_decide_referral)
rules.add_perm("referrals.work_on_referral", can_work_on_referral)

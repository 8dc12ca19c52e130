"""The home page's panels of case files (portal/core/dashboard.py): a supervisor's queues and
figures, a case worker's referrals and drafts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from portal import access
from portal.accounts.models import User
from portal.core.dashboard import Card, Dashboard, register
from referrals.models import Referral
from referrals.selectors import own_reports, pending_shares, referral_queue, review_queue
from referrals.stats.selectors import agency_figures as stats_figures
from referrals.vocabularies import OPEN_REFERRAL_STATUSES, ReferralStatus, ReportStatus


# Supervisors file reports too: they get the case worker's panels after their own.
@register("referrals-supervisor", order=10, shown_to=access.is_supervisor)
def supervisor_panels(user: User, board: Dashboard, today: dt.date) -> None:
    review = reverse("referrals:review_queue")
    incoming = reverse("referrals:referral_queue", args=["incoming"])
    board.add(
        "review",
        review_queue(user=user).filter(status=ReportStatus.SUBMITTED),
        title=_("Reports waiting for review"),
        empty=_("No report is waiting for review."),
        url=review,
        row_template="referrals/_dashboard_report.html",
    )
    board.add(
        "approvals",
        pending_shares(user=user),
        title=_("Shares waiting for your approval"),
        empty=_("No share is waiting for approval."),
        url=review,
        row_template="referrals/_dashboard_share.html",
    )
    board.add(
        "incoming",
        referral_queue(user=user, incoming=True).filter(status=ReferralStatus.SENT),
        title=_("Referrals to accept or decline"),
        empty=_("No new referral."),
        url=incoming,
        row_template="referrals/_dashboard_referral.html",
    )
    board.add(
        "overdue",
        referral_queue(user=user, incoming=True).filter(due_on__lt=today),
        title=_("Overdue referrals to your agency"),
        empty=_("No referral to your agency is overdue."),
        url=incoming,
        row_template="referrals/_dashboard_referral.html",
    )
    board.add(
        "overdue-outgoing",
        referral_queue(user=user, incoming=False).filter(due_on__lt=today),
        title=_("Overdue referrals you sent"),
        empty=_("No referral you sent is overdue."),
        url=reverse("referrals:referral_queue", args=["outgoing"]),
        row_template="referrals/_dashboard_referral.html",
    )
    board.summaries["figures"] = Card(
        template="referrals/_dashboard_figures.html", data=agency_figures(user)
    )


@register("referrals-case-worker", order=20, shown_to=access.is_case_worker)
def case_worker_panels(user: User, board: Dashboard, today: dt.date) -> None:
    board.add(
        "assigned",
        Referral.objects.filter(
            assigned_to=user,
            to_agency_id__in=access.case_file_agency_ids(user),
            status__in=list(OPEN_REFERRAL_STATUSES),
        )
        .select_related("report", "from_agency", "to_agency")
        .order_by("due_on", "sent_at"),
        title=_("Referrals assigned to you"),
        empty=_("No referral is assigned to you."),
        url=reverse("referrals:referral_queue", args=["incoming"]),
        row_template="referrals/_dashboard_referral.html",
    )
    board.add(
        "drafts",
        own_reports(user)
        .filter(status=ReportStatus.DRAFT, created_by=user)
        .select_related("agency")
        .only("id", "number", "occurred_at", "updated_at", "agency__short_name")
        .order_by("-updated_at"),
        title=_("Your draft reports"),
        empty=_("No draft: every report you started is submitted."),
        url=reverse("referrals:list"),
        row_template="referrals/_dashboard_draft.html",
    )


def agency_figures(user: User) -> dict[str, Any]:
    """The supervisor's headline figures: reports and persons of this month and year and
    referrals open or overdue (referrals.stats, from its summary table), plus the reports still
    open (submitted or under review), counted live because they change by the minute."""
    figures = stats_figures(user)
    figures["open_reports"] = (
        own_reports(user)
        .filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW])
        .count()
    )
    return figures

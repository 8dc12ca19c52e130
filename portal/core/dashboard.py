"""The home page's panels: what each role has to act on today.

Reads only: every panel starts from the scoping selectors of its app, so the dashboard shows
nothing a list page would not. Each panel costs one or two queries however many records lie
behind it (a count and the first few rows), so the home page stays fast at any size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.accounts.models import User

PANEL_ROWS = 5
EXPIRY_HORIZON_DAYS = 90
INACTIVE_AFTER_DAYS = 90


@dataclass
class Panel:
    """A count and the first rows of a queryset the user may see, with what the template
    needs to show them: a title, the line for an empty panel, the list it summarises and
    how to render a row (`kind`: report, draft, share, referral, notification, agreement)."""

    rows: list[Any]
    count: int
    title: str = ""
    empty: str = ""
    url: str = ""
    kind: str = ""

    @classmethod
    def of(cls, qs: QuerySet, *, limit: int = PANEL_ROWS, **meta: str) -> Panel:
        # One query for the rows; the count only when the rows fill the panel.
        rows = list(qs[: limit + 1])
        if len(rows) <= limit:
            return cls(rows=rows, count=len(rows), **meta)
        return cls(rows=rows[:limit], count=qs.count(), **meta)


@dataclass
class Dashboard:
    role: str
    panels: dict[str, Panel] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    activity: dict[str, Any] = field(default_factory=dict)
    recent_users: list[User] = field(default_factory=list)

    def add(self, key: str, qs: QuerySet, *, title: str, empty: str, url: str, kind: str) -> None:
        self.panels[key] = Panel.of(qs, title=title, empty=empty, url=url, kind=kind)


def _officer_panels(user: User, board: Dashboard) -> None:
    from portal.notifications.models import Notification
    from referrals.models import Referral
    from referrals.selectors import own_reports
    from referrals.vocabularies import OPEN_REFERRAL_STATUSES, ReportStatus

    incoming = reverse("referrals:referral_queue", args=["incoming"])
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
        url=incoming,
        kind="referral",
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
        kind="draft",
    )
    board.add(
        "notifications",
        Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at"),
        title=_("Unread notifications"),
        empty=_("You have read every notification."),
        url=reverse("notifications:list"),
        kind="notification",
    )


def _supervisor_panels(user: User, board: Dashboard, today: dt.date) -> None:
    from referrals.selectors import pending_shares, referral_queue, review_queue
    from referrals.vocabularies import ReferralStatus, ReportStatus

    review = reverse("referrals:review_queue")
    incoming = reverse("referrals:referral_queue", args=["incoming"])
    board.add(
        "review",
        review_queue(user=user).filter(status=ReportStatus.SUBMITTED),
        title=_("Reports waiting for review"),
        empty=_("No report is waiting for review."),
        url=review,
        kind="report",
    )
    board.add(
        "approvals",
        pending_shares(user=user),
        title=_("Shares waiting for your approval"),
        empty=_("No share is waiting for approval."),
        url=review,
        kind="share",
    )
    board.add(
        "incoming",
        referral_queue(user=user, incoming=True).filter(status=ReferralStatus.SENT),
        title=_("Referrals to accept or decline"),
        empty=_("No new referral."),
        url=incoming,
        kind="referral",
    )
    board.add(
        "overdue",
        referral_queue(user=user, incoming=True).filter(due_on__lt=today),
        title=_("Overdue referrals to your agency"),
        empty=_("No referral to your agency is overdue."),
        url=incoming,
        kind="referral",
    )
    board.add(
        "overdue-outgoing",
        referral_queue(user=user, incoming=False).filter(due_on__lt=today),
        title=_("Overdue referrals you sent"),
        empty=_("No referral you sent is overdue."),
        url=reverse("referrals:referral_queue", args=["outgoing"]),
        kind="referral",
    )
    board.figures = agency_figures(user)


def agency_figures(user: User) -> dict[str, Any]:
    """The supervisor's headline figures: reports and persons of this month and year and
    referrals open or overdue (referrals.stats, from its summary table), plus the reports still
    open (submitted or under review), counted live because they change by the minute."""
    from referrals.selectors import own_reports
    from referrals.stats.selectors import agency_figures as stats_figures
    from referrals.vocabularies import ReportStatus

    figures = stats_figures(user)
    figures["open_reports"] = (
        own_reports(user)
        .filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW])
        .count()
    )
    return figures


def _admin_panels(user: User, board: Dashboard, today: dt.date) -> None:
    from agreements.models import AgreementStatus
    from agreements.selectors import visible_agreements
    from portal.audit.models import AuditEntry

    agreements = reverse("agreements:list")
    board.add(
        "expiring",
        visible_agreements(user)
        .in_force_on(today)
        .filter(effective_until__lte=today + dt.timedelta(days=EXPIRY_HORIZON_DAYS))
        .order_by("effective_until", "title"),
        title=_("Agreements ending within 90 days"),
        empty=_("No agreement in force ends within 90 days."),
        url=agreements,
        kind="agreement",
    )
    board.add(
        "expired",
        visible_agreements(user)
        .filter(status=AgreementStatus.EXPIRED, effective_until__gte=today - dt.timedelta(days=90))
        .order_by("-effective_until", "title"),
        title=_("Agreements that ended in the last 90 days"),
        empty=_("No agreement ended in the last 90 days."),
        url=agreements,
        kind="agreement",
    )
    users = access.manageable_users(user).filter(is_active=True)
    now = timezone.now()
    week_ago = now - dt.timedelta(days=7)
    board.activity = users.aggregate(
        active=Count("id"),
        signed_in_week=Count("id", filter=Q(last_login__gte=week_ago)),
        never=Count("id", filter=Q(last_login__isnull=True)),
        dormant=Count("id", filter=Q(last_login__lt=now - dt.timedelta(days=INACTIVE_AFTER_DAYS))),
    )
    board.activity["failed_day"] = AuditEntry.objects.filter(
        action=AuditEntry.Action.LOGIN_FAILED,
        actor__in=users,
        created_at__gte=now - dt.timedelta(days=1),
    ).count()
    board.recent_users = list(
        users.filter(last_login__isnull=False)
        .select_related("agency")
        .only("id", "username", "full_name", "role", "last_login", "agency__name")
        .order_by("-last_login")[:PANEL_ROWS]
    )


def dashboard_for(user: User, *, today: dt.date | None = None) -> Dashboard:
    """The panels of `user`'s role. Supervisors file reports too, so they get the officer's
    panels as well; admins manage people and agreements, not cases."""
    today = today or timezone.localdate()
    board = Dashboard(role=user.role)
    if user.role == User.Role.SUPERVISOR:
        _supervisor_panels(user, board, today)
    if user.role in (User.Role.OFFICER, User.Role.SUPERVISOR):
        _officer_panels(user, board)
    if user.role in (User.Role.AGENCY_ADMIN, User.Role.SYSTEM_ADMIN):
        _admin_panels(user, board, today)
    return board

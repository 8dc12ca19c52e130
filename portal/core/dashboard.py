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
from django.utils import timezone

from portal import access
from portal.accounts.models import User

PANEL_ROWS = 5
EXPIRY_HORIZON_DAYS = 90
INACTIVE_AFTER_DAYS = 90


@dataclass
class Panel:
    """A count and the first rows of a queryset the user may see."""

    rows: list[Any]
    count: int

    @classmethod
    def of(cls, qs: QuerySet, limit: int = PANEL_ROWS) -> Panel:
        # One query for the rows; the count only when the rows fill the panel.
        rows = list(qs[: limit + 1])
        if len(rows) <= limit:
            return cls(rows=rows, count=len(rows))
        return cls(rows=rows[:limit], count=qs.count())


@dataclass
class Dashboard:
    role: str
    panels: dict[str, Panel] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    activity: dict[str, Any] = field(default_factory=dict)


def _officer_panels(user: User, board: Dashboard) -> None:
    from portal.notifications.models import Notification
    from referrals.models import Referral
    from referrals.selectors import own_reports
    from referrals.vocabularies import OPEN_REFERRAL_STATUSES, ReportStatus

    board.panels["drafts"] = Panel.of(
        own_reports(user)
        .filter(status=ReportStatus.DRAFT, created_by=user)
        .select_related("agency")
        .only("id", "number", "occurred_at", "updated_at", "agency__short_name")
        .order_by("-updated_at")
    )
    board.panels["assigned"] = Panel.of(
        Referral.objects.filter(
            assigned_to=user,
            to_agency_id__in=access.visible_agency_ids(user),
            status__in=list(OPEN_REFERRAL_STATUSES),
        )
        .select_related("report", "from_agency")
        .order_by("due_on", "sent_at")
    )
    board.panels["notifications"] = Panel.of(
        Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")
    )


def _supervisor_panels(user: User, board: Dashboard, today: dt.date) -> None:
    from referrals.selectors import pending_shares, referral_queue, review_queue
    from referrals.vocabularies import ReferralStatus, ReportStatus

    board.panels["review"] = Panel.of(review_queue(user=user).filter(status=ReportStatus.SUBMITTED))
    board.panels["approvals"] = Panel.of(pending_shares(user=user))
    board.panels["incoming"] = Panel.of(
        referral_queue(user=user, incoming=True).filter(status=ReferralStatus.SENT)
    )
    overdue = referral_queue(user=user, incoming=True).filter(due_on__lt=today)
    outgoing_overdue = referral_queue(user=user, incoming=False).filter(due_on__lt=today)
    board.panels["overdue"] = Panel.of(overdue)
    board.panels["overdue_outgoing"] = Panel.of(outgoing_overdue)
    board.figures = agency_figures(user)


def agency_figures(user: User) -> dict[str, Any]:
    """The supervisor's headline figures: reports and persons of this month and year and
    referrals open or overdue (portal.stats, from its summary table), plus the reports still
    open (submitted or under review), counted live because they change by the minute."""
    from portal.stats.selectors import agency_figures as stats_figures
    from referrals.selectors import own_reports
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

    board.panels["expiring"] = Panel.of(
        visible_agreements(user)
        .in_force_on(today)
        .filter(effective_until__lte=today + dt.timedelta(days=EXPIRY_HORIZON_DAYS))
        .order_by("effective_until", "title")
    )
    board.panels["expired"] = Panel.of(
        visible_agreements(user)
        .filter(status=AgreementStatus.EXPIRED, effective_until__gte=today - dt.timedelta(days=90))
        .order_by("-effective_until", "title")
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
    board.panels["recent_users"] = Panel.of(
        users.filter(last_login__isnull=False)
        .select_related("agency")
        .only("id", "username", "full_name", "role", "last_login", "agency__name")
        .order_by("-last_login")
    )


def dashboard_for(user: User, *, today: dt.date | None = None) -> Dashboard:
    """The panels of `user`'s role. Supervisors file reports too, so they get the officer's
    panels as well; admins manage people and agreements, not cases."""
    today = today or timezone.localdate()
    board = Dashboard(role=user.role)
    if user.role in (User.Role.OFFICER, User.Role.SUPERVISOR):
        _officer_panels(user, board)
    if user.role == User.Role.SUPERVISOR:
        _supervisor_panels(user, board, today)
    if user.role in (User.Role.AGENCY_ADMIN, User.Role.SYSTEM_ADMIN):
        _admin_panels(user, board, today)
    return board

"""The home page's card of user activity (portal/core/dashboard.py), for admins: the accounts
they manage, who signs in and who does not, and failed sign-ins."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from portal import access
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.core.dashboard import PANEL_ROWS, Card, Dashboard, register

INACTIVE_AFTER_DAYS = 90


@register("accounts-activity", order=50, shown_to=access.is_admin)
def activity_card(user: User, board: Dashboard, today: dt.date) -> None:
    users = access.manageable_users(user).filter(is_active=True)
    now = timezone.now()
    week_ago = now - dt.timedelta(days=7)
    activity = users.aggregate(
        active=Count("id"),
        signed_in_week=Count("id", filter=Q(last_login__gte=week_ago)),
        never=Count("id", filter=Q(last_login__isnull=True)),
        dormant=Count("id", filter=Q(last_login__lt=now - dt.timedelta(days=INACTIVE_AFTER_DAYS))),
    )
    activity["failed_day"] = AuditEntry.objects.filter(
        action=AuditEntry.Action.LOGIN_FAILED,
        actor__in=users,
        created_at__gte=now - dt.timedelta(days=1),
    ).count()
    activity["recent_users"] = list(
        users.filter(last_login__isnull=False)
        .select_related("agency")
        .only("id", "username", "full_name", "role", "last_login", "agency__name")
        .order_by("-last_login")[:PANEL_ROWS]
    )
    board.panels["activity"] = Card(template="accounts/_dashboard_activity.html", data=activity)

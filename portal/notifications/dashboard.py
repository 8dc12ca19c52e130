"""The home page's panel of unread notifications (portal/core/dashboard.py), for those who work
on case files: what partners and colleagues told them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from portal import access
from portal.accounts.models import User
from portal.core.dashboard import Dashboard, register
from portal.notifications.selectors import notifications_of


@register("notifications", order=30, shown_to=access.is_case_worker)
def notification_panel(user: User, board: Dashboard, today: dt.date) -> None:
    board.add(
        "notifications",
        notifications_of(user, unread=True).order_by("-created_at"),
        title=_("Unread notifications"),
        empty=_("You have read every notification."),
        url=reverse("notifications:list"),
        row_template="notifications/_dashboard_notification.html",
    )

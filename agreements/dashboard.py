"""The home page's panels of agreements (portal/core/dashboard.py): for admins, those ending
soon and those that ended lately."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import AgreementStatus
from agreements.selectors import visible_agreements
from portal import access
from portal.accounts.models import User
from portal.core.dashboard import Dashboard, register

EXPIRY_HORIZON_DAYS = 90


@register("agreements", order=40, shown_to=access.is_admin)
def agreement_panels(user: User, board: Dashboard, today: dt.date) -> None:
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
        row_template="agreements/_dashboard_agreement.html",
    )
    board.add(
        "expired",
        visible_agreements(user)
        .filter(status=AgreementStatus.EXPIRED, effective_until__gte=today - dt.timedelta(days=90))
        .order_by("-effective_until", "title"),
        title=_("Agreements that ended in the last 90 days"),
        empty=_("No agreement ended in the last 90 days."),
        url=agreements,
        row_template="agreements/_dashboard_agreement.html",
    )

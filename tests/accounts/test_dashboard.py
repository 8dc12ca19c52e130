"""The home page's card of user activity (portal/accounts/dashboard.py), for admins only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.core.dashboard import dashboard_for

pytestmark = pytest.mark.django_db


def test_admin_sees_the_activity_of_the_accounts_they_manage(
    client, agency_admin, system_admin, make_user, kanim, bp3mi
):
    officer = make_user(User.Role.OFFICER, kanim)
    colleague = make_user(User.Role.OFFICER, kanim)
    make_user(User.Role.OFFICER, bp3mi)  # another agency's: not this admin's to manage
    User.objects.filter(pk=officer.pk).update(last_login=timezone.now() - dt.timedelta(days=1))
    User.objects.filter(pk=colleague.pk).update(last_login=timezone.now() - dt.timedelta(days=200))

    card = dashboard_for(agency_admin).panels["activity"]
    assert card.data["signed_in_week"] == 1
    assert card.data["dormant"] == 1
    assert card.data["active"] == User.objects.filter(agency=kanim, is_active=True).count()
    assert [u.pk for u in card.data["recent_users"]] == [officer.pk, colleague.pk]
    everyone = dashboard_for(system_admin).panels["activity"]
    assert everyone.data["active"] == User.objects.filter(is_active=True).count()

    client.force_login(agency_admin)
    html = client.get(reverse("home")).content.decode()
    assert 'id="panel-activity"' in html
    assert 'data-figure="dormant">1<' in html
    assert officer.get_absolute_url() in html


def test_case_workers_get_no_activity_card(make_user, kanim):
    for role in (User.Role.OFFICER, User.Role.SUPERVISOR):
        assert "activity" not in dashboard_for(make_user(role, kanim)).panels

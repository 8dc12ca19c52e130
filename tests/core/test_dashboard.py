"""The home page's dashboard machinery (portal/core/dashboard.py): the apps register providers,
which run for the users their access predicate accepts, in a stable order."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from portal import access
from portal.accounts.models import User
from portal.core import dashboard
from portal.core.dashboard import Card, dashboard_for, providers, register

# What each role's home page shows, in order: the summaries above the panels, then the panels.
ROLE_BOARDS = {
    User.Role.OFFICER: ([], ["assigned", "drafts", "notifications"]),
    User.Role.SUPERVISOR: (
        ["figures"],
        [
            "review",
            "approvals",
            "incoming",
            "overdue",
            "overdue-outgoing",
            "assigned",
            "drafts",
            "notifications",
        ],
    ),
    User.Role.AGENCY_ADMIN: ([], ["expiring", "expired", "activity"]),
    User.Role.SYSTEM_ADMIN: ([], ["expiring", "expired", "activity"]),
}
PANEL_SECTION = re.compile(r'<section [^>]*id="panel-([\w-]+)"')


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test; the apps' providers are back afterwards."""
    monkeypatch.setattr(dashboard, "_providers", {})


def adds(key):
    def build(user, board, today):
        board.panels[key] = Card(template="core/_figure.html")

    return build


def test_providers_run_in_order_for_the_users_their_predicate_accepts(registry):
    register("late", order=20, shown_to=lambda user: True)(adds("late"))
    register("b", order=10, shown_to=lambda user: True)(adds("b"))
    register("a", order=10, shown_to=lambda user: True)(adds("a"))
    register("vip", order=5, shown_to=lambda user: user.vip)(adds("vip"))
    assert list(dashboard_for(SimpleNamespace(vip=False)).panels) == ["a", "b", "late"]
    assert list(dashboard_for(SimpleNamespace(vip=True)).panels) == ["vip", "a", "b", "late"]


def test_registering_a_name_again_replaces_it(registry):
    register("one", order=10, shown_to=lambda user: True)(adds("first"))
    register("one", order=10, shown_to=lambda user: True)(adds("second"))
    assert [p.name for p in providers()] == ["one"]
    assert list(dashboard_for(SimpleNamespace()).panels) == ["second"]


def test_the_apps_panels_are_decided_by_access_predicates():
    shown_to = {p.name: p.shown_to for p in providers()}
    assert shown_to == {
        "referrals-supervisor": access.is_supervisor,
        "referrals-case-worker": access.is_case_worker,
        "notifications": access.is_case_worker,
        "agreements": access.is_admin,
        "accounts-activity": access.is_admin,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLE_BOARDS))
def test_each_role_gets_its_panels_in_the_same_order(client, make_user, kanim, role):
    user = make_user(role, kanim)
    summaries, panels = ROLE_BOARDS[role]
    board = dashboard_for(user)
    assert list(board.summaries) == summaries
    assert list(board.panels) == panels

    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert PANEL_SECTION.findall(html) == panels
    assert ('id="dashboard-figures"' in html) == bool(summaries)

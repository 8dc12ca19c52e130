"""The session's user is loaded with their agency, unread notification count and TOTP
enrolment in one query (portal.accounts.backends); what the pages show stays exact."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from portal.accounts.backends import ModelBackend
from portal.accounts.models import User
from portal.notifications import services as notifications
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def notify(user: User, n: int) -> None:
    for i in range(n):
        notifications.notify(
            recipients=[user], kind="test", message="Hello", dedupe_key=f"t-{i}", email=False
        )


def signed_in(user: User, **kwargs) -> Client:
    client = Client()
    client.force_login(user, **kwargs)
    return client


def test_the_user_comes_with_agency_unread_count_and_totp_in_one_query(officer):
    notify(officer, 2)
    client = signed_in(officer)
    client.get(reverse("notifications:preferences"))  # the session's first extension
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert response.context["unread_notifications"] == 2
    user = response.wsgi_request.user
    assert user.agency.short_name == "Kanim Tangerang"
    sql = [q["sql"] for q in queries.captured_queries]
    # The test settings keep sessions in the database alone (no cache in front): one query for
    # the session, one for the user with everything; nothing else, and no session write.
    assert len(sql) == 2, sql
    assert "django_session" in sql[0]
    for table in ("accounts_user", "accounts_agency", "notifications_notification", "mfa_"):
        assert table in sql[1]


def test_each_request_reads_its_user_afresh(officer, agency_admin):
    """The query is built once per process (session_user_queryset is cached); every request
    still runs it, for its own user, with the counts of the moment."""
    backend = ModelBackend()
    assert backend.get_user(officer.pk).unread_notification_count == 0
    notify(officer, 3)
    first, second = backend.get_user(officer.pk), backend.get_user(agency_admin.pk)
    assert (first.pk, first.unread_notification_count) == (officer.pk, 3)
    assert (second.pk, second.unread_notification_count) == (agency_admin.pk, 0)
    assert backend.get_user(officer.pk) is not first
    assert backend.get_user(10**9) is None


def test_an_enrolled_supervisor_is_not_asked_about_totp_again(make_user, kanim):
    supervisor = make_user(User.Role.SUPERVISOR, kanim)
    client = signed_in(supervisor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("notifications:preferences")).status_code == 200
    assert sum("mfa_authenticator" in q["sql"] for q in queries.captured_queries) == 1


def test_a_supervisor_without_totp_is_still_sent_to_enrol(make_user, kanim):
    supervisor = make_user(User.Role.SUPERVISOR, kanim, totp=False)
    response = signed_in(supervisor).get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_the_count_is_exact_after_marking_read_in_the_same_request(officer):
    notify(officer, 3)
    user = ModelBackend().get_user(officer.pk)
    assert notifications.unread_count(user=user) == 3
    notifications.notification_mark_read(
        user=user,
        notification_id=officer.notifications.order_by("pk").values_list("pk", flat=True)[0],
    )
    assert notifications.unread_count(user=user) == 2
    notifications.notification_mark_read(user=user)
    assert notifications.unread_count(user=user) == 0


def test_the_count_is_exact_after_marking_read_through_request_user(officer):
    """request.user is a lazy object around the user: the loaded count is dropped all the
    same."""
    notify(officer, 2)
    user = SimpleLazyObject(lambda: ModelBackend().get_user(officer.pk))
    assert notifications.unread_count(user=user) == 2
    notifications.notification_mark_read(user=user)
    assert notifications.unread_count(user=user) == 0


def test_the_bell_counts_after_following_a_notification(officer):
    notify(officer, 2)
    client = signed_in(officer)
    assert client.get(reverse("notifications:list")).context["unread_notifications"] == 2
    first = officer.notifications.order_by("pk").first()
    response = client.post(reverse("notifications:read", args=[first.pk]), follow=True)
    assert response.context["unread_notifications"] == 1


def test_a_deactivated_user_is_signed_out_at_the_next_request(officer):
    client = signed_in(officer)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=officer.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("legacy", "replacement"),
    [
        ("django.contrib.auth.backends.ModelBackend", "portal.accounts.backends.ModelBackend"),
        (
            "allauth.account.auth_backends.AuthenticationBackend",
            "portal.accounts.backends.AuthenticationBackend",
        ),
    ],
)
def test_a_session_signed_in_before_the_new_backends_stays_signed_in(officer, legacy, replacement):
    client = signed_in(officer, backend=legacy)
    assert client.session[BACKEND_SESSION_KEY] == legacy
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == officer
    assert client.session[BACKEND_SESSION_KEY] == replacement


def test_signing_in_records_the_new_backends(client, officer):
    """By username (Django's backend answers first) and by e-mail (allauth's)."""
    client.post(reverse("account_login"), {"login": "officer", "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY].startswith("portal.accounts.backends.")
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY].startswith("portal.accounts.backends.")

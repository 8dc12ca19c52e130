"""Signing in and out, password reset, MFA enforcement and the failed-sign-in rate limit,
through allauth's real pages."""

import re

import pyotp
import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from tests.factories import PASSWORD, has_totp

LOGIN = "/accounts/login/"


def sign_in(client, login, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_officer_signs_in_with_username_and_reaches_home(client, officer):
    response = sign_in(client, "officer")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(officer.pk)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_sign_in_with_email_is_case_insensitive(client, officer):
    sign_in(client, officer.email.upper())
    assert signed_in_user_id(client) == str(officer.pk)


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message_in_indonesian(client, officer):
    response = sign_in(client, "officer", "salah-sekali-123")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "tidak benar" in response.content.decode().lower() or "salah" in (
        response.content.decode().lower()
    )


@pytest.mark.django_db
def test_deactivated_account_cannot_sign_in(client, make_user):
    make_user(username="gone", is_active=False)
    sign_in(client, "gone")
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_sign_out_requires_post_and_ends_the_session(client, officer):
    client.force_login(officer)
    client.get("/accounts/logout/")  # shows a confirmation page, does not sign out
    assert signed_in_user_id(client) == str(officer.pk)
    client.post("/accounts/logout/")
    assert signed_in_user_id(client) is None
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_there_is_no_public_sign_up(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "stranger",
            "email": "stranger@example.com",
            "password1": "Very-Long-Password-1",
            "password2": "Very-Long-Password-1",
        },
    )
    assert not User.objects.filter(username="stranger").exists()
    assert response.status_code == 200  # allauth's "sign-up closed" page


@pytest.mark.django_db
def test_password_reset_by_email_sets_a_new_password(client, officer):
    client.post("/accounts/password/reset/", {"email": officer.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "Kata-Sandi-Baru-2025"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )
    officer.refresh_from_db()
    assert officer.check_password(new_password)
    assert AuditEntry.objects.filter(action="password_reset", target_id=str(officer.pk)).exists()


@pytest.mark.django_db
def test_password_reset_for_unknown_address_reveals_nothing(client, officer):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302  # same "check your mail" page as for a known address


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [User.Role.SUPERVISOR, User.Role.AGENCY_ADMIN, User.Role.SYSTEM_ADMIN]
)
def test_supervisor_and_admins_must_enrol_totp_before_anything_else(
    client, make_user, role, django_capture_on_commit_callbacks
):
    user = make_user(role, totp=False, username="needs2fa")
    sign_in(client, "needs2fa")
    assert signed_in_user_id(client) == str(user.pk)
    for url in [reverse("home"), reverse("accounts:agency_list"), reverse("accounts:user_list")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp")
    # Enrolling with a valid code lifts the block.
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert has_totp(user)
    assert client.get(reverse("home")).status_code == 200
    assert AuditEntry.objects.filter(action="mfa_enabled", target_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_officer_is_not_forced_to_enrol_totp(client, officer):
    sign_in(client, "officer")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_enrolled_supervisor_needs_the_totp_code_to_finish_signing_in(client, make_user):
    user = make_user(User.Role.SUPERVISOR, username="spv")
    response = sign_in(client, "spv")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert signed_in_user_id(client) is None
    client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(user.totp_secret).now()})
    assert signed_in_user_id(client) == str(user.pk)
    assert AuditEntry.objects.filter(
        action="login_failed", target_id=str(user.pk), data__stage="mfa"
    ).exists()


@pytest.mark.django_db
def test_supervisor_cannot_remove_the_totp_their_role_requires(client, make_user):
    user = make_user(User.Role.SUPERVISOR)
    client.force_login(user)
    client.post(reverse("mfa_deactivate_totp"))
    assert has_totp(user)


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_rate_limited(client, officer):
    for _ in range(5):
        sign_in(client, "officer", "wrong-password-000")
    # Now even the right password is refused until the window passes.
    response = sign_in(client, "officer")
    assert signed_in_user_id(client) is None
    assert response.status_code in (200, 429)
    assert "terlalu banyak" in response.content.decode().lower()
    assert AuditEntry.objects.filter(action="login_failed").count() == 5


@pytest.mark.django_db
def test_sign_ins_and_failures_are_audited_with_ip(client, officer):
    sign_in(client, "officer", "wrong-password-000", REMOTE_ADDR="10.1.2.3")
    sign_in(client, "officer", REMOTE_ADDR="10.1.2.4")
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.ip_address == "10.1.2.3"
    assert failed.target_id == str(officer.pk)
    assert failed.data == {"login": "officer"}
    ok = AuditEntry.objects.get(action="login")
    assert ok.actor == officer
    assert ok.ip_address == "10.1.2.4"
    assert ok.agency == officer.agency


@pytest.mark.django_db
def test_failed_sign_in_for_unknown_name_is_audited_without_account(client):
    sign_in(client, "nobody-here", "whatever-000")
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor is None
    assert entry.target_id == ""
    assert entry.actor_label == "nobody-here"


@pytest.mark.django_db
def test_totp_secret_is_encrypted_at_rest(make_user):
    from allauth.mfa.models import Authenticator

    user = make_user(User.Role.SUPERVISOR)
    stored = Authenticator.objects.get(user=user).data["secret"]
    assert user.totp_secret not in stored
    assert stored.startswith("gAAAA")  # a Fernet token

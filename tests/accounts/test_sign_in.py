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


# --- Failed sign-ins count per account, whatever spelling was typed --------------------------

WRONG = "wrong-password-000"


@pytest.fixture
def clock(monkeypatch):
    """allauth's rate-limit clock, moved forward by `clock.offset` seconds."""
    import time as real_time

    from allauth.core.internal import ratelimit

    class Clock:
        offset = 0.0

        def time(self):
            return real_time.time() + self.offset

        def monotonic(self):
            return real_time.monotonic()

        def sleep(self, seconds):
            real_time.sleep(seconds)

    moved = Clock()
    monkeypatch.setattr(ratelimit, "time", moved)
    return moved


@pytest.fixture
def polres_officer(make_user):
    return make_user(username="polres-cilegon-petugas", email="polres-cilegon-petugas@sinergi.test")


def refused_as_too_many(response) -> bool:
    return "terlalu banyak" in response.content.decode().lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("failed_as", "signs_in_as"),
    [
        ("polres-cilegon-petugas", "polres-cilegon-petugas@sinergi.test"),
        ("polres-cilegon-petugas@sinergi.test", "polres-cilegon-petugas"),
        ("POLRES-CILEGON-PETUGAS", "  Polres-Cilegon-Petugas@Sinergi.TEST "),
    ],
)
def test_five_failures_lock_the_account_whatever_spelling_comes_next(
    client, polres_officer, failed_as, signs_in_as
):
    for _ in range(5):
        sign_in(client, failed_as, WRONG)

    response = sign_in(client, signs_in_as)

    assert signed_in_user_id(client) is None
    assert refused_as_too_many(response)
    failures = AuditEntry.objects.filter(action="login_failed")
    assert failures.count() == 5
    assert set(failures.values_list("target_id", flat=True)) == {str(polres_officer.pk)}


@pytest.mark.django_db
def test_failures_under_different_spellings_and_addresses_add_up(client, polres_officer):
    spellings = [
        "polres-cilegon-petugas",
        "POLRES-CILEGON-PETUGAS",
        " polres-cilegon-petugas ",
        "polres-cilegon-petugas@sinergi.test",
        "Polres-Cilegon-Petugas@SINERGI.test",
    ]
    for n, login in enumerate(spellings):
        sign_in(client, login, WRONG, REMOTE_ADDR=f"10.0.0.{n + 1}")

    response = sign_in(client, "polres-cilegon-petugas", REMOTE_ADDR="10.0.0.99")

    assert signed_in_user_id(client) is None
    assert refused_as_too_many(response)


@pytest.mark.django_db
def test_knpi_25_failures_over_5_spellings_then_the_username(client, make_user, clock):
    """The probe's case. Before, allauth keyed the failures by the typed login, lower-cased:
    every username spelling on one key, every e-mail spelling on another. Round-robin over
    1 username and 4 e-mail spellings from one address, the per-address rule (20 a minute)
    refused attempts 21-25 before the per-login rule counted them, so the username's key held
    4 failures; a minute later the address rule had passed, and the right password with the
    username signed in. Counted per account, the first 5 failures of any spelling lock it."""
    make_user(username="knpi-petugas", email="knpi-petugas@sinergi.test")
    spellings = [
        "knpi-petugas",
        "knpi-petugas@sinergi.test",
        "KNPI-PETUGAS@SINERGI.TEST",
        "Knpi-Petugas@Sinergi.Test",
        " knpi-petugas@sinergi.test ",
    ]
    for _round in range(5):
        for login in spellings:
            sign_in(client, login, WRONG)
    clock.offset = 61  # the per-address minute has passed, the account's 15 minutes have not

    response = sign_in(client, "knpi-petugas")

    assert signed_in_user_id(client) is None
    assert refused_as_too_many(response)


@pytest.mark.django_db
def test_the_account_signs_in_again_once_the_window_has_passed(client, polres_officer, clock):
    for _ in range(5):
        sign_in(client, "polres-cilegon-petugas@sinergi.test", WRONG)
    clock.offset = 15 * 60 + 1

    sign_in(client, "polres-cilegon-petugas")

    assert signed_in_user_id(client) == str(polres_officer.pk)


@pytest.mark.django_db
def test_an_unknown_login_is_throttled_and_answered_like_an_account(client, polres_officer):
    """Nothing tells whether a login exists: after 5 failures, an unknown one gets the same
    refusal as an account; and its failures do not lock any account."""
    for _ in range(5):
        sign_in(client, "tidak-ada", WRONG, REMOTE_ADDR="10.0.1.1")
        sign_in(client, "polres-cilegon-petugas", WRONG, REMOTE_ADDR="10.0.1.2")

    unknown = sign_in(client, " TIDAK-ADA ", WRONG, REMOTE_ADDR="10.0.1.1")
    known = sign_in(client, "polres-cilegon-petugas", WRONG, REMOTE_ADDR="10.0.1.2")

    assert refused_as_too_many(unknown)
    assert refused_as_too_many(known)
    assert unknown.status_code == known.status_code
    assert unknown.context["form"].errors == known.context["form"].errors
    sign_in(client, "tidak-ada-juga", WRONG, REMOTE_ADDR="10.0.1.3")
    assert AuditEntry.objects.filter(actor_label="tidak-ada-juga").exists()  # not throttled


@pytest.mark.django_db
def test_a_successful_sign_in_does_not_use_up_an_attempt(client, polres_officer):
    for _ in range(4):
        sign_in(client, "polres-cilegon-petugas", WRONG)
    sign_in(client, "polres-cilegon-petugas@sinergi.test")
    client.logout()

    sign_in(client, "POLRES-CILEGON-PETUGAS")

    assert signed_in_user_id(client) == str(polres_officer.pk)


@pytest.mark.django_db
def test_a_password_reset_lifts_the_lock_of_failures_under_the_username(client, officer):
    """allauth clears the failures under the reset address's key: the same account key."""
    for _ in range(5):
        sign_in(client, "officer", WRONG)
    client.post("/accounts/password/reset/", {"email": officer.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    new_password = "Kata-Sandi-Baru-2025"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )

    sign_in(client, "officer", new_password)

    assert signed_in_user_id(client) == str(officer.pk)


# --- How the sign-in pages speak ----------------------------------------------------------


def _tag(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, f"no <input name={name}>"
    return found.group(0)


@pytest.mark.django_db
def test_the_login_field_is_labelled_for_what_it_takes(client):
    html = client.get(LOGIN).content.decode()
    field = _tag(html, "login")
    # Not "Masuk" like the page and its button, and completed by browsers as a username.
    assert re.search(
        r'<label[^>]*for="id_login"[^>]*>\s*Nama pengguna atau e-mail\s*</label>', html
    )
    assert 'autocomplete="username"' in field
    assert "placeholder" not in field


@pytest.mark.django_db
def test_the_totp_fields_bring_up_the_number_pad(client, make_user):
    make_user(User.Role.SUPERVISOR, username="spv")
    sign_in(client, "spv")
    field = _tag(client.get(reverse("mfa_authenticate")).content.decode(), "code")
    assert 'inputmode="numeric"' in field
    assert 'autocomplete="one-time-code"' in field
    client.logout()
    make_user(User.Role.SUPERVISOR, totp=False, username="newspv")
    sign_in(client, "newspv")
    field = _tag(client.get(reverse("mfa_activate_totp")).content.decode(), "code")
    assert 'inputmode="numeric"' in field


@pytest.mark.django_db
def test_the_welcome_names_the_person_not_the_username(client, make_user):
    make_user(username="dewi", full_name="Dewi Lestari")
    response = client.post(LOGIN, {"login": "dewi", "password": PASSWORD}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said == ["Selamat datang, Dewi Lestari."]

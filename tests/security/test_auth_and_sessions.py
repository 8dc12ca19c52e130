"""CSRF on every route, the cookies and the session's life, two-factor authentication on
every page for the roles that need it, throttled sign-ins, password rules, and the production
settings (`manage.py check --deploy`, security headers).

The routes come from the URL configuration through the page matrix (test_page_matrix.PAGES):
a new page is covered here as soon as it has its entry there."""

from __future__ import annotations

import datetime as dt
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.core.middleware import SessionActivityMiddleware
from tests.factories import PASSWORD
from tests.security.test_page_matrix import PAGES, configured_pages

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CSRF_PAGE = "errors/403_csrf.html"


def first_url(name: str, records_of_every_kind) -> str:
    return PAGES[name][0].url(name, records_of_every_kind)


def csrf_refused(response) -> bool:
    return response.status_code == 403 and CSRF_PAGE in [t.name for t in response.templates]


# --- CSRF ----------------------------------------------------------------------------------


def test_every_route_refuses_a_post_without_csrf_token(records_of_every_kind, roles):
    """Signed in (the officer) or not, a POST without the token is refused with the "form
    expired" page before any view runs: no page of the portal is exempt."""
    officer = Client(enforce_csrf_checks=True)
    officer.force_login(roles["officer"])
    anonymous = Client(enforce_csrf_checks=True)
    accepted = []
    for name in sorted(configured_pages()):
        url = first_url(name, records_of_every_kind)
        for who, client in (("officer", officer), ("anonymous", anonymous)):
            response = client.post(url, {})
            if not csrf_refused(response):
                accepted.append(f"{name} {url} ({who}): {response.status_code}")
    assert not accepted, accepted


def test_the_same_post_with_the_token_is_accepted(records_of_every_kind, officer):
    """The test above can fail: with the token from the form, the CSRF check lets it pass."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    page = client.get(reverse("notifications:preferences"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("notifications:preferences"),
        {"csrfmiddlewaretoken": str(token), "language": "en"},
    )
    assert not csrf_refused(response)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.language == "en"


# --- Cookies and sessions ------------------------------------------------------------------


def production_settings(monkeypatch, **env: str) -> dict:
    """portal/settings.py as production reads it: only the required variables set."""
    for key in list(os.environ):
        if key.startswith(("DJANGO_", "SESSION_", "SECURE_", "CSRF_")) or key in (
            "ALLOWED_HOSTS",
            "BEHIND_PROXY",
        ):
            monkeypatch.delenv(key, raising=False)
    required = {
        "SECRET_KEY": "x" * 60,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PII_INDEX_KEY": "y" * 40,
        "DATABASE_URL": "postgres://sinergi@127.0.0.1:5432/sinergi",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "sinergi.example.go.id",
    }
    for key, value in {**required, **env}.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "portal" / "settings.py"))


def test_production_cookies_are_secure_http_only_and_same_site(monkeypatch):
    s = production_settings(monkeypatch)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_HTTPONLY"] is True
    assert s["LANGUAGE_COOKIE_SECURE"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"


def test_production_sessions_end_after_an_hour_idle(monkeypatch):
    s = production_settings(monkeypatch)
    assert s["SESSION_COOKIE_AGE"] == 3600
    # A request extends it (at most once a minute, not with a write per request): an idle time.
    assert s["SESSION_SAVE_EVERY_REQUEST"] is False
    sessions = s["MIDDLEWARE"].index("django.contrib.sessions.middleware.SessionMiddleware")
    assert s["MIDDLEWARE"][sessions + 1] == "portal.core.middleware.SessionActivityMiddleware"
    assert s["ACCOUNT_SESSION_REMEMBER"] is False  # no "remember me" for weeks
    assert production_settings(monkeypatch, SESSION_IDLE_MINUTES="15")["SESSION_COOKIE_AGE"] == 900


def test_the_session_cookie_of_a_sign_in(client, officer, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(reverse("account_login"), {"login": "officer", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    # A browser-session cookie (no "remember me"), ended on the server after the idle time.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    expires = Session.objects.get(session_key=cookie.value).expire_date
    idle = (expires - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < idle <= settings.SESSION_COOKIE_AGE


def test_sign_in_gives_a_new_session_key(client, officer, settings):
    """A session key planted before sign-in (session fixation) is not the one signed in."""
    planted = client.session
    planted["probe"] = 1
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    client.post(reverse("account_login"), {"login": "officer", "password": PASSWORD})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert after != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()


def test_an_idle_session_has_ended(client, officer):
    client.post(reverse("account_login"), {"login": "officer", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def last_extended(client, seconds_ago: int) -> None:
    """As if the session had last been extended (saved) `seconds_ago`."""
    session = client.session
    session[SessionActivityMiddleware.EXTENDED_AT_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_a_request_a_minute_after_the_last_extends_the_session(client, officer):
    client.post(reverse("account_login"), {"login": "officer", "password": PASSWORD})
    key = client.session.session_key
    last_extended(client, 61)
    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > soon + dt.timedelta(minutes=50)


def test_a_request_within_the_minute_writes_nothing(client, officer, settings):
    """The idle time stays exact to a minute without a write of the session per request."""
    client.post(reverse("account_login"), {"login": "officer", "password": PASSWORD})
    key = client.session.session_key
    last_extended(client, 50)
    before = Session.objects.get(session_key=key)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert writes == []
    after = Session.objects.get(session_key=key)
    assert (after.expire_date, after.session_data) == (before.expire_date, before.session_data)
    # Ten seconds later, the minute is over: the request extends the session.
    last_extended(client, 60)
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > before.expire_date


def test_a_session_changed_by_the_request_restarts_the_minute(rf):
    """A request that saves the session anyway (sign-in, a form's state) extends it too, so
    the minute counts from that save."""
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.session = SessionStore()
    request.session["probe"] = 1
    request.session[SessionActivityMiddleware.EXTENDED_AT_KEY] = int(time.time()) - 30
    request.session.save()
    request.session["probe"] = 2

    SessionActivityMiddleware(lambda request: HttpResponse())(request)
    assert request.session[SessionActivityMiddleware.EXTENDED_AT_KEY] >= int(time.time()) - 1


def test_anonymous_requests_get_no_session(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_signing_out_ends_the_session_on_the_server(client, officer):
    client.post(reverse("account_login"), {"login": "officer", "password": PASSWORD})
    key = client.session.session_key
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed, is worth nothing.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("home")).status_code == 302


# --- Two-factor authentication on every page -----------------------------------------------


@pytest.mark.parametrize(
    "role", [User.Role.SUPERVISOR, User.Role.AGENCY_ADMIN, User.Role.SYSTEM_ADMIN]
)
def test_no_page_opens_to_a_supervisor_or_admin_without_two_factor(
    role, records_of_every_kind, make_user, kanim
):
    """Every page of the matrix sends such a user to the TOTP set-up first, except the few
    needed to set it up, sign out or switch language."""
    user = make_user(role, kanim, totp=False, username="needs2fa")
    client = Client()
    client.force_login(user)
    enrol = reverse("mfa_activate_totp")
    allowed = {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "set_language",
        "health",
    }
    leaks = []
    for name in sorted(configured_pages() - allowed):
        url = first_url(name, records_of_every_kind)
        response = client.get(url)
        if not (response.status_code == 302 and response.url == enrol):
            leaks.append(f"{name} {url}: {response.status_code}")
    assert not leaks, leaks
    # And the API answers 403 instead.
    assert client.get(reverse("api:me")).status_code == 403


# --- Throttled sign-ins --------------------------------------------------------------------


def sign_in(client, login, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip
    )


def test_many_failed_sign_ins_from_one_address_are_throttled(officer, make_user, kanim):
    """Twenty failures a minute from one address, each for another name: the address is
    refused even the right password, while the account signs in from elsewhere."""
    for i in range(20):
        sign_in(Client(), f"guess{i}", "wrong-password-000")
    client = Client()
    sign_in(client, "officer")
    assert "_auth_user_id" not in client.session
    other = Client()
    sign_in(other, "officer", ip="10.0.0.2")
    assert other.session["_auth_user_id"] == str(officer.pk)


def test_failed_sign_ins_for_one_account_are_throttled_from_any_address(officer):
    for i in range(5):
        sign_in(Client(), "officer", "wrong-password-000", ip=f"10.0.1.{i}")
    client = Client()
    sign_in(client, "officer", ip="10.0.2.1")
    assert "_auth_user_id" not in client.session


def test_a_sign_in_with_a_wrong_password_tells_nothing_about_the_account(officer):
    known = sign_in(Client(), "officer", "wrong-password-000")
    unknown = sign_in(Client(), "nobody-at-all", "wrong-password-000")
    assert known.status_code == unknown.status_code == 200
    assert set(known.context["form"].errors) == set(unknown.context["form"].errors)


# --- Passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["Pendek-1", "123456789012345", "qwerty123456", "officer12345", "qwertyqwerty"],
    ids=["short", "numeric", "common", "like-the-username", "keyboard-common"],
)
def test_weak_passwords_are_refused(officer, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=officer)


def test_a_good_password_passes(officer):
    validate_password("Pelabuhan-Merak-2025!", user=officer)


def test_changing_to_a_weak_password_is_refused_on_the_page(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


# --- Production settings -------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SESSION_", "SECURE_", "CSRF_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY="check-deploy-" + "k" * 60,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PII_INDEX_KEY="p" * 40,
        ALLOWED_HOSTS="sinergi.example.go.id",
        DATABASE_URL="postgres://sinergi@127.0.0.1:5432/sinergi",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a bound for a loaded machine
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_security_headers_over_https(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]

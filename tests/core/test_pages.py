"""Language, security headers, health and error pages of the portal shell."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_speak_indonesian_by_default_even_to_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Masuk" in html


def test_language_switch_to_english_and_back(client, officer):
    client.force_login(officer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page["Content-Language"] == "en"
    assert "Sign out" in page.content.decode()
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    page = client.get(reverse("home"))
    assert "Keluar" in page.content.decode()


def test_unknown_language_cookie_falls_back_to_indonesian(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/accounts/login/")["Content-Language"] == "id"


def test_pages_carry_a_strict_content_security_policy_and_no_inline_script(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attrs, body in scripts:
        assert 'src="' in attrs, "inline script found"
        assert body.strip() == ""
        assert f'nonce="{nonce}"' in attrs
    assert " style=" not in html
    assert "cdn" not in html.lower()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_health_reports_database_and_cache(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_unknown_page_is_a_friendly_404_in_indonesian(client, officer):
    client.force_login(officer)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_post_without_csrf_token_gets_a_clear_page(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("set_language"), {"language": "en"})
    assert response.status_code == 403
    assert "kedaluwarsa" in response.content.decode()


def test_server_error_page_renders_without_context(rf):
    from portal.core.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Terjadi gangguan" in response.content.decode()


def test_home_shows_the_agencies_a_supervisor_sees(client, make_user, kanwil, kanim):
    from portal.accounts.models import User

    client.force_login(make_user(User.Role.SUPERVISOR, kanwil))
    html = client.get(reverse("home")).content.decode()
    assert kanwil.name in html
    assert kanim.name in html


def test_sign_in_page_does_not_invite_to_sign_up(client):
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in html
    assert "admin instansi" in html

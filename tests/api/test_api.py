"""The API's own machinery, beyond the access matrix: tokens, session and CSRF, the caller's
language, throttling, and the OpenAPI schema and its documentation page. The tests of each
app's endpoints sit with that app's tests (tests/referrals/api/, tests/villages/test_api.py,
tests/notifications/test_api.py, ...)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from portal.api import services as token_services
from portal.api.base import UserOrTokenThrottle
from portal.api.models import ApiToken, hash_token
from tests.api.fixtures import fresh
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def new_token(user, name="skrip", days=30) -> str:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post("/api/v1/tokens/", {"name": name, "days": days}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


# --- Tokens --------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(officer, api):
    client = api(officer)
    created = client.post("/api/v1/tokens/", {"name": "skrip", "days": 30}, format="json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("sng_")
    assert len(raw) > 40
    row = ApiToken.objects.get()
    assert row.key_hash == hash_token(raw)
    assert raw not in {row.key_hash, row.prefix, row.name}
    assert row.prefix == raw[:12]
    assert row.user == officer
    assert dt.timedelta(days=29) < row.expires_at - timezone.now() <= dt.timedelta(days=30)

    listed = client.get("/api/v1/tokens/")
    detail = client.get(f"/api/v1/tokens/{row.pk}/")
    for response in (listed, detail):
        assert response.status_code == 200
        assert raw.encode() not in response.content
        assert row.key_hash.encode() not in response.content
        assert b'"token"' not in response.content
    assert listed.json()["results"][0]["prefix"] == raw[:12]
    assert bearer(raw).get("/api/v1/me/").json()["username"] == "officer"


def test_token_expiry_is_bounded(officer, api):
    client = api(officer)
    for days in (0, 366):
        response = client.post("/api/v1/tokens/", {"name": "x", "days": days}, format="json")
        assert response.status_code == 400
        assert "days" in response.json()
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused(officer, api):
    raw = new_token(officer)
    token = ApiToken.objects.get()
    assert bearer(raw).get("/api/v1/me/").status_code == 200
    assert api(officer).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None  # revoked, not deleted: the list keeps it
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_revokes_itself(officer):
    raw = new_token(officer)
    client = bearer(raw)
    assert client.delete(f"/api/v1/tokens/{ApiToken.objects.get().pk}/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_an_expired_token_is_refused(officer):
    raw = new_token(officer)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(raw).get("/api/v1/me/").status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(officer):
    raw = new_token(officer)
    officer.is_active = False
    officer.save()
    assert bearer(raw).get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("header", ["Bearer sng_nope", "Bearer", "Bearer a b"])
def test_an_unknown_or_malformed_token_is_refused(officer, header):
    new_token(officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/me/").status_code == 401


def test_last_used_is_recorded(officer):
    raw = new_token(officer)
    assert ApiToken.objects.get().last_used_at is None
    bearer(raw).get("/api/v1/me/")
    used = ApiToken.objects.get().last_used_at
    assert used is not None
    assert timezone.now() - used < dt.timedelta(seconds=30)


def test_a_token_speaks_for_its_owner_only(officer, bp3mi_officer, pks):
    report = f.submitted(officer)
    raw = new_token(bp3mi_officer)
    assert bearer(raw).get(f"/api/v1/reports/{report.pk}/").status_code == 404
    token = ApiToken.objects.get()
    assert bearer(new_token(officer)).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Session and CSRF ----------------------------------------------------------------------


def test_session_writes_need_the_csrf_token(officer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get("/api/v1/me/").status_code == 200
    refused = client.post("/api/v1/tokens/", {"name": "x"}, format="json")
    assert refused.status_code == 403
    assert not ApiToken.objects.exists()
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    allowed = client.post("/api/v1/tokens/", {"name": "x"}, format="json", HTTP_X_CSRFTOKEN=secret)
    assert allowed.status_code == 201, allowed.content


def test_bearer_writes_need_no_csrf_token(officer):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new_token(officer)}")
    assert client.post("/api/v1/tokens/", {"name": "y"}, format="json").status_code == 201


# --- The caller's language -----------------------------------------------------------------


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


REQUIRED = "This field is required."


@pytest.mark.parametrize("language", ["en", "id"])
def test_field_errors_come_in_the_requested_language(officer, api, language):
    officer.language = "id" if language == "en" else "en"  # the header wins
    officer.save()
    response = api(officer).post(
        "/api/v1/tokens/", {}, format="json", HTTP_ACCEPT_LANGUAGE=f"{language},id;q=0.5"
    )
    assert response.status_code == 400
    assert response.json() == {"name": [_in(language, REQUIRED)]}
    assert _in("en", REQUIRED) != _in("id", REQUIRED)


@pytest.mark.parametrize("language", ["en", "id"])
def test_without_a_header_the_account_language_is_used(officer, api, language):
    officer.language = language
    officer.save()
    response = api(officer).post("/api/v1/tokens/", {}, format="json")
    assert response.json() == {"name": [_in(language, REQUIRED)]}


def test_an_unsupported_header_falls_back_to_the_account(officer, api):
    officer.language = "en"
    officer.save()
    response = api(officer).post("/api/v1/tokens/", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json() == {"name": [REQUIRED]}


@pytest.mark.parametrize("language", ["en", "id"])
def test_service_errors_are_field_level_and_translated(officer, bp3mi, pks, api, language):
    report = f.submitted(officer)
    response = api(officer).post(
        f"/api/v1/reports/{report.pk}/share/",
        {"agencies": [officer.agency.pk]},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    message = "No agreement in force allows sharing this report with %(names)s."
    expected = _in(language, message) % {"names": officer.agency.short_name}
    assert response.json() == {"agencies": [expected]}


@pytest.mark.parametrize("language", ["en", "id"])
def test_person_errors_are_nested_by_index(officer, api, language):
    body = {
        "occurred_at": "2025-06-01T09:30:00+07:00",
        "source": "departure_check",
        "region": f.PLACE,
        "narrative": "Calon PMI berangkat dengan visa kunjungan.",
        "persons": [
            {"role": "potential_victim", "full_name": "Rina", "nik": f.NIK_FEMALE},
            {"role": "potential_victim", "full_name": "X", "nik": "123"},
            {"role": "potential_victim"},
        ],
    }
    response = api(officer).post(
        "/api/v1/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    errors = response.json()["persons"]
    # the serializer answers the shape first: the third person lacks a name
    assert errors["2"] == {"full_name": [_in(language, REQUIRED)]}
    body["persons"].pop()
    response = api(officer).post(
        "/api/v1/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    errors = response.json()["persons"]
    assert set(errors) == {"1"}
    assert set(errors["1"]) == {"nik"}
    other = "id" if language == "en" else "en"
    again = api(officer).post("/api/v1/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=other)
    assert again.json()["persons"]["1"]["nik"] != errors["1"]["nik"]


# --- Throttling ----------------------------------------------------------------------------


@pytest.fixture
def three_per_minute(monkeypatch):
    """DRF reads the rates when the class is defined: patch the class."""
    monkeypatch.setattr(UserOrTokenThrottle, "THROTTLE_RATES", {"user_or_token": "3/minute"})


def test_throttled_per_token(officer, three_per_minute):
    first, second = new_token(officer, "a"), new_token(officer, "b")
    one = bearer(first)
    assert [one.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = one.get("/api/v1/me/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # another token of the same user has its own count
    assert bearer(second).get("/api/v1/me/").status_code == 200


def test_throttled_per_user(officer, bp3mi_officer, api, three_per_minute):
    session = api(officer)
    assert [session.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    assert session.get("/api/v1/agencies/").status_code == 429
    # another user, and the user's own token, are counted apart
    assert api(bp3mi_officer).get("/api/v1/me/").status_code == 200


def test_throttling_counts_a_token_apart_from_the_session(officer, api, three_per_minute):
    raw = new_token(officer)  # created with the session: 1 of 3
    session = api(officer)
    session.get("/api/v1/me/")
    session.get("/api/v1/me/")
    assert session.get("/api/v1/me/").status_code == 429
    assert bearer(raw).get("/api/v1/me/").status_code == 200


# --- Schema and documentation --------------------------------------------------------------


def test_schema_builds(officer, api):
    response = api(officer).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/reports/{id}/share/" in schema["paths"]
    assert "/api/v1/tokens/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_errors_django_answers_under_api_come_as_the_api_documents_them(api, officer):
    """A URL no route matches (an id with a dot, an unknown endpoint) is a JSON 404, as DRF's
    own, not the HTML page."""
    client = api(officer)
    for url in ("/api/v1/reports/1.5/", "/api/v1/nothing/", "/api/v1/reports/1/nothing/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert response.json()["detail"], url
    assert "text/html" in client.get("/reports/nothing/")["Content-Type"]
    wrong_type = client.post("/api/v1/tokens/", "name=x", content_type="text/plain")
    assert wrong_type.status_code == 415
    assert wrong_type.json()["detail"]


def test_schema_documents_the_errors_of_every_operation(api, officer):
    schema = api(officer).get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "429", "503"} <= set(operation["responses"]), (
                method,
                path,
            )
            assert "Retry-After" in operation["responses"]["429"]["headers"]
            assert ("415" in operation["responses"]) == ("requestBody" in operation)
    referral = schema["components"]["schemas"]["Referral"]["properties"]["assigned_to"]
    assert referral["nullable"] is True
    comments = schema["paths"]["/api/v1/referrals/{id}/comments/"]["get"]["responses"]["200"]
    assert comments["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedCommentList"
    )


def test_schema_and_docs_are_for_signed_in_users_only(api, officer):
    anonymous = api()
    schema = anonymous.get("/api/schema/?format=json")
    assert schema.status_code == 401
    assert schema["WWW-Authenticate"] == "Bearer"
    assert "paths" not in schema.content.decode()
    for url in ("/api/docs/", "/api/docs/?script="):
        docs = anonymous.get(url)
        assert docs.status_code == 302
        assert docs["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    # a token is as good as the session
    _token, raw = token_services.token_create(actor=officer, name="docs", days=1)
    assert anonymous.get("/api/schema/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert anonymous.get("/api/docs/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_docs_render_without_inline_script(api, officer):
    response = api(officer).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    nonces = {re.search(r'nonce="([^"]+)"', tag).group(1) for tag in scripts}
    assert len(nonces) == 1
    assert "" not in nonces
    assert all(" src=" in tag for tag in scripts)
    bodies = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.DOTALL)
    assert len(bodies) == len(scripts)
    assert not any(b.strip() for b in bodies)
    assert "style=" not in html
    assert "<style" not in html
    assert nonces.pop() in response["Content-Security-Policy"]


# --- Query counts ---------------------------------------------------------------------------


def test_the_token_list_reads_a_fixed_number_of_queries(
    officer, api, django_assert_max_num_queries
):
    """Four tokens, one revoked and one used: a query per row would pass the bound."""
    made = [
        token_services.token_create(actor=officer, name=f"skrip-{i}", days=30) for i in range(4)
    ]
    token_services.token_revoke(actor=officer, token=made[0][0])
    bearer(made[1][1]).get("/api/v1/me/")
    client = api(fresh(officer))
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/tokens/")
    assert response.json()["count"] == 4

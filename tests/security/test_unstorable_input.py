"""Text PostgreSQL cannot store — a NUL character, a lone UTF-16 surrogate, bytes that are not
UTF-8 — anywhere in a request is answered 400 with a message in the caller's language (JSON in
DRF's error shape on the API, a page elsewhere), at the edge (portal/core/unstorable.py), never
a 500. Page forms keep their own per-field messages for a NUL in a field.

The property test of every route with such values: tests/properties/test_unstorable_input.py."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.core.uploads import check_upload
from referrals.models import Report
from tests.referrals import factories as f
from tests.villages.factories import png_bytes

pytestmark = pytest.mark.django_db

ID_MESSAGE = "memuat karakter yang tidak dapat disimpan"
EN_MESSAGE = "contains characters that cannot be stored"


def api_refusal(response, message=ID_MESSAGE) -> str:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert message in detail, detail
    return detail


def page_refusal(response, message=ID_MESSAGE) -> str:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert message in html, html
    return html


@pytest.fixture
def officer_client(clients) -> Client:
    client = clients["officer"]
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/?q=%00",
        "/api/v1/regions/?parent=%00",
        "/api/v1/reports/?region=%00",
        "/api/v1/reports/?q=a%ED%A0%80b",  # a surrogate encoded as if it were UTF-8
        "/api/v1/reports/?q=%FF%FE",  # not UTF-8 at all
        "/api/v1/reports/?%00=1",  # in a parameter's name
        "/api/v1/agencies/%00/",
    ],
)
def test_the_api_refuses_unstorable_text_in_the_url(officer_client, url):
    detail = api_refusal(officer_client.get(url))
    if "?" in url:
        name = url.split("?")[1].split("=")[0]
        if name.isalnum():
            assert f'"{name}"' in detail, detail  # says which parameter


def test_the_api_answers_in_english_when_asked(officer_client):
    response = officer_client.get("/api/v1/regions/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    api_refusal(response, EN_MESSAGE)


@pytest.mark.parametrize(
    "url",
    [
        "/regions/search/?q=a%00b",
        "/regions/children/?parent=%00",
        "/reports/?q=%00",
        "/reports/?region=%ED%B0%80",
        "/villages/?q=%C3",
        "/reports/%00/",
    ],
)
def test_pages_refuse_unstorable_text_in_the_url_with_a_page(officer_client, url):
    page_refusal(officer_client.get(url))


def test_the_page_is_in_the_language_chosen(officer_client):
    officer_client.cookies["sinergi_language"] = "en"
    page_refusal(officer_client.get("/regions/search/?q=a%00b"), EN_MESSAGE)


REPORT = {
    "occurred_at": "2025-06-01T09:30:00+07:00",
    "source": "departure_check",
    "region": "36.71.01.1001",
    "narrative": "Calon PMI berangkat dengan visa kunjungan tanpa kontrak kerja yang sah.",
    "categories": ["tppo"],
    "persons": [{"role": "potential_victim", "full_name": "Rina", "sex": "female"}],
}


@pytest.mark.parametrize(
    ("label", "body", "where"),
    [
        ("a key", '{"narrative\\u0000": "x"}', None),
        ("a nested value", None, "persons.0.full_name"),
        ("a lone surrogate in a list", '{"categories": ["tppo\\udc00"]}', "categories.0"),
        ("a high surrogate", '{"indicators": ["\\ud83d"]}', "indicators.0"),
    ],
)
def test_the_api_refuses_unstorable_text_in_json_bodies(officer_client, label, body, where):
    if body is None:
        data = json.loads(json.dumps(REPORT))
        data["persons"][0]["full_name"] = "Ri\x00na"
        body = json.dumps(data)
    before = Report.objects.count()
    for method in ("post", "put", "patch"):
        url = "/api/v1/reports/" if method == "post" else "/api/v1/reports/1/"
        response = getattr(officer_client, method)(url, body, content_type="application/json")
        detail = api_refusal(response)
        if where:
            assert where in detail, (label, detail)
    assert Report.objects.count() == before


def test_json_that_only_looks_like_an_escape_is_accepted(officer_client):
    """A backslash followed by "u0000" is text, not a NUL."""
    f.regions()
    body = json.dumps({**REPORT, "narrative": REPORT["narrative"] + " \\u0000 \\ud800"})
    response = officer_client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_json_that_is_not_utf8_is_refused(officer_client):
    body = json.dumps(REPORT).encode().replace(b"Rina", b"R\xe9na")
    api_refusal(officer_client.post("/api/v1/reports/", body, content_type="application/json"))


def test_a_form_body_that_is_not_utf8_is_refused(officer_client):
    response = officer_client.post(
        "/reports/new/",
        "narrative=%FF%FE&source=departure_check",
        content_type="application/x-www-form-urlencoded",
    )
    page_refusal(response)


def test_a_nul_in_a_page_form_field_keeps_the_forms_own_message(officer_client):
    response = officer_client.post("/reports/new/", {"narrative": "a\x00b"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "narrative" in form.errors, form.errors


def test_a_nul_in_the_session_cookie_is_refused_not_a_server_error():
    client = Client(raise_request_exception=False)
    page_refusal(client.get("/", HTTP_COOKIE='sessionid="\\000aaaaaaaaaaaaaaaaaaa"'))
    response = client.get("/api/v1/me/", HTTP_COOKIE='sessionid="\\000aaaaaaaaaaaaaaaaaaa"')
    api_refusal(response)


def test_a_nul_in_a_header_is_refused(officer_client):
    page_refusal(officer_client.get("/", HTTP_USER_AGENT="Mozilla\x00"))


def test_clean_requests_pass(officer_client):
    assert officer_client.get("/regions/search/?q=tang%C3%A9").status_code == 200
    assert officer_client.get("/api/v1/regions/?q=Tangerang").status_code == 200


@pytest.mark.parametrize("name", ["a\x00.pdf", "a\ud800.pdf"])
def test_the_upload_check_refuses_an_unstorable_file_name(name):
    """Django's multipart parser drops non-printable characters from file names; the one
    upload check refuses them anyway, for a file that reaches it another way."""

    def check(name):
        upload = SimpleUploadedFile("x.png", png_bytes(7), "image/png")
        upload.name = name
        return check_upload(
            upload, allowed_types={"image/png"}, max_bytes=2**20, size_error="", type_error=""
        )

    assert check("foto.png").name == "foto.png"
    with pytest.raises(ValidationError) as raised:
        check(name)
    assert "file" in raised.value.message_dict

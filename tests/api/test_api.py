"""The API beyond the access matrix: tokens, session and CSRF, the caller's language, list
parameters, throttling, sharing and the partner's view, the referral lifecycle,
notifications, and the OpenAPI schema and its documentation page."""

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
from portal.api.base import Pagination, UserOrTokenThrottle
from portal.api.models import ApiToken, hash_token
from portal.notifications.models import Notification
from portal.notifications.services import notify
from referrals.models import Share
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


# --- Lists: filters, search, ordering, pagination ------------------------------------------


@pytest.fixture
def reports(officer):
    """Four reports of Kanim Tangerang: three submitted, one draft, at different dates,
    places and categories."""
    rina = f.submitted(
        officer,
        persons=[f.person(full_name="Rina Marlina", nik=f.NIK_FEMALE, sex="female")],
        occurred_at=f.ago(40),
    )
    budi = f.submitted(
        officer,
        persons=[f.person(full_name="Budi Santoso")],
        occurred_at=f.ago(5),
        region=f.region("36.72.01.1002"),
    )
    smuggling = f.submitted(
        officer,
        persons=[f.person(full_name="Agus Salim")],
        indicators=[],
        categories=["tppm"],
        category_reason="Menyeberangkan orang tanpa dokumen.",
        occurred_at=f.ago(10),
    )
    draft = f.draft(officer, persons=[f.person(full_name="Dewi Lestari")], occurred_at=f.ago(2))
    return {"rina": rina, "budi": budi, "smuggling": smuggling, "draft": draft}


def _numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_report_filters(officer, reports, api):
    client = api(officer)
    n = {k: r.number for k, r in reports.items()}
    assert _numbers(client.get("/api/v1/reports/")) == set(n.values())
    assert _numbers(client.get("/api/v1/reports/?q=rina")) == {n["rina"]}
    assert _numbers(client.get(f"/api/v1/reports/?q={n['budi']}")) == {n["budi"]}
    assert _numbers(client.get("/api/v1/reports/?status=draft")) == {n["draft"]}
    assert _numbers(client.get("/api/v1/reports/?category=tppm")) == {n["smuggling"]}
    since = f.ago(20).date().isoformat()
    assert _numbers(client.get(f"/api/v1/reports/?date_from={since}")) == set(n.values()) - {
        n["rina"]
    }
    assert _numbers(client.get("/api/v1/reports/?region=36.72")) == {n["budi"]}
    assert _numbers(client.get("/api/v1/reports/?shared=1")) == set()
    bad = client.get("/api/v1/reports/?date_from=kemarin")
    assert bad.status_code == 400
    assert "date_from" in bad.json()


def test_report_ordering(officer, reports, api):
    rows = api(officer).get("/api/v1/reports/?sort=occurred").json()["results"]
    dates = [row["occurred_at"] for row in rows]
    assert dates == sorted(dates)
    rows = api(officer).get("/api/v1/reports/?sort=-occurred").json()["results"]
    assert [row["occurred_at"] for row in rows] == sorted(dates, reverse=True)


def test_shared_reports_list(officer, bp3mi, bp3mi_officer, pks, reports, api):
    from referrals import services

    services.report_share(actor=officer, report=reports["budi"], agencies=[bp3mi])
    client = api(bp3mi_officer)
    assert _numbers(client.get("/api/v1/reports/")) == set()
    assert _numbers(client.get("/api/v1/reports/?shared=1")) == {reports["budi"].number}
    assert _numbers(client.get("/api/v1/reports/?shared=true&q=rina")) == set()


def test_pagination(officer, reports, api, monkeypatch):
    client = api(officer)
    page = client.get("/api/v1/reports/?page_size=2").json()
    assert page["count"] == 4
    assert len(page["results"]) == 2
    assert page["next"]
    assert "page=2" in page["next"]
    assert page["previous"] is None
    second = client.get("/api/v1/reports/?page_size=2&page=2").json()
    assert len(second["results"]) == 2
    assert second["next"] is None
    first = {r["id"] for r in page["results"]}
    assert first.isdisjoint({r["id"] for r in second["results"]})
    # a page that does not exist is a 404 (documented), whatever the reason
    for number in ("9", "0", "-1", "abc", "1.5", "99999999999999999999"):
        missing = client.get(f"/api/v1/reports/?page={number}")
        assert missing.status_code == 404, number
        assert missing.json()["detail"]
    assert Pagination.max_page_size == 100
    monkeypatch.setattr(Pagination, "max_page_size", 3)  # 100 reports would be slow to make
    assert len(client.get("/api/v1/reports/?page_size=1000").json()["results"]) == 3


def test_regions_by_parent_and_name(officer, api):
    client = api(officer)
    codes = {r["code"] for r in client.get("/api/v1/regions/").json()["results"]}
    assert codes == {"36"}
    children = client.get("/api/v1/regions/?parent=36").json()["results"]
    assert {r["code"] for r in children} == {"36.71", "36.72"}
    assert all(r["parent"] == "36" for r in children)
    found = client.get("/api/v1/regions/?q=sukarasa").json()["results"]
    assert [r["code"] for r in found] == [f.PLACE]
    assert client.get("/api/v1/regions/36.71/").json()["name"] == "KOTA TANGERANG"


def test_agencies_ordering_and_kind(officer, kanim, kanwil, bp3mi, api):
    client = api(officer)
    names = [a["short_name"] for a in client.get("/api/v1/agencies/").json()["results"]]
    full = [a["name"] for a in client.get("/api/v1/agencies/").json()["results"]]
    assert full == sorted(full)
    by_short = client.get("/api/v1/agencies/?ordering=-short_name").json()["results"]
    assert [a["short_name"] for a in by_short] == sorted(names, reverse=True)
    immigration = client.get("/api/v1/agencies/?kind=immigration").json()["results"]
    assert {a["id"] for a in immigration} == {kanim.pk, kanwil.pk}


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


# --- Sharing and the partner's view --------------------------------------------------------


def test_sharing_with_an_agency_without_agreement_is_refused(officer, bp3mi, lone_agency, pks, api):
    report = f.submitted(officer)
    client = api(officer)
    for agencies in ([lone_agency.pk], [bp3mi.pk, lone_agency.pk]):
        response = client.post(
            f"/api/v1/reports/{report.pk}/share/", {"agencies": agencies}, format="json"
        )
        assert response.status_code == 400
        assert "agencies" in response.json()
        assert not Share.objects.exists()
    response = client.post(f"/api/v1/reports/{report.pk}/share/", {"agencies": []}, format="json")
    assert response.status_code == 400
    assert not Share.objects.exists()
    ok = client.post(f"/api/v1/reports/{report.pk}/share/", {"agencies": [bp3mi.pk]}, format="json")
    assert ok.status_code == 201
    assert [s["agency"]["id"] for s in ok.json()] == [bp3mi.pk]


def test_a_draft_cannot_be_shared(officer, bp3mi, pks, api):
    draft = f.draft(officer)
    response = api(officer).post(
        f"/api/v1/reports/{draft.pk}/share/", {"agencies": [bp3mi.pk]}, format="json"
    )
    assert response.status_code == 403
    assert not Share.objects.exists()


def test_the_partner_sees_masked_identifiers_and_no_evidence_until_accepting(
    world, officer, bp3mi_officer, bp3mi_supervisor, api
):
    report, evidence = world.report, world.evidence
    partner = api(bp3mi_officer)
    detail = partner.get(f"/api/v1/reports/{report.pk}/")
    assert detail.status_code == 200
    (person,) = detail.json()["persons"]
    assert person["nik"] == "3671********0002"
    assert f.NIK_FEMALE.encode() not in detail.content
    # listed, but with no link while locked; the file itself is refused
    assert detail.json()["evidence"][0]["download"] is None
    download = f"/api/v1/reports/{report.pk}/evidence/{evidence.pk}/"
    assert partner.get(download).status_code == 403

    accepted = api(bp3mi_supervisor).post(
        f"/api/v1/referrals/{world.referral.pk}/accept/",
        {"assigned_to": bp3mi_officer.pk},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    assert partner.get(f"/api/v1/reports/{report.pk}/").json()["evidence"][0]["download"] == (
        download
    )
    response = partner.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == f.png_bytes(1)
    # identifiers stay masked in the API: revealing is an audited action of the pages
    assert f.NIK_FEMALE.encode() not in partner.get(f"/api/v1/reports/{report.pk}/").content


def test_own_agency_downloads_evidence(world, officer, api):
    response = api(officer).get(f"/api/v1/reports/{world.report.pk}/evidence/{world.evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == f.png_bytes(1)


def test_evidence_of_another_report_is_not_found(world, officer, api):
    response = api(officer).get(f"/api/v1/reports/{world.fresh.pk}/evidence/{world.evidence.pk}/")
    assert response.status_code == 404


# --- Referrals -----------------------------------------------------------------------------


def test_referral_lifecycle(officer, bp3mi, bp3mi_officer, bp3mi_supervisor, pks, api):
    report = f.submitted(officer)
    sender, worker, boss = api(officer), api(bp3mi_officer), api(bp3mi_supervisor)
    sent = sender.post(
        "/api/v1/referrals/",
        {
            "report": report.pk,
            "to_agency": bp3mi.pk,
            "requested_action": "victim_protection",
            "urgency": "urgent",
            "message": "Mohon pendampingan korban.",
        },
        format="json",
    )
    assert sent.status_code == 201, sent.content
    referral = sent.json()
    assert referral["status"] == "sent"
    assert referral["due_on"]
    url = f"/api/v1/referrals/{referral['id']}"
    assert report.shares.get().agency == bp3mi  # shared on the way

    incoming = worker.get("/api/v1/referrals/?direction=incoming").json()["results"]
    assert [r["id"] for r in incoming] == [referral["id"]]
    assert worker.get("/api/v1/referrals/?direction=outgoing").json()["results"] == []
    assert sender.get("/api/v1/referrals/?direction=outgoing").json()["results"]

    assert worker.post(f"{url}/accept/", {}, format="json").status_code == 403
    wrong = boss.post(f"{url}/accept/", {"assigned_to": officer.pk}, format="json")
    assert wrong.status_code == 400
    assert "assigned_to" in wrong.json()
    accepted = boss.post(f"{url}/accept/", {"assigned_to": bp3mi_officer.pk}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["assigned_to"] == bp3mi_officer.full_name
    assert boss.post(f"{url}/decline/", {"reason": "x"}, format="json").status_code == 403

    assert sender.post(f"{url}/start/").status_code == 403
    started = worker.post(f"{url}/start/")
    assert started.status_code == 200
    assert started.json()["status"] == "in_progress"

    comment = worker.post(f"{url}/comments/", {"body": "Korban didampingi."}, format="json")
    assert comment.status_code == 201
    assert comment.json()["agency"] == bp3mi.short_name
    assert (
        sender.post(f"{url}/comments/", {"body": "Terima kasih."}, format="json").status_code == 201
    )
    blank = sender.post(f"{url}/comments/", {"body": ""}, format="json")
    assert blank.status_code == 400
    assert "body" in blank.json()
    listed = sender.get(f"{url}/comments/").json()  # paginated, as every list
    assert listed["count"] == 2
    assert [c["body"] for c in listed["results"]] == ["Korban didampingi.", "Terima kasih."]
    assert sender.get(f"{url}/comments/?page_size=1&page=2").json()["results"][0]["body"] == (
        "Terima kasih."
    )

    missing = worker.post(f"{url}/complete/", {}, format="json")
    assert missing.status_code == 400
    assert "outcome" in missing.json()
    done = worker.post(
        f"{url}/complete/",
        {"outcome": "victim_assisted", "outcome_note": "Selesai."},
        format="json",
    )
    assert done.status_code == 200
    final = sender.get(f"{url}/").json()
    assert final["status"] == "completed"
    assert final["outcome"] == "victim_assisted"
    assert sender.get("/api/v1/referrals/?direction=outgoing&open=1").json()["results"] == []


def test_a_referral_declined(officer, bp3mi, bp3mi_supervisor, pks, api):
    report = f.submitted(officer)
    sent = api(officer).post(
        "/api/v1/referrals/",
        {
            "report": report.pk,
            "to_agency": bp3mi.pk,
            "requested_action": "investigation",
            "message": "Mohon ditindaklanjuti.",
        },
        format="json",
    )
    assert sent.status_code == 201
    url = f"/api/v1/referrals/{sent.json()['id']}/decline/"
    boss = api(bp3mi_supervisor)
    assert boss.post(url, {"reason": ""}, format="json").status_code == 400
    declined = boss.post(url, {"reason": "Bukan kewenangan kami."}, format="json")
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"


def test_referring_to_an_agency_without_agreement_is_refused(officer, lone_agency, pks, api):
    report = f.submitted(officer)
    response = api(officer).post(
        "/api/v1/referrals/",
        {
            "report": report.pk,
            "to_agency": lone_agency.pk,
            "requested_action": "investigation",
            "message": "Mohon ditindaklanjuti.",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "to_agency" in response.json()
    assert not report.shares.exists()
    assert not report.referrals.exists()


# --- Notifications -------------------------------------------------------------------------


def _notify(user, key: str):
    (made,) = notify(
        recipients=[user],
        kind="referral_comment",
        message="Note %(n)s.",
        params={"n": key},
        dedupe_key=key,
        email=False,
    )
    return made


def test_notifications_list_read_and_read_all(officer, bp3mi_officer, api):
    first, _second, _third = (_notify(officer, k) for k in ("a", "b", "c"))
    _notify(bp3mi_officer, "other")
    client = api(officer)
    listed = client.get("/api/v1/notifications/").json()
    assert listed["count"] == 3
    assert {n["text"] for n in listed["results"]} == {"Note a.", "Note b.", "Note c."}

    read = client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert read.status_code == 200
    assert read.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 2
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 0
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    # another user's notifications stay unread and unseen
    assert api(bp3mi_officer).get("/api/v1/notifications/?unread=1").json()["count"] == 1


@pytest.mark.parametrize("unread", [1, 500])
def test_read_all_is_one_update_whatever_the_count(
    unread, officer, bp3mi_officer, api, django_assert_num_queries
):
    for user in (officer, bp3mi_officer):
        Notification.objects.bulk_create(
            Notification(recipient=user, kind="k", message="m", dedupe_key=str(i))
            for i in range(unread)
        )
    client = api(officer)
    with django_assert_num_queries(1) as captured:
        response = client.post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": unread}
    assert captured.captured_queries[0]["sql"].count("UPDATE") == 1
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bp3mi_officer, read_at__isnull=True).count() == (
        unread
    )


def test_read_all_through_the_session_drops_the_loaded_unread_count(officer, client):
    """The session's user carries its unread count (portal.accounts.backends): marking read
    in that request must not leave the old count on it."""
    _notify(officer, "a")
    client.force_login(officer)
    assert client.get("/").context["unread_notifications"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/").context["unread_notifications"] == 0


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

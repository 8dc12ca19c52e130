"""The API and the pages from one source: the same validation (in the services), the same
village choices, the same filter parser, the same selectors and the same file download."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from referrals.models import ReportPerson
from tests.referrals import factories as f
from tests.villages.factories import village

pytestmark = pytest.mark.django_db

PHONE_ERROR = "Enter a telephone number of 8 to 15 digits, e.g. 0812 3456 7890."


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def _report(**person) -> dict:
    return {
        "occurred_at": "2025-06-01T09:30:00+07:00",
        "source": "departure_check",
        "region": f.PLACE,
        "narrative": "Calon PMI berangkat dengan visa kunjungan.",
        "persons": [{"role": "potential_victim", "full_name": "Rina", **person}],
    }


# --- Validation in the services ------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "id"])
def test_api_refuses_a_phone_the_page_refuses(officer, api, language):
    response = api(officer).post(
        "/api/v1/reports/",
        _report(phone="call me maybe"),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"persons": {"0": {"phone": [_in(language, PHONE_ERROR)]}}}
    assert not ReportPerson.objects.exists()
    assert _in("en", PHONE_ERROR) != _in("id", PHONE_ERROR)


def test_api_stores_the_phone_as_the_page_does(officer, api):
    response = api(officer).post(
        "/api/v1/reports/", _report(phone="0812-3456 (7890)"), format="json"
    )
    assert response.status_code == 201, response.content
    assert ReportPerson.objects.get().phone == "081234567890"


def test_the_service_checks_the_phone(officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        f.draft(officer, persons=[f.person(prefix="persons-0", phone="12")])
    assert caught.value.message_dict == {"persons-0-phone": [PHONE_ERROR]}


def test_the_service_checks_the_age_range(officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        f.draft(officer, persons=[f.person(prefix="persons-0", age=-1)])
    assert set(caught.value.message_dict) == {"persons-0-age"}


# --- The Desa Binaan a caller may choose ---------------------------------------------------


def test_a_hidden_village_and_a_missing_one_answer_alike(officer, kanim, lone_agency, api):
    hidden = village("36.72.01.1002", lone_agency)
    missing = hidden.pk + 1000
    answers = [
        api(officer).post("/api/v1/reports/", {**_report(), "desa": pk}, format="json")
        for pk in (hidden.pk, missing)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    first, second = (a.json() for a in answers)
    assert first == second


def test_a_visible_village_is_accepted(officer, kanim, api):
    desa = village("36.72.01.1002", kanim)
    response = api(officer).post("/api/v1/reports/", {**_report(), "desa": desa.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["desa"] == desa.pk


def test_the_page_shows_the_services_phone_error_next_to_the_field(client, officer):
    from django.urls import reverse

    from tests.referrals.test_views import form_data

    client.force_login(officer)
    data = form_data(**{"persons-0-phone": "call me maybe"})
    response = client.post(reverse("referrals:create"), {**data, "save": "1"})
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["phone"] == [
        _in(officer.language or "id", PHONE_ERROR)
    ]


# --- One selector per list -----------------------------------------------------------------


def test_the_share_list_comes_from_the_share_selector(
    officer, bp3mi, bp3mi_officer, lone_officer, pks, api
):
    from referrals import selectors, services

    report = f.submitted(officer)
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    for user, expected in ((officer, [share.pk]), (bp3mi_officer, [share.pk]), (lone_officer, [])):
        assert [s.pk for s in selectors.visible_shares(user)] == expected
        rows = api(user).get("/api/v1/shares/").json()["results"]
        assert [row["id"] for row in rows] == expected


# --- One filter parser ---------------------------------------------------------------------


def _numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "category=bogus", "source=bogus", "sort=bogus", "regency=99.99", "desa=x"],
)
def test_invalid_filters_answer_400_naming_them(officer, api, query):
    response = api(officer).get(f"/api/v1/reports/?{query}&date_to=kemarin")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {query.split("=")[0], "date_to"}


def test_a_hidden_village_filter_answers_as_a_missing_one(officer, lone_agency, api):
    hidden = village("36.72.01.1002", lone_agency)
    answers = [
        api(officer).get(f"/api/v1/reports/?desa={pk}").json() for pk in (hidden.pk, hidden.pk + 9)
    ]
    assert set(answers[0]) == {"desa"}
    assert str(answers[0]).replace(str(hidden.pk), "?") == str(answers[1]).replace(
        str(hidden.pk + 9), "?"
    )


def test_the_api_filters_by_person_regency_and_region_as_pages_and_exports_do(officer, api):
    rina = f.person(full_name="Rina Marlina", nik=f.NIK_FEMALE, sex="female")
    first = f.submitted(officer, persons=[rina])
    again = f.submitted(
        officer,
        persons=[f.person(full_name="Rina M.", nik=f.NIK_FEMALE, sex="female")],
        region=f.region("36.72.01.1002"),
    )
    other = f.submitted(officer, destination_country="SA")
    client = api(officer)
    person = first.persons.get().pk
    assert _numbers(client.get(f"/api/v1/reports/?person={person}")) == {
        first.number,
        again.number,
    }
    assert _numbers(client.get("/api/v1/reports/?regency=36.72")) == {again.number}
    assert _numbers(client.get("/api/v1/reports/?region=36.72.01")) == {again.number}
    assert _numbers(client.get("/api/v1/reports/?destination=sa")) == {other.number}
    assert client.get("/api/v1/reports/?person=abc").status_code == 400


def test_the_schema_documents_the_filters_the_parser_reads(officer, api):
    from referrals.forms import ReportQueryForm
    from referrals.vocabularies import ReportStatus

    schema = api(officer).get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/reports/"]["get"]["parameters"]}
    assert set(ReportQueryForm.base_fields) <= set(parameters)
    assert parameters["status"]["schema"]["enum"] == sorted(ReportStatus.values)
    assert parameters["date_from"]["schema"]["format"] == "date"
    assert parameters["person"]["schema"]["type"] == "integer"


# --- One guarded file download -------------------------------------------------------------


def test_the_api_serves_evidence_uncached_and_audited_as_the_page_does(
    api_records, officer, api, client
):
    from django.urls import reverse

    from portal.audit.models import AuditEntry

    client.force_login(officer)
    url = f"/api/v1/reports/{api_records.report.pk}/evidence/{api_records.evidence.pk}/"
    for response in (
        api(officer).get(url),
        client.get(reverse("referrals:evidence", args=[api_records.evidence.pk])),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    downloads = AuditEntry.objects.filter(action=AuditEntry.Action.FILE_DOWNLOADED)
    assert downloads.count() == 2


def test_a_file_gone_from_storage_is_a_404_and_no_download(api_records, officer, api):
    from portal.audit.models import AuditEntry

    api_records.evidence.file.storage.delete(api_records.evidence.file.name)
    url = f"/api/v1/reports/{api_records.report.pk}/evidence/{api_records.evidence.pk}/"
    assert api(officer).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.FILE_DOWNLOADED).exists()


def test_every_private_file_goes_through_the_guarded_helper():
    """Views serve stored uploads only through portal.core.uploads.guarded_file_response
    (uncached, audited after the file opened), never the bare FileResponse."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[3]
    offenders = [
        str(path.relative_to(root))
        for app in ("portal", "agreements", "villages", "referrals")
        for path in (root / app).rglob("*.py")
        if path.name != "uploads.py"
        and ("private_file_response" in path.read_text() or "FileResponse(" in path.read_text())
    ]
    assert offenders == []


def test_a_persons_model_rules_are_reported_on_that_person(officer, api):
    """An unknown nationality is refused on the person that carries it, as the page's form
    puts it beside the person's field (not as a field of the report)."""
    response = api(officer).post("/api/v1/reports/", _report(nationality="ZZ"), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"persons"}
    assert set(response.json()["persons"]["0"]) == {"nationality"}


def test_a_referrals_comments_come_from_one_selector(api_records, officer, api):
    from referrals import selectors, services

    services.referral_comment(actor=officer, referral=api_records.referral, body="Sudah dikirim.")
    expected = [c.pk for c in selectors.referral_comments(api_records.referral)]
    assert len(expected) == 1
    rows = api(officer).get(f"/api/v1/referrals/{api_records.referral.pk}/comments/").json()
    assert [row["id"] for row in rows["results"]] == expected
    detail = selectors.referral_detail(referral=api_records.referral)
    assert [c.pk for c in detail.comments.all()] == expected

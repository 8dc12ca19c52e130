"""Report pages by route and role, the form (drafts, submission, typed values kept, errors next
to the field, person blocks), the audited reveal and the evidence download."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.audit.models import AuditEntry
from referrals import services
from referrals.models import Report, ReportPerson
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

# The reporting officer, a colleague of the same office, the supervisor of the parent Kanwil,
# an officer of a sibling office, an officer of another ministry, a system admin of the Kanwil.
ROLES = [
    "officer",
    "colleague",
    "kanwil_supervisor",
    "cilegon_officer",
    "bp3mi_officer",
    "system_admin",
]


@pytest.fixture
def report(officer):
    return f.submitted(
        officer,
        persons=[f.person(nik=f.NIK_FEMALE, sex="female", passport_number="X1234567")],
    )


@pytest.fixture
def evidence(report, officer):
    return services.evidence_upload(
        actor=officer, report=report, upload=f.png_upload(3), kind="photo"
    )


@pytest.fixture
def routes(report, evidence):
    person = report.persons.get()
    return {
        "list": ("get", reverse("referrals:list")),
        "create": ("get", reverse("referrals:create")),
        "detail": ("get", reverse("referrals:detail", args=[report.pk])),
        "edit": ("get", reverse("referrals:edit", args=[report.pk])),
        "reveal": (
            "post",
            reverse("referrals:person_reveal", args=[report.pk, person.pk, "nik"]),
        ),
        "evidence": ("get", reverse("referrals:evidence", args=[evidence.pk])),
        "prevention_create": ("get", reverse("referrals:prevention_create", args=[report.pk])),
        "same_person": ("get", reverse("referrals:list") + f"?person={person.pk}"),
    }


# Status per role, in ROLES order. 404: the report does not exist for that user; a system
# admin reads no case file (403 on the lists).
EXPECTED = {
    "list": (200, 200, 200, 200, 200, 403),
    "create": (200, 200, 200, 200, 200, 403),
    "detail": (200, 200, 200, 404, 404, 404),
    "edit": (200, 403, 200, 404, 404, 404),
    "reveal": (200, 200, 200, 404, 404, 404),
    "evidence": (200, 200, 200, 404, 404, 404),
    "prevention_create": (200, 200, 200, 404, 404, 404),
    "same_person": (200, 200, 200, 404, 404, 403),
}


def call(client, route):
    method, url = route
    return getattr(client, method)(url)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_anonymous_user_is_sent_to_sign_in(client, routes, name):
    response = call(client, routes[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_page_status_by_role(client, request, routes, role, name):
    client.force_login(request.getfixturevalue(role))
    assert call(client, routes[name]).status_code == EXPECTED[name][ROLES.index(role)]


@pytest.mark.parametrize("role", ["cilegon_officer", "bp3mi_officer"])
def test_lists_and_search_of_outsiders_show_nothing(client, request, report, role):
    client.force_login(request.getfixturevalue(role))
    for query in ("", "?q=Siti", f"?q={report.number}", "?status=submitted"):
        page = client.get(reverse("referrals:list") + query).context["page"]
        assert list(page) == []
        assert page.paginator.count == 0


def test_own_list_finds_the_report_by_name_and_number(client, report, officer):
    client.force_login(officer)
    for query in ("?q=siti", "?q=Nurhal", f"?q={report.number}", "?category=tppo"):
        assert list(client.get(reverse("referrals:list") + query).context["page"]) == [report]
    assert list(client.get(reverse("referrals:list") + "?category=tppm").context["page"]) == []


def test_list_shows_identifiers_nowhere(client, report, officer):
    client.force_login(officer)
    body = client.get(reverse("referrals:list")).content.decode()
    assert f.NIK_FEMALE not in body
    assert "X1234567" not in body


def test_detail_masks_identifiers_and_reveal_is_audited(client, report, officer):
    client.force_login(officer)
    person = report.persons.get()
    body = client.get(report.get_absolute_url()).content.decode()
    assert f.NIK_FEMALE not in body
    assert "3671********0002" in body
    url = reverse("referrals:person_reveal", args=[report.pk, person.pk, "nik"])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert f.NIK_FEMALE in response.content.decode()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.PII_REVEALED).get()
    assert entry.actor == officer
    assert entry.data["field"] == "nik"
    assert f.NIK_FEMALE not in str(entry.data)


def test_reveal_of_an_unknown_field_is_404(client, report, officer):
    client.force_login(officer)
    person = report.persons.get()
    url = reverse("referrals:person_reveal", args=[report.pk, person.pk, "full_name"])
    assert client.post(url).status_code == 404


def test_evidence_download_is_an_audited_attachment(client, evidence, officer):
    client.force_login(officer)
    response = client.get(reverse("referrals:evidence", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/png"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.FILE_DOWNLOADED).count() == 1


def test_draft_is_invisible_to_colleague_until_submitted(client, officer, colleague):
    report = f.draft(officer)
    client.force_login(colleague)
    assert client.get(report.get_absolute_url()).status_code == 404
    services.report_submit(actor=officer, report=report)
    assert client.get(report.get_absolute_url()).status_code == 200


# --- The form ------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "occurred_at": "2025-06-01T09:30",
        "source": "departure_check",
        "region__province": "36",
        "region__regency": "36.71",
        "region__district": "36.71.01",
        "region": f.PLACE,
        "place_detail": "Bandara Soekarno-Hatta, Terminal 3",
        "destination_country": "SA",
        "route": "Jakarta, Riyadh",
        "mode": "umrah_visa",
        "narrative": "Calon PMI berangkat dengan visa umrah namun membawa kontrak kerja ART.",
        "risk_level": "medium",
        "indicators": ["nonproc_visit_visa", "nonproc_not_registered"],
        "categories": ["pmi_nonprocedural"],
        "persons-TOTAL_FORMS": "2",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "50",
        "persons-0-role": "potential_victim",
        "persons-0-full_name": "Rina Marlina",
        "persons-0-sex": "female",
        "persons-0-birth_date": "1990-01-12",
        "persons-0-nik": f.NIK_FEMALE,
        "persons-0-nationality": "ID",
        "persons-0-phone": "0812 3456 7890",
        "persons-1-role": "recruiter",
        "persons-1-full_name": "Pak Joko",
        "persons-1-nationality": "ID",
    }
    data.update(overrides)
    return data


def test_officer_files_and_submits_a_report_with_two_persons(client, officer):
    client.force_login(officer)
    response = client.post(reverse("referrals:create"), {**form_data(), "submit": "1"})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == report.get_absolute_url()
    assert report.status == "submitted"
    assert re.fullmatch(rf"IND-36-{report.agency.code}-\d{{4}}-\d{{6}}", report.number)
    assert [p.full_name for p in report.persons.all()] == ["Rina Marlina", "Pak Joko"]
    assert report.persons.all()[0].phone == "081234567890"
    assert report.suggested_categories == ["pmi_nonprocedural"]


def test_saving_a_draft_needs_little(client, officer):
    client.force_login(officer)
    data = form_data(narrative="", categories=[], **{"persons-TOTAL_FORMS": "0"})
    response = client.post(reverse("referrals:create"), {**data, "save": "1"})
    assert response.status_code == 302
    assert Report.objects.get().status == "draft"


def test_invalid_nik_keeps_everything_typed_and_says_why_next_to_the_field(client, officer):
    client.force_login(officer)
    data = form_data(**{"persons-0-nik": "3671019901900001"})  # month 90
    response = client.post(reverse("referrals:create"), {**data, "submit": "1"})
    assert response.status_code == 200
    assert not Report.objects.exists()
    person_form = response.context["formset"].forms[0]
    assert "nik" in person_form.errors
    body = response.content.decode()
    for typed in (
        "Rina Marlina",
        "Pak Joko",
        "Bandara Soekarno-Hatta, Terminal 3",
        "3671019901900001",
    ):
        assert typed in body
    assert 'value="nonproc_visit_visa" id="ind-nonproc_visit_visa" checked' in body


def test_messages_are_in_indonesian_by_default(client, officer):
    client.force_login(officer)
    data = form_data(narrative="pendek")
    response = client.post(reverse("referrals:create"), {**data, "submit": "1"})
    assert "narrative" in response.context["form"].errors
    assert "Laporan tidak disimpan" in response.content.decode()


def test_category_different_from_suggestion_needs_a_reason(client, officer):
    client.force_login(officer)
    data = form_data(categories=["tppo"])
    response = client.post(reverse("referrals:create"), {**data, "submit": "1"})
    assert "category_reason" in response.context["form"].errors
    data["category_reason"] = "Korban mengaku dijanjikan gaji palsu; dugaan TPPO."
    response = client.post(reverse("referrals:create"), {**data, "submit": "1"})
    assert response.status_code == 302
    assert Report.objects.get().category_overridden


def test_nik_that_disagrees_with_sex_is_saved_with_a_warning(client, officer):
    client.force_login(officer)
    data = form_data(**{"persons-0-sex": "male"})
    response = client.post(reverse("referrals:create"), {**data, "save": "1"}, follow=True)
    assert any(m.level_tag == "warning" for m in get_messages(response.wsgi_request)) or (
        "perempuan" in response.content.decode()
    )
    assert ReportPerson.objects.get(full_name="Rina Marlina").nik_warnings == ["sex_female"]


def test_correcting_a_submitted_report_requires_a_reason(client, report, officer):
    client.force_login(officer)
    url = reverse("referrals:edit", args=[report.pk])
    person = report.persons.get()
    data = form_data(
        categories=["tppo"],
        indicators=f.TPPO_INDICATORS,
        **{
            "persons-TOTAL_FORMS": "1",
            "persons-INITIAL_FORMS": "1",
            "persons-0-id": str(person.pk),
            "persons-0-full_name": "Siti Nurhaliza binti Ahmad",
            "persons-0-nik": person.nik,
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "correction_reason" in response.context["form"].errors
    response = client.post(url, {**data, "correction_reason": "Nama lengkap sesuai KTP."})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Siti Nurhaliza binti Ahmad"
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_UPDATED).get()
    assert entry.data["reason"] == "Nama lengkap sesuai KTP."


def test_suggest_endpoint_explains_the_category(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("referrals:suggest"),
        {
            "indicators": ["act_recruitment", "purpose_sexual"],
            "occurred_at": "2025-06-01T09:30",
            "persons-TOTAL_FORMS": "1",
            "persons-0-role": "potential_victim",
            "persons-0-age": "16",
        },
    )
    assert response.status_code == 200
    assert "TPPO" in response.content.decode()


def test_review_queue_for_supervisors_only(client, report, kanwil_supervisor, officer):
    client.force_login(officer)
    assert client.get(reverse("referrals:review_queue")).status_code == 403
    client.force_login(kanwil_supervisor)
    assert list(client.get(reverse("referrals:review_queue")).context["page"]) == [report]


def test_supervisor_reviews_and_closes(client, report, kanwil_supervisor):
    client.force_login(kanwil_supervisor)
    client.post(reverse("referrals:start_review", args=[report.pk]))
    close = reverse("referrals:close", args=[report.pk])
    data = {"outcome": "prevented_departure", "outcome_note": "Keberangkatan ditunda."}
    # The first post asks (the confirmation step without scripts) and closes nothing.
    asked = client.post(close, data)
    assert asked.status_code == 200
    assert asked.templates[0].name == "includes/confirm_page.html"
    report.refresh_from_db()
    assert report.status == "under_review"
    client.post(close, {**data, "confirmed": "1"})
    report.refresh_from_db()
    assert report.status == "closed"
    assert report.outcome == "prevented_departure"
    assert report.reviewer == kanwil_supervisor


def test_only_the_author_deletes_a_draft(client, officer, colleague):
    report = f.draft(officer)
    client.force_login(colleague)
    assert client.post(reverse("referrals:delete", args=[report.pk])).status_code == 404
    client.force_login(officer)
    url = reverse("referrals:delete", args=[report.pk])
    assert client.post(url).status_code == 200  # the question first
    assert Report.objects.exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not Report.objects.exists()


# --- The Desa Binaan panel -----------------------------------------------------------------


def test_village_panel_counts_reports_and_prevention_of_the_village(client, officer, bp3mi_officer):
    from tests.villages.factories import village

    desa = village(f.PLACE, officer.agency)
    report = f.submitted(officer, desa=desa)
    person = report.persons.get()
    services.prevention_record(
        actor=officer,
        report=report,
        person=person,
        office=officer.agency,
        kind="passport_deferred",
        date=report.occurred_at.date(),
        checkpoint="passport_office",
        place="Kantor Imigrasi Tangerang",
    )
    url = reverse("referrals:village_panel", args=[desa.pk])
    client.force_login(officer)
    response = client.get(url)
    assert response.context["summary"]["total"] == 1
    assert response.context["summary"]["prevention"] == {report.occurred_at.year: 1}
    assert report.number in response.content.decode()
    client.force_login(bp3mi_officer)  # no agreement: the village is not theirs to see
    assert client.get(url).status_code == 404

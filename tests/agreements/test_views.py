"""Agreement pages by route and role: who sees, who manages, who is refused, and that bad
input comes back as a form with every typed value kept."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, AgreementStatus, Party, Scope
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from tests import pdfs
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

PDF = pdfs.CLEAN


@pytest.fixture
def exchange_scope(db):
    return Scope.objects.create(
        code="data-exchange",
        name_id="Pertukaran data",
        name_en="Data exchange",
        allows_data_exchange=True,
    )


@pytest.fixture
def agreement(system_admin, kanwil, bp3mi, exchange_scope):
    """An active Kanwil (covering its offices) - BP3MI agreement with data exchange."""
    a = services.agreement_create(
        actor=system_admin,
        title="PKS Imigrasi-BP3MI",
        kind="pks",
        effective_from=dt.date(2025, 11, 18),
        signed_on=dt.date(2025, 11, 18),
        signed_at="Tangerang",
    )
    services.party_add(actor=system_admin, agreement=a, agency=kanwil, covers_child_offices=True)
    services.party_add(actor=system_admin, agreement=a, agency=bp3mi)
    services.agreement_scope_add(actor=system_admin, agreement=a, scope=exchange_scope)
    return services.agreement_activate(actor=system_admin, agreement=a)


@pytest.fixture
def outsider(make_user):
    return make_user(User.Role.OFFICER, AgencyFactory(short_name="Luar"))


def routes(agreement):
    party = agreement.parties.first()
    scope = agreement.scopes.first()
    return {
        "detail": ("get", reverse("agreements:detail", args=[agreement.pk])),
        "edit": ("get", reverse("agreements:edit", args=[agreement.pk])),
        "party_add": ("get", reverse("agreements:party_add", args=[agreement.pk])),
        "party_edit": ("get", reverse("agreements:party_edit", args=[agreement.pk, party.pk])),
        "scope_add": ("get", reverse("agreements:scope_add", args=[agreement.pk])),
        "scope_change": ("get", reverse("agreements:scope_change", args=[agreement.pk, scope.pk])),
    }


def test_officer_of_a_party_sees_the_agreement_in_list_and_detail(client, officer, agreement):
    client.force_login(officer)  # Kanim Tangerang, covered through the Kanwil
    assert agreement in list(client.get(reverse("agreements:list")).context["page"])
    page = client.get(agreement.get_absolute_url())
    assert page.status_code == 200
    assert not page.context["can_manage"]


def test_officer_of_other_agency_gets_404_for_agreement(client, outsider, agreement):
    client.force_login(outsider)
    assert agreement not in list(client.get(reverse("agreements:list")).context["page"])
    assert client.get(agreement.get_absolute_url()).status_code == 404


def test_child_office_does_not_see_agreement_whose_party_does_not_cover_it(
    client, make_user, kanwil, bp3mi, system_admin, exchange_scope
):
    child_of_bp3mi = AgencyFactory(short_name="Pos BP3MI", parent=bp3mi)
    a = services.agreement_create(
        actor=system_admin, title="X", kind="pks", effective_from=dt.date(2025, 1, 1)
    )
    services.party_add(actor=system_admin, agreement=a, agency=kanwil)
    services.party_add(actor=system_admin, agreement=a, agency=bp3mi, covers_child_offices=False)
    services.agreement_activate(actor=system_admin, agreement=a)
    client.force_login(make_user(User.Role.OFFICER, child_of_bp3mi))
    assert client.get(a.get_absolute_url()).status_code == 404


def test_drafts_are_hidden_from_everyone_but_system_admins(
    client, officer, system_admin, kanwil, bp3mi
):
    draft = services.agreement_create(
        actor=system_admin, title="Draf", kind="mou", effective_from=dt.date(2026, 1, 1)
    )
    services.party_add(
        actor=system_admin, agreement=draft, agency=kanwil, covers_child_offices=True
    )
    client.force_login(officer)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(system_admin)
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.SUPERVISOR, User.Role.AGENCY_ADMIN])
def test_only_system_admins_reach_management_pages(client, make_user, kanim, agreement, role):
    client.force_login(make_user(role, kanim))
    for name, (_method, url) in routes(agreement).items():
        expected = 200 if name == "detail" else 403
        assert client.get(url).status_code == expected, name
    for url in [
        reverse("agreements:create"),
        reverse("agreements:scope_list"),
        reverse("agreements:scope_create"),
    ]:
        assert client.get(url).status_code == 403, url
    for name in ["activate", "terminate", "document_upload"]:
        assert client.post(reverse(f"agreements:{name}", args=[agreement.pk])).status_code == 403


def test_system_admin_reaches_every_page(client, system_admin, agreement):
    client.force_login(system_admin)
    for name, (_method, url) in routes(agreement).items():
        assert client.get(url).status_code == 200, name
    for url in [
        reverse("agreements:create"),
        reverse("agreements:scope_list"),
        reverse("agreements:partner_map"),
    ]:
        assert client.get(url).status_code == 200, url


def test_create_with_end_before_start_keeps_the_typed_values(client, system_admin):
    client.force_login(system_admin)
    response = client.post(
        reverse("agreements:create"),
        {
            "title": "PKS Uji Coba",
            "kind": "pks",
            "signed_on": "2025-11-20",
            "signed_at": "Serang",
            "effective_from": "2025-11-20",
            "effective_until": "2025-01-01",
            "summary": "Ringkasan yang panjang",
        },
    )
    assert response.status_code == 200
    assert "effective_until" in response.context["form"].errors
    html = response.content.decode()
    for value in ["PKS Uji Coba", "Serang", "Ringkasan yang panjang", "2025-11-20"]:
        assert value in html
    assert "tidak boleh" in html or "sebelum" in html  # the message is in Indonesian
    assert not Agreement.objects.filter(title="PKS Uji Coba").exists()


def test_full_admin_flow_create_add_parties_scope_and_activate(
    client, system_admin, kanwil, bp3mi, exchange_scope
):
    client.force_login(system_admin)
    response = client.post(
        reverse("agreements:create"),
        {
            "title": "PKS Baru",
            "kind": "pks",
            "effective_from": "2025-12-01",
        },
    )
    agreement = Agreement.objects.get(title="PKS Baru")
    assert response.url == agreement.get_absolute_url()
    # Activation is refused with fewer than two parties, with the reason shown.
    activate = reverse("agreements:activate", args=[agreement.pk])
    page = client.post(activate, {"confirmed": "1"}, follow=True)
    assert "dua pihak" in page.content.decode()
    for agency in (kanwil, bp3mi):
        client.post(
            reverse("agreements:party_add", args=[agreement.pk]),
            {
                "agency": agency.pk,
                "agreement_number": f"NO/{agency.pk}",
                "signatory_name": "X",
            },
        )
    # A duplicate party is a form error, not a crash.
    dup = client.post(reverse("agreements:party_add", args=[agreement.pk]), {"agency": kanwil.pk})
    assert dup.status_code == 200
    assert dup.context["form"].errors
    client.post(
        reverse("agreements:scope_add", args=[agreement.pk]),
        {
            "scope": exchange_scope.pk,
            "categories": ["tppo", "tppm"],
        },
    )
    asked = client.post(activate)  # the question first, activating nothing
    assert asked.templates[0].name == "includes/confirm_page.html"
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    client.post(activate, {"confirmed": "1"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert list(agreement.scopes.get().categories) == ["tppo", "tppm"]
    actions = set(
        AuditEntry.objects.filter(
            target_id=str(agreement.pk), target_type="agreements.Agreement"
        ).values_list("action", flat=True)
    )
    assert {
        "agreement_created",
        "party_added",
        "agreement_scope_added",
        "agreement_activated",
    } <= actions


def test_data_exchange_scope_without_category_is_refused_on_the_form(
    client, system_admin, agreement, exchange_scope
):
    other = Scope.objects.create(code="x", name_id="X", name_en="X", allows_data_exchange=True)
    client.force_login(system_admin)
    response = client.post(
        reverse("agreements:scope_add", args=[agreement.pk]), {"scope": other.pk}
    )
    assert response.status_code == 200
    assert "categories" in response.context["form"].errors


def test_terminate_requires_a_reason(client, system_admin, agreement):
    client.force_login(system_admin)
    response = client.post(
        reverse("agreements:terminate", args=[agreement.pk]),
        {
            "terminated_on": "2026-01-01",
            "termination_reason": "",
        },
    )
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    client.post(
        reverse("agreements:terminate", args=[agreement.pk]),
        {
            "terminated_on": "2026-01-01",
            "termination_reason": "Digantikan PKS baru",
            "confirmed": "1",
        },
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "Digantikan PKS baru" in page


def test_document_upload_and_permission_checked_download(
    client, system_admin, officer, outsider, agreement, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(system_admin)
    client.post(
        reverse("agreements:document_upload", args=[agreement.pk]),
        {
            "title": "Naskah PKS",
            "file": SimpleUploadedFile("pks.pdf", PDF, "application/pdf"),
        },
    )
    document = agreement.documents.get()
    url = reverse("agreements:document_download", args=[document.pk])

    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="document_downloaded", actor=officer).count() == 1

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="document_downloaded", actor=outsider).exists()


def test_disguised_upload_is_refused_with_a_message(
    client, system_admin, agreement, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(system_admin)
    page = client.post(
        reverse("agreements:document_upload", args=[agreement.pk]),
        {
            "title": "Palsu",
            "file": SimpleUploadedFile(
                "pks.pdf", b"<html><script>alert(1)</script>", "application/pdf"
            ),
        },
        follow=True,
    )
    assert "PDF" in page.content.decode()
    assert not agreement.documents.exists()


def test_partner_map_shows_partners_and_the_reason(client, officer, agreement, bp3mi):
    client.force_login(officer)
    response = client.get(reverse("agreements:partner_map"))
    partners = response.context["partners"]
    assert [p.agency for p in partners] == [bp3mi]
    assert partners[0].bases[0].agreement == agreement
    assert agreement.title in response.content.decode()


def test_officer_cannot_look_at_another_agencys_partner_map(client, officer, bp3mi, agreement):
    client.force_login(officer)
    response = client.get(reverse("agreements:partner_map"), {"agency": bp3mi.pk})
    assert response.context["agency"] == officer.agency


def test_system_admin_manages_the_scope_vocabulary(client, system_admin):
    client.force_login(system_admin)
    client.post(
        reverse("agreements:scope_create"),
        {
            "code": "joint-patrol",
            "name_id": "Patroli bersama",
            "name_en": "Joint patrol",
            "description": "",
            "sort_order": 50,
            "is_active": "on",
        },
    )
    scope = Scope.objects.get(code="joint-patrol")
    assert not scope.allows_data_exchange
    client.post(
        reverse("agreements:scope_edit", args=[scope.pk]),
        {
            "code": "joint-patrol",
            "name_id": "Patroli bersama",
            "name_en": "Joint patrol",
            "description": "",
            "sort_order": 50,
            "is_active": "on",
            "allows_data_exchange": "on",
        },
    )
    scope.refresh_from_db()
    assert scope.allows_data_exchange
    entry = AuditEntry.objects.get(action="scope_updated")
    assert entry.data["changes"]["allows_data_exchange"] == [False, True]


def test_agreement_list_filters(client, officer, agreement, bp3mi, exchange_scope):
    client.force_login(officer)
    url = reverse("agreements:list")
    assert agreement in list(client.get(url, {"partner": bp3mi.pk}).context["page"])
    assert agreement in list(
        client.get(url, {"scope": exchange_scope.pk, "status": "active"}).context["page"]
    )
    assert list(client.get(url, {"status": "terminated"}).context["page"]) == []
    assert client.get(url, {"partner": "abc", "status": "<script>"}).status_code == 200


def test_agreement_list_query_count_does_not_grow_with_rows(
    client, officer, agreement, system_admin, kanwil, bp3mi, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    url = reverse("agreements:list")
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    for i in range(5):
        a = services.agreement_create(
            actor=system_admin, title=f"PKS {i}", kind="pks", effective_from=dt.date(2025, 1, 1)
        )
        services.party_add(
            actor=system_admin, agreement=a, agency=kanwil, covers_child_offices=True
        )
        services.party_add(actor=system_admin, agreement=a, agency=bp3mi)
        services.agreement_activate(actor=system_admin, agreement=a)
    with django_assert_max_num_queries(len(one_row)):
        response = client.get(url)
    assert len(response.context["page"]) == 6
    assert len(one_row) <= 16


def test_party_of_other_agreement_is_404_in_urls(client, system_admin, agreement, kanwil, bp3mi):
    other = services.agreement_create(
        actor=system_admin, title="Lain", kind="mou", effective_from=dt.date(2025, 1, 1)
    )
    party = services.party_add(actor=system_admin, agreement=other, agency=kanwil)
    client.force_login(system_admin)
    assert (
        client.get(reverse("agreements:party_edit", args=[agreement.pk, party.pk])).status_code
        == 404
    )
    assert Party.objects.filter(pk=party.pk).exists()


@pytest.mark.parametrize(
    ("status", "start", "end", "terminated", "day", "expected"),
    [
        ("draft", "2025-01-01", None, None, "2025-06-01", False),
        ("active", "2025-01-01", None, None, "2024-12-31", False),
        ("active", "2025-01-01", None, None, "2025-01-01", True),
        ("active", "2025-01-01", "2025-12-31", None, "2025-12-31", True),
        ("expired", "2025-01-01", "2025-12-31", None, "2026-01-01", False),
        ("expired", "2025-01-01", "2025-12-31", None, "2025-06-01", True),
        ("terminated", "2025-01-01", None, "2025-06-01", "2025-05-31", True),
        ("terminated", "2025-01-01", None, "2025-06-01", "2025-06-01", False),
    ],
)
def test_in_force_rule_is_the_same_in_python_and_sql(status, start, end, terminated, day, expected):
    a = Agreement.objects.create(
        title="T",
        kind="pks",
        status=status,
        effective_from=dt.date.fromisoformat(start),
        effective_until=end and dt.date.fromisoformat(end),
        terminated_on=terminated and dt.date.fromisoformat(terminated),
        termination_reason="alasan" if terminated else "",
    )
    on = dt.date.fromisoformat(day)
    assert a.is_in_force_on(on) is expected
    assert Agreement.objects.in_force_on(on).filter(pk=a.pk).exists() is expected


def test_cooperating_agencies_follow_any_agreement_in_force(system_admin, kanwil, kanim, bp3mi):
    from agreements.sharing_policy import cooperating_agency_ids

    training = Scope.objects.create(code="training", name_id="Pelatihan", name_en="Training")
    a = services.agreement_create(
        actor=system_admin, title="Pelatihan", kind="mou", effective_from=dt.date(2025, 1, 1)
    )
    services.party_add(actor=system_admin, agreement=a, agency=kanwil, covers_child_offices=True)
    services.party_add(actor=system_admin, agreement=a, agency=bp3mi)
    services.agreement_scope_add(actor=system_admin, agreement=a, scope=training)
    assert cooperating_agency_ids(agencies=[bp3mi.pk]) == set()  # still a draft
    services.agreement_activate(actor=system_admin, agreement=a)
    assert cooperating_agency_ids(agencies=[bp3mi.pk]) == {kanwil.pk, kanim.pk}
    assert cooperating_agency_ids(agencies=[kanim.pk]) == {bp3mi.pk}
    assert cooperating_agency_ids(agencies=[]) == set()


def test_adding_a_scope_names_it_and_opens_at_it(client, system_admin, agreement):
    outreach = Scope.objects.create(code="sosialisasi", name_id="Sosialisasi", name_en="Outreach")
    client.force_login(system_admin)
    response = client.post(
        reverse("agreements:scope_add", args=[agreement.pk]), {"scope": outreach.pk}, follow=True
    )
    added = agreement.scopes.get(scope=outreach)
    fragment = f"agreement-scope-{added.pk}"
    assert response.redirect_chain[-1][0] == f"{agreement.get_absolute_url()}#{fragment}"
    assert f'highlightable" id="{fragment}"' in response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "Ruang lingkup “Sosialisasi” ditambahkan ke perjanjian."
    ]

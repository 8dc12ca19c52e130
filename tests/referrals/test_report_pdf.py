"""The printable indication report (GET /reports/<pk>/pdf/): what it contains, for whom, with
identifiers masked unless an entitled user asks, and every print in the audit log."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry
from referrals import services
from tests.pdftext import pdf_pages, pdf_text
from tests.referrals import exchange as x
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

PASSPORT = "X1234567"
PHONE = "081298765432"


@pytest.fixture
def report(officer):
    return f.submitted(
        officer,
        persons=[
            f.person(
                full_name="Siti Nurhaliza",
                nik=f.NIK_FEMALE,
                sex="female",
                passport_number=PASSPORT,
                phone=PHONE,
            ),
            f.person(full_name="Pak Darto", role="recruiter"),
        ],
        route="Tangerang - Batam - Johor Bahru",
    )


@pytest.fixture
def evidence(report, officer):
    return services.evidence_upload(
        actor=officer,
        report=report,
        upload=f.png_upload(3, name="foto-paspor.png"),
        kind="photo",
        description="Foto paspor korban",
    )


def url(report, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    base = reverse("referrals:report_pdf", args=[report.pk])
    return f"{base}?{query}" if query else base


def fetch(client, user, report, **params):
    client.force_login(user)
    response = client.get(url(report, **params))
    assert response.status_code == 200, response.status_code
    return response


def prints(report):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.PDF_PRINTED,
        target_type="referrals.Report",
        target_id=str(report.pk),
    )


def reveals(report):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.PII_REVEALED, target_id=str(report.pk)
    )


def test_report_pdf_is_an_attachment_never_cached(client, officer, report):
    response = fetch(client, officer, report)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="{report.number}.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_report_pdf_carries_the_report_and_the_letterhead(client, officer, kanim, report, evidence):
    kanim.address = "Jl. Taman Makam Pahlawan Taruna No. 10, Kota Tangerang"
    kanim.phone = "(021) 5523456"
    kanim.email = "kanim.tangerang@imigrasi.go.id"
    kanim.save()
    text = pdf_text(fetch(client, officer, report).content)
    for expected in (
        report.number,
        kanim.name.upper(),  # letterhead
        kanim.parent.name.upper(),
        "Jl. Taman Makam Pahlawan Taruna No. 10",
        "(021) 5523456",
        "kanim.tangerang@imigrasi.go.id",
        officer.full_name,
        "Siti Nurhaliza",
        "Pak Darto",
        "Tangerang - Batam - Johor Bahru",
        "Calon PMI direkrut sponsor tanpa izin",  # the narrative
        "Sukarasa",  # the place
        "36.71.01.1001",
        "Foto paspor korban",  # evidence by name only
        evidence.sha256[:16],
    ):
        assert expected in text, expected


def test_every_page_names_the_printer(client, officer, report):
    pages = pdf_pages(fetch(client, officer, report).content)
    assert pages
    assert all(officer.full_name in page for page in pages)


def test_identifiers_are_masked_by_default_and_printing_is_audited(client, officer, report):
    text = pdf_text(fetch(client, officer, report).content)
    assert f.NIK_FEMALE not in text
    assert PASSPORT not in text
    assert PHONE not in text
    assert "3671********0002" in text
    assert "X1****67" in text
    assert "0812****5432" in text
    (entry,) = prints(report)
    assert entry.actor == officer
    assert entry.data == {"document": "report", "identifiers": False}
    assert not reveals(report).exists()


def test_own_officer_may_print_identifiers_in_full_and_it_is_audited_as_a_reveal(
    client, officer, report
):
    text = pdf_text(fetch(client, officer, report, identifiers=1).content)
    assert f.NIK_FEMALE in text
    assert PASSPORT in text
    assert PHONE in text
    (reveal,) = reveals(report)
    assert reveal.actor == officer
    siti = report.persons.get(full_name="Siti Nurhaliza")
    assert reveal.data["persons"] == [siti.pk]  # Pak Darto has no identifier to reveal
    assert reveal.data["field"] == "nik, passport_number, phone"
    assert prints(report).get().data["identifiers"] is True


# --- A partner ---------------------------------------------------------------------------


@pytest.fixture
def shared(pks, report, officer, bp3mi, polda, system_admin):
    """Shared with BP3MI and, under another agreement, with Polda Banten, which also gets a
    referral: BP3MI must see neither."""
    x.data_agreement(system_admin, report.agency, polda, code="data-polri", title="PKS Polri")
    services.report_share(actor=officer, report=report, agencies=[bp3mi, polda])
    x.refer(officer, report, polda, requested_action="investigation")
    return report


def test_partner_prints_the_shared_report_masked_even_when_asking_for_identifiers(
    client, shared, bp3mi_officer, polda
):
    text = pdf_text(fetch(client, bp3mi_officer, shared, identifiers=1).content)
    assert shared.number in text
    assert "Siti Nurhaliza" in text
    assert f.NIK_FEMALE not in text
    assert PASSPORT not in text
    assert "3671********0002" in text
    assert not reveals(shared).exists()
    assert prints(shared).get().data == {"document": "report", "identifiers": False}
    # What the partner's page hides, the print hides: the other partner's share and referral.
    assert polda.name not in text
    assert polda.short_name not in text


def test_partner_sees_identifiers_after_accepting_a_referral(
    client, shared, officer, bp3mi, bp3mi_officer, bp3mi_supervisor
):
    referral = x.refer(officer, shared, bp3mi)
    before = pdf_text(fetch(client, bp3mi_officer, shared, identifiers=1).content)
    assert f.NIK_FEMALE not in before
    services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    after = pdf_text(fetch(client, bp3mi_officer, shared, identifiers=1).content)
    assert f.NIK_FEMALE in after
    assert PASSPORT in after
    assert reveals(shared).get().actor == bp3mi_officer
    # Without asking, still masked.
    assert f.NIK_FEMALE not in pdf_text(fetch(client, bp3mi_officer, shared).content)


# --- Who is refused ------------------------------------------------------------------------


def test_another_agency_gets_404_and_nothing_is_audited(
    client, report, cilegon_officer, polda_officer
):
    for user in (cilegon_officer, polda_officer):
        client.force_login(user)
        assert client.get(url(report)).status_code == 404
        assert client.get(url(report, identifiers=1)).status_code == 404
    assert not prints(report).exists()
    assert not reveals(report).exists()


def test_draft_prints_for_its_author_only(client, officer, colleague, kanim_supervisor):
    draft = f.draft(officer)
    for user in (colleague, kanim_supervisor):
        client.force_login(user)
        assert client.get(url(draft)).status_code == 404
    assert draft.number in pdf_text(fetch(client, officer, draft).content)


def test_missing_report_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("referrals:report_pdf", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, report):
    response = client.get(url(report))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_supervisor_of_the_kanwil_prints_reports_of_its_offices(client, kanwil_supervisor, report):
    assert report.number in pdf_text(fetch(client, kanwil_supervisor, report).content)


# --- Odd content and cost ------------------------------------------------------------------


def test_any_name_prints_without_error(client, officer):
    odd = f.submitted(
        officer,
        persons=[
            f.person(full_name="Nguyễn Thị Hằng <b>& (Łódź)"),
            f.person(full_name="张伟 Ağça", role="witness"),
        ],
        narrative="Catatan: <script>alert(1)</script> \\ ( ) & \u0007 selesai.",
    )
    text = pdf_text(fetch(client, officer, odd).content)
    assert "Nguyễn Thị Hằng <b>& (Łódź)" in text
    assert "<script>alert(1)</script>" in text
    assert "Ağça" in text


def test_query_count_does_not_grow_with_persons_and_files(
    client, officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(report) -> int:
        client.force_login(officer)
        # The first request after a sign-in extends the session (a write of its own).
        client.get(reverse("notifications:preferences"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(report, identifiers=1)).status_code == 200
        return len(ctx.captured_queries)

    small = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE)])
    big = f.submitted(
        officer,
        persons=[f.person(full_name=f"Orang {i}", passport_number=f"X12345{i}0") for i in range(6)],
    )
    for i in range(3):
        services.evidence_upload(
            actor=officer, report=big, upload=f.png_upload(10 + i), kind="photo"
        )
    assert count(big) == count(small)
    assert count(big) <= 30


def test_report_page_offers_the_pdf_and_identifiers_only_to_who_may_reveal(
    client, officer, shared, bp3mi_officer
):
    plain = reverse("referrals:report_pdf", args=[shared.pk])
    client.force_login(officer)
    html = client.get(shared.get_absolute_url()).content.decode()
    assert f'href="{plain}"' in html
    assert 'id="report-pdf-identifiers"' in html
    client.force_login(bp3mi_officer)
    html = client.get(shared.get_absolute_url()).content.decode()
    assert f'href="{plain}"' in html
    assert 'id="report-pdf-identifiers"' not in html

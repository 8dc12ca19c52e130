"""The referral letter (surat rujukan, GET /reports/referral/<pk>/letter/): a formal letter from
the sending agency to the receiving one, printable by either side and by nobody else."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry
from referrals import services
from tests.pdftext import pdf_text
from tests.referrals import exchange as x
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

MESSAGE = "Mohon pendampingan korban dan koordinasi pemulangan dari Johor Bahru."


@pytest.fixture
def referral(pks, officer, kanim, bp3mi):
    officer.full_name = "Liman Mangunsong"
    officer.position = "Kepala Seksi Intelijen dan Penindakan Keimigrasian"
    officer.employee_number = "198001012005011001"
    officer.save()
    bp3mi.address = "Jl. Trip Jamaksari No. 3, Kota Serang"
    bp3mi.save()
    report = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    return x.refer(officer, report, bp3mi, urgency="urgent", message=MESSAGE)


def letter_url(referral) -> str:
    return reverse("referrals:referral_letter", args=[referral.pk])


def fetch(client, user, referral):
    client.force_login(user)
    response = client.get(letter_url(referral))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response


def test_letter_names_both_agencies_the_request_and_the_signer(
    client, officer, referral, kanim, bp3mi
):
    response = fetch(client, officer, referral)
    text = pdf_text(response.content)
    report = referral.report
    for expected in (
        kanim.name.upper(),  # letterhead of the sender
        bp3mi.name,  # the addressee
        "Jl. Trip Jamaksari No. 3, Kota Serang",
        f"{referral.number}/{report.number}",  # the letter's number
        report.number,
        MESSAGE,
        "Liman Mangunsong",
        "Kepala Seksi Intelijen dan Penindakan Keimigrasian",
        "198001012005011001",
        "PKS Kanim Tangerang - BP3MI",  # the agreement it is made under
    ):
        assert expected in text, expected
    assert f.NIK_FEMALE not in text
    assert "3671********0002" not in text  # the letter names no person at all
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="surat-rujukan-')
    assert disposition.endswith(f'{report.number}.pdf"')
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "who", ["officer", "kanim_supervisor", "bp3mi_officer", "bp3mi_supervisor"]
)
def test_both_sides_may_print_it_and_it_is_audited(client, request, referral, who):
    user = request.getfixturevalue(who)
    fetch(client, user, referral)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PDF_PRINTED)
    assert entry.actor == user
    assert entry.agency_id == user.agency_id
    assert (entry.target_type, entry.target_id) == ("referrals.Report", str(referral.report_id))
    assert entry.data == {"document": "referral_letter", "referral": referral.pk}


@pytest.mark.parametrize("who", ["cilegon_officer", "polda_officer", "system_admin"])
def test_anyone_else_gets_404(client, request, referral, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(letter_url(referral)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PDF_PRINTED).exists()


def test_missing_referral_is_404_and_letter_is_not_a_step(client, officer, referral):
    client.force_login(officer)
    assert client.get(reverse("referrals:referral_letter", args=[999999])).status_code == 404
    # POST is not printing (and "letter" is no step of the referral).
    assert client.post(letter_url(referral)).status_code == 405


def test_letter_query_count_is_small(client, officer, referral, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        assert client.get(letter_url(referral)).status_code == 200


def test_referral_page_links_the_letter(client, officer, referral):
    client.force_login(officer)
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert letter_url(referral) in page.content.decode()

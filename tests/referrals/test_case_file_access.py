"""Who reads case files at all, and when a partner opens their files.

- A system admin is a technical role: it reads no report, person, evidence, share, referral or
  case export, of its own agency neither (portal.access.reads_case_files), while it keeps the
  aggregate statistics. The route-by-route answers are in the page and API matrices
  (tests/security/test_page_matrix.py, tests/api/test_access_matrix.py); here the selectors,
  the menu, old export files and the statistics.
- A referral's attachments open to the receiving agency under the rule of the report's
  evidence: once it has accepted a referral of the report (and always what it attached)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal import access
from portal.accounts.models import User
from portal.exports import selectors as export_selectors
from portal.exports import services as export_services
from portal.exports.registry import get_dataset
from referrals import permissions, selectors, services
from referrals.models import ReferralAttachment
from referrals.selectors import ReportFilters
from referrals.stats.selectors import StatsFilters, referral_figures
from tests.referrals import exchange as x
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def kanim_sysadmin(make_user, kanim):
    return make_user(User.Role.SYSTEM_ADMIN, kanim, username="sysadmin-kanim")


@pytest.fixture
def bp3mi_sysadmin(make_user, bp3mi):
    return make_user(User.Role.SYSTEM_ADMIN, bp3mi, username="sysadmin-bp3mi")


@pytest.fixture
def referral(pks, officer, bp3mi):
    report = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])
    services.evidence_upload(actor=officer, report=report, upload=f.png_upload(1), kind="photo")
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    referral = x.refer(officer, report, bp3mi)
    services.referral_comment(
        actor=officer, referral=referral, body="Foto terlampir.", upload=f.png_upload(2)
    )
    return referral


# --- System admins -------------------------------------------------------------------------


def test_only_a_system_admin_reads_no_case_files(make_user, kanim, officer, kanim_sysadmin):
    for role in (User.Role.OFFICER, User.Role.SUPERVISOR, User.Role.AGENCY_ADMIN):
        user = make_user(role, kanim)
        assert access.reads_case_files(user)
        assert access.case_file_agency_ids(user) == access.visible_agency_ids(user)
    assert not access.reads_case_files(kanim_sysadmin)
    assert access.case_file_agency_ids(kanim_sysadmin) == frozenset()
    # Its agency stays its agency: villages, agreements and figures still follow it.
    assert access.visible_agency_ids(kanim_sysadmin) == {kanim.pk}
    officer.is_active = False
    assert not access.reads_case_files(officer)


def test_a_system_admin_reads_no_case_file_of_its_agency_nor_shared_with_it(
    referral, officer, kanim_sysadmin, bp3mi_sysadmin
):
    report = referral.report
    draft = f.draft(officer)
    for admin in (kanim_sysadmin, bp3mi_sysadmin):
        assert not selectors.own_reports(admin).exists()
        assert not selectors.shared_reports(admin).exists()
        assert not selectors.visible_reports(admin).filter(pk__in=[report.pk, draft.pk]).exists()
        assert not selectors.visible_referrals(admin).exists()
        assert not selectors.referral_queue(user=admin, incoming=True).exists()
        assert not selectors.referral_queue(user=admin, incoming=False).exists()
        assert not selectors.case_data(user=admin, filters=ReportFilters()).exists()
        assert not permissions.is_own_report(admin, report)
        assert not permissions.may_see_identifiers(admin, report)
        assert selectors.share_of(admin, report) is None
        assert permissions.referral_side(admin, referral) is None
        assert not permissions.may_open_attachment(admin, referral.attachments.get())


def test_a_system_admin_cannot_export_case_files_nor_take_an_old_export(
    client, referral, kanim_sysadmin
):
    """An export job of a case list made before the rule is no longer its owner's to take."""
    client.force_login(kanim_sysadmin)
    response = client.post(reverse("exports:create", args=["reports"]), {"format": "csv"})
    assert response.status_code == 403
    jobs = {}
    for name in ("reports", "referrals", "villages"):
        job = export_services.export_job_create(
            actor=kanim_sysadmin,
            dataset=get_dataset(name),
            params={"direction": ["outgoing"]} if name == "referrals" else {},
            options=export_services.ExportOptions(fmt="csv"),
        )
        export_services.export_job_run(job_id=job.pk)
        job.refresh_from_db()
        jobs[name] = job
    assert not export_selectors.may_download(kanim_sysadmin, jobs["reports"])
    assert not export_selectors.may_download(kanim_sysadmin, jobs["referrals"])
    assert export_selectors.may_download(kanim_sysadmin, jobs["villages"])
    for name, status in (("reports", 404), ("referrals", 404), ("villages", 200)):
        response = client.get(reverse("exports:download", args=[jobs[name].pk]))
        assert response.status_code == status, name


def test_a_system_admin_keeps_the_aggregate_referral_figures(referral, kanim_sysadmin):
    figures = referral_figures(user=kanim_sysadmin, filters=StatsFilters())
    assert figures.total == 1
    assert [row.agency for row in figures.rows] == [referral.to_agency.short_name]


def test_the_menu_offers_a_system_admin_no_case_page(client, officer, kanim_sysadmin):
    case_pages = [
        reverse("referrals:list"),
        reverse("referrals:shared_list"),
        reverse("referrals:referral_queue", args=["incoming"]),
    ]
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    assert all(f'href="{url}"' in page for url in case_pages)
    client.force_login(kanim_sysadmin)
    page = client.get(reverse("home")).content.decode()
    assert not any(f'href="{url}"' in page for url in case_pages)
    assert f'href="{reverse("stats:overview")}"' in page


# --- Referral attachments, locked like evidence until accepted -----------------------------


def test_the_receiver_opens_the_attachments_only_once_it_has_accepted(
    client, referral, officer, bp3mi_officer, bp3mi_supervisor
):
    item = referral.attachments.get()
    url = reverse("referrals:referral_attachment", args=[item.pk])
    page_url = reverse("referrals:referral_detail", args=[referral.pk])
    evidence_url = reverse("referrals:evidence", args=[referral.report.evidence.get().pk])
    client.force_login(bp3mi_officer)
    assert client.get(url).status_code == 403
    assert client.get(evidence_url).status_code == 403  # the same rule, the same answer
    page = client.get(page_url).content.decode()
    assert item.original_name in page
    assert f'href="{url}"' not in page
    client.force_login(officer)  # the sender always opens it
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in client.get(page_url).content.decode()

    services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    client.force_login(bp3mi_officer)
    assert client.get(url).status_code == 200
    assert client.get(evidence_url).status_code == 200
    assert f'href="{url}"' in client.get(page_url).content.decode()


def test_the_receiver_opens_what_it_attached_itself_before_accepting(
    client, referral, officer, bp3mi_officer
):
    services.referral_comment(
        actor=bp3mi_officer, referral=referral, body="Surat kami.", upload=f.png_upload(5)
    )
    own = ReferralAttachment.objects.get(agency=bp3mi_officer.agency)
    theirs = ReferralAttachment.objects.exclude(pk=own.pk).get()
    assert selectors.openable_attachments(bp3mi_officer, referral) == {own.pk}
    assert selectors.openable_attachments(officer, referral) == {own.pk, theirs.pk}
    client.force_login(bp3mi_officer)
    assert client.get(reverse("referrals:referral_attachment", args=[own.pk])).status_code == 200
    assert client.get(reverse("referrals:referral_attachment", args=[theirs.pk])).status_code == 403


def test_the_api_gives_no_evidence_link_while_the_files_are_locked(
    referral, officer, bp3mi_officer, bp3mi_supervisor
):
    url = reverse("api:report-detail", args=[referral.report_id])

    def links(user):
        api = APIClient()
        api.force_authenticate(user)
        response = api.get(url)
        assert response.status_code == 200
        return [e["download"] for e in response.json()["evidence"]]

    assert links(bp3mi_officer) == [None]
    assert links(officer)[0].endswith("/")
    services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    assert links(bp3mi_officer) == links(officer)

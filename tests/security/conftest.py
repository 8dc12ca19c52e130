"""One landscape with a record of every kind the pages serve, and a user of every role, for
the security tests (access matrix of the pages, CSRF, stored XSS, SQL injection, uploads).

Agency A is Kanim Tangerang (below the Kanwil). BP3MI Banten is its partner under an agreement
in force with a data-exchange scope; Dinsos Serang has no agreement with anyone. Every record
is Kanim's, made through the services as its users would make them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agreements import services as agreement_services
from portal.accounts.models import User
from portal.api import services as token_services
from portal.exports import services as export_services
from portal.exports.registry import get_dataset
from portal.notifications.services import notify
from referrals import services
from tests.factories import AgencyFactory
from tests.referrals import factories as f
from tests.villages.factories import (
    PDF_BYTES,
    activity,
    agreement,
    days,
    png_bytes,
    scope,
    village,
)
from villages import services as village_services

ROLES = ("anonymous", "officer", "supervisor", "agency_admin", "system_admin", "lone", "partner")

NIK = f.NIK_FEMALE
PASSPORT = "X1234567"
PHONE = "081234567890"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png(seed: int = 0, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or f"foto-{seed}.png", png_bytes(seed), "image/png")


def pdf(name: str = "pks.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


@pytest.fixture
def lone_agency(db):
    return AgencyFactory(
        name="Dinas Sosial Kota Serang", short_name="Dinsos Serang", kind="local_government"
    )


@pytest.fixture
def roles(make_user, officer, agency_admin, system_admin, kanim, bp3mi, lone_agency):
    """Every role of the matrices, by name (None: anonymous). Supervisors and admins have
    enrolled TOTP (make_user does it), as they must have before they can open a page."""
    return {
        "anonymous": None,
        "officer": officer,
        "supervisor": make_user(User.Role.SUPERVISOR, kanim, username="kanimsupervisor"),
        "agency_admin": agency_admin,
        "system_admin": system_admin,
        "lone": make_user(User.Role.OFFICER, lone_agency, username="loneofficer"),
        "partner": make_user(User.Role.OFFICER, bp3mi, username="bp3miofficer"),
    }


@pytest.fixture
def system_admins_elsewhere(make_user, kanim, bp3mi) -> dict[str, Client]:
    """Signed-in clients of a system admin of Kanim, whose agency owns every record, and of one
    of BP3MI, the partner that received the share and the referral. A system admin reads no
    case file, of its own agency neither (portal.access.reads_case_files): the matrices expect
    of them what they expect of the system admin of the Kanwil."""
    made = {}
    for agency in (kanim, bp3mi):
        user = make_user(User.Role.SYSTEM_ADMIN, agency, username=f"sysadmin-{agency.pk}")
        made[f"system_admin of {agency.short_name}"] = Client()
        made[f"system_admin of {agency.short_name}"].force_login(user)
    return made


@pytest.fixture
def clients(roles) -> dict[str, Client]:
    """A signed-in test client per role."""
    made = {}
    for name, user in roles.items():
        made[name] = Client()
        if user is not None:
            made[name].force_login(user)
    return made


@pytest.fixture
def records_of_every_kind(roles, officer, system_admin, kanim, bp3mi, lone_agency):
    """One record of every kind, all of Kanim Tangerang:

    - agreement: Kanim - BP3MI, in force, a data-exchange scope, a signed PDF; party and
      agreement_scope are Kanim's party and that scope; vocabulary is the scope itself;
    - report: submitted by Kanim's officer, a person with NIK, passport and telephone, a photo
      as evidence, a prevention action, shared with BP3MI, referred to BP3MI (not accepted yet),
      a comment with an attachment on the referral;
    - draft: the officer's draft; fresh: a submitted report shared with nobody;
    - desa: a Desa Binaan of Kanim co-managed by BP3MI (partner); an activity of Kanim with a
      photo;
    - a notification, an API token and a finished export job of the officer.
    """
    f.regions()
    exchange = scope("pertukaran-data", data_exchange=True)
    pks = agreement(system_admin, kanim, bp3mi, scopes=[exchange])
    document = agreement_services.document_upload(
        actor=system_admin, agreement=pks, upload=pdf(), title="Naskah PKS"
    )
    report = f.submitted(
        officer,
        persons=[
            f.person(nik=NIK, sex="female", passport_number=PASSPORT, phone=PHONE),
        ],
    )
    person = report.persons.get()
    evidence = services.evidence_upload(actor=officer, report=report, upload=png(1), kind="photo")
    prevention = services.prevention_record(
        actor=officer,
        report=report,
        person=person,
        office=kanim,
        kind="passport_deferred",
        date=report.occurred_at.date(),
        checkpoint="passport_office",
        place="Kantor Imigrasi Tangerang",
    )
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    referral = services.referral_send(
        actor=officer,
        report=report,
        to_agency=bp3mi,
        requested_action="victim_protection",
        urgency="normal",
        message="Mohon pendampingan korban.",
    )
    comment = services.referral_comment(
        actor=officer, referral=referral, body="Foto terlampir.", upload=png(2)
    )
    draft = f.draft(officer)
    fresh = f.submitted(officer)
    desa = village("36.03.01.2003", kanim)
    partner = village_services.village_partner_add(
        actor=officer, desa=desa, agency=bp3mi, agreement=pks, since=days(-10)
    )
    act = activity(kanim, villages=[desa])
    activity_file = village_services.activity_file_upload(
        actor=officer, activity=act, upload=png(3), kind="photo", title="Foto kegiatan"
    )
    (notification,) = notify(
        recipients=[officer],
        kind="referral_comment",
        message="A test notification for %(name)s.",
        params={"name": "officer"},
        dedupe_key="security-test",
        email=False,
    )
    token, _raw = token_services.token_create(actor=officer, name="skrip", days=30)
    export_job = export_services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=export_services.ExportOptions(fmt="csv"),
    )
    export_services.export_job_run(job_id=export_job.pk)
    return SimpleNamespace(
        agreement=pks,
        party=pks.parties.get(agency=kanim),
        agreement_scope=pks.scopes.get(),
        vocabulary=exchange,
        document=document,
        report=report,
        person=person,
        evidence=evidence,
        prevention=prevention,
        share=share,
        referral=referral,
        comment=comment,
        attachment=referral.attachments.get(),
        draft=draft,
        fresh=fresh,
        desa=desa,
        partner=partner,
        activity=act,
        activity_file=activity_file,
        notification=notification,
        token=token,
        export_job=export_job,
        officer=officer,
        kanim=kanim,
        bp3mi=bp3mi,
        lone_agency=lone_agency,
        roles=roles,
    )

"""Users and a small exchange landscape for the API tests, on top of tests/conftest.py (kanwil,
kanim, bp3mi, officer, system_admin). A plugin (tests/conftest.py loads it), so that the tests
of every app's endpoints reach it, wherever they sit; a conftest.py nearer a test wins over it
(tests/referrals/conftest.py's `pks` is the same agreement, tests/villages' `api_records` another).

Kanim Tangerang and BP3MI Banten have an agreement in force whose scope allows data exchange;
Dinsos Serang has no agreement with anyone. The API tests need a few regions and a media folder:
tests/api/conftest.py and tests/referrals/conftest.py provide them."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from portal.accounts.models import User
from portal.api import services as token_services
from portal.notifications.services import notify
from referrals import services
from tests.factories import AgencyFactory
from tests.referrals import factories as f
from tests.villages.factories import activity, agreement, scope, village


@pytest.fixture
def lone_agency(db):
    return AgencyFactory(
        name="Dinas Sosial Kota Serang", short_name="Dinsos Serang", kind="local_government"
    )


@pytest.fixture
def kanim_supervisor(make_user, kanim):
    return make_user(User.Role.SUPERVISOR, kanim, username="kanimsupervisor")


@pytest.fixture
def bp3mi_officer(make_user, bp3mi):
    return make_user(User.Role.OFFICER, bp3mi, username="bp3miofficer")


@pytest.fixture
def bp3mi_supervisor(make_user, bp3mi):
    return make_user(User.Role.SUPERVISOR, bp3mi, username="bp3misupervisor")


@pytest.fixture
def lone_officer(make_user, lone_agency):
    return make_user(User.Role.OFFICER, lone_agency, username="loneofficer")


@pytest.fixture
def pks(system_admin, kanim, bp3mi):
    """The agreement in force between Kanim and BP3MI, allowing data exchange."""
    return agreement(
        system_admin, kanim, bp3mi, scopes=[scope("pertukaran-data", data_exchange=True)]
    )


@pytest.fixture
def roles(officer, kanim_supervisor, bp3mi_officer, bp3mi_supervisor, lone_officer, system_admin):
    """Every role of the access matrix, by name (None: anonymous)."""
    return {
        "anonymous": None,
        "officer": officer,
        "supervisor": kanim_supervisor,
        "partner": bp3mi_officer,
        "partner_supervisor": bp3mi_supervisor,
        "lone": lone_officer,
        "admin": system_admin,
    }


@pytest.fixture
def api():
    """api(user) — an APIClient signed in as `user` (None: anonymous)."""

    def make(user=None, **kwargs):
        client = APIClient(**kwargs)
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def fresh(user: User) -> User:
    """`user` as a request loads it, without what earlier calls memoised on the object (the
    agency tree, for one): a list's query count is then that of a real request."""
    return User.objects.get(pk=user.pk)


def png(seed: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"foto-{seed}.png", f.png_bytes(seed), content_type="image/png")


@pytest.fixture
def api_records(
    pks, roles, officer, kanim, kanim_supervisor, bp3mi, bp3mi_officer, bp3mi_supervisor
):
    """One record of every kind the API serves, each made through the services:

    - report: submitted by Kanim's officer, shared with BP3MI, a referral sent (not accepted),
      one piece of evidence;
    - fresh: submitted, shared with nobody;
    - reviewing: under review by Kanim's supervisor;
    - accepted: shared and referred to BP3MI, accepted, assigned to BP3MI's officer;
    - draft: the officer's draft;
    - a notification and an API token of the officer, a Desa Binaan and an activity of Kanim.
    """
    report = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    evidence = services.evidence_upload(actor=officer, report=report, upload=png(1), kind="photo")
    referral = services.referral_send(
        actor=officer,
        report=report,
        to_agency=bp3mi,
        requested_action="victim_protection",
        urgency="normal",
        message="Mohon pendampingan korban.",
    )
    fresh = f.submitted(officer)
    reviewing = f.submitted(officer)
    services.report_start_review(actor=kanim_supervisor, report=reviewing)
    accepted_report = f.submitted(officer)
    accepted = services.referral_send(
        actor=officer,
        report=accepted_report,
        to_agency=bp3mi,
        requested_action="investigation",
        urgency="urgent",
        message="Mohon ditindaklanjuti.",
    )
    services.referral_accept(actor=bp3mi_supervisor, referral=accepted, assigned_to=bp3mi_officer)
    draft = f.draft(officer)
    (notification,) = notify(
        recipients=[officer],
        kind="referral_comment",
        message="A test notification for %(name)s.",
        params={"name": "officer"},
        dedupe_key="api-test",
        email=False,
    )
    token, raw = token_services.token_create(actor=officer, name="skrip", days=30)
    desa = village("36.03.01.2003", kanim)
    act = activity(kanim, villages=[desa])
    return SimpleNamespace(
        agreement=pks,
        report=report,
        share=share,
        evidence=evidence,
        referral=referral,
        fresh=fresh,
        reviewing=reviewing,
        accepted=accepted,
        draft=draft,
        notification=notification,
        token=token,
        raw_token=raw,
        village=desa,
        activity=act,
        kanim=kanim,
        bp3mi=bp3mi,
        roles=roles,
    )

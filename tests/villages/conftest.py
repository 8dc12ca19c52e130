"""Agencies, users and one cooperation landscape for the villages tests.

`co_managed_village`: Kanim Tangerang (below the Kanwil) designated Desa Bulakan; BP3MI
co-manages it under the Kanwil (covering its offices) - BP3MI agreement; the Kanwil (covering
its offices) and Polda (covering Polres) have an agreement with a cooperation scope only;
BP3MI has its own agreement with KNPI; "Luar" has no agreement at all."""

from types import SimpleNamespace

import pytest

from portal.accounts.models import User
from tests.factories import AgencyFactory
from tests.villages import factories as f
from villages.models import DesaBinaanPartner


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def polda(db):
    return AgencyFactory(name="Kepolisian Daerah Banten", short_name="Polda Banten", kind="police")


@pytest.fixture
def polres(polda):
    return AgencyFactory(
        name="Kepolisian Resor Metro Tangerang Kota",
        short_name="Polres Metro Tangerang Kota",
        kind="police",
        parent=polda,
    )


@pytest.fixture
def knpi(db):
    return AgencyFactory(
        name="DPD KNPI Kota Tangerang", short_name="KNPI Kota Tangerang", kind="youth_organisation"
    )


@pytest.fixture
def cilegon(kanwil):
    return AgencyFactory(
        name="Kantor Imigrasi Kelas II TPI Cilegon",
        short_name="Kanim Cilegon",
        kind="immigration",
        parent=kanwil,
    )


@pytest.fixture
def outsider_agency(db):
    return AgencyFactory(name="Instansi Luar Uji", short_name="Luar", kind="other")


@pytest.fixture
def kanwil_supervisor(make_user, kanwil):
    return make_user(User.Role.SUPERVISOR, kanwil, username="kanwilsupervisor")


@pytest.fixture
def kanwil_officer(make_user, kanwil):
    return make_user(User.Role.OFFICER, kanwil, username="kanwilofficer")


@pytest.fixture
def polda_officer(make_user, polda):
    return make_user(User.Role.OFFICER, polda, username="poldaofficer")


@pytest.fixture
def polres_officer(make_user, polres):
    return make_user(User.Role.OFFICER, polres, username="polresofficer")


@pytest.fixture
def bp3mi_officer(make_user, bp3mi):
    return make_user(User.Role.OFFICER, bp3mi, username="bp3miofficer")


@pytest.fixture
def knpi_officer(make_user, knpi):
    return make_user(User.Role.OFFICER, knpi, username="knpiofficer")


@pytest.fixture
def outsider(make_user, outsider_agency):
    return make_user(User.Role.OFFICER, outsider_agency, username="outsider")


@pytest.fixture
def cooperation_scope(db):
    return f.scope("kerja-sama-umum", sort_order=10)


@pytest.fixture
def outreach_scope(db):
    return f.scope("sosialisasi-bersama", sort_order=20)


@pytest.fixture
def co_managed_village(
    system_admin, kanwil, kanim, polda, polres, bp3mi, knpi, cooperation_scope, outreach_scope
):
    kanwil_polda = f.agreement(
        system_admin, kanwil, polda, covers=(kanwil, polda), scopes=[cooperation_scope]
    )
    kanwil_bp3mi = f.agreement(
        system_admin, kanwil, bp3mi, covers=(kanwil,), scopes=[cooperation_scope, outreach_scope]
    )
    bp3mi_knpi = f.agreement(system_admin, bp3mi, knpi, scopes=[cooperation_scope])
    desa = f.village("36.72.01.1002", kanim)
    partner = DesaBinaanPartner.objects.create(
        desa=desa, agency=bp3mi, agreement=kanwil_bp3mi, since=f.days(-20)
    )
    return SimpleNamespace(
        desa=desa,
        partner=partner,
        kanwil_polda=kanwil_polda,
        kanwil_bp3mi=kanwil_bp3mi,
        bp3mi_knpi=bp3mi_knpi,
    )

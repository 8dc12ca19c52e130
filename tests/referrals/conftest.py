"""Agencies and users for the referrals tests, on top of tests/conftest.py (kanwil, kanim,
bp3mi, officer, agency_admin, system_admin).

The landscape: Kanim Tangerang and Kanim Cilegon are offices below the Kanwil. `officer` and
`colleague` work at Kanim Tangerang, `kanim_supervisor` supervises it, `kanwil_supervisor`
supervises the Kanwil and so every office below it; `cilegon_officer`/`cilegon_supervisor`
belong to a sibling office and must never see Kanim Tangerang's reports; `bp3mi_officer`
belongs to another ministry altogether, `bp3mi_supervisor` supervises it, and `pks` is the
data-exchange agreement between Kanim Tangerang and BP3MI. `polda` and `polda_officer`: an
agency no agreement binds unless a test adds one."""

import pytest

from portal.accounts.models import User
from tests.factories import AgencyFactory
from tests.referrals import exchange as x
from tests.referrals import factories as f


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _regions(db):
    """The few regions the tests' NIKs and places need (not the full Kemendagri list)."""
    f.regions()


@pytest.fixture
def cilegon(kanwil):
    return AgencyFactory(
        name="Kantor Imigrasi Kelas II TPI Cilegon",
        short_name="Kanim Cilegon",
        kind="immigration",
        parent=kanwil,
    )


@pytest.fixture
def colleague(make_user, kanim):
    return make_user(User.Role.OFFICER, kanim, username="colleague")


@pytest.fixture
def kanim_supervisor(make_user, kanim):
    return make_user(User.Role.SUPERVISOR, kanim, username="kanimsupervisor")


@pytest.fixture
def kanwil_supervisor(make_user, kanwil):
    return make_user(User.Role.SUPERVISOR, kanwil, username="kanwilsupervisor")


@pytest.fixture
def cilegon_officer(make_user, cilegon):
    return make_user(User.Role.OFFICER, cilegon, username="cilegonofficer")


@pytest.fixture
def cilegon_supervisor(make_user, cilegon):
    return make_user(User.Role.SUPERVISOR, cilegon, username="cilegonsupervisor")


@pytest.fixture
def bp3mi_officer(make_user, bp3mi):
    return make_user(User.Role.OFFICER, bp3mi, username="bp3miofficer")


@pytest.fixture
def bp3mi_supervisor(make_user, bp3mi):
    return make_user(User.Role.SUPERVISOR, bp3mi, username="bp3misupervisor")


@pytest.fixture
def pks(system_admin, kanim, bp3mi):
    """The agreement in force between Kanim Tangerang and BP3MI, with a data-exchange scope."""
    return x.data_agreement(system_admin, kanim, bp3mi, title="PKS Kanim Tangerang - BP3MI")


@pytest.fixture
def polda(db):
    return x.polda()


@pytest.fixture
def polda_officer(make_user, polda):
    return x.user(make_user, "officer", polda, "poldaofficer")

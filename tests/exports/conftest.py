"""The landscape of the export tests, on the referrals tests' one: Kanim Tangerang's officer
`officer` and supervisor; a sibling office (Kanim Cilegon) whose reports must never appear;
BP3MI, a partner under a data-exchange agreement with Kanim Tangerang, that sees only what was
shared with it."""

import pytest

from portal.accounts.models import User
from tests.factories import AgencyFactory
from tests.referrals import exchange as x
from tests.referrals import factories as f


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Export files go to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _regions(db):
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
def cilegon_officer(make_user, cilegon):
    return make_user(User.Role.OFFICER, cilegon, username="cilegonofficer")


@pytest.fixture
def bp3mi_officer(make_user, bp3mi):
    return make_user(User.Role.OFFICER, bp3mi, username="bp3miofficer")


@pytest.fixture
def bp3mi_supervisor(make_user, bp3mi):
    return make_user(User.Role.SUPERVISOR, bp3mi, username="bp3misupervisor")


@pytest.fixture
def pks(system_admin, kanim, bp3mi):
    return x.data_agreement(system_admin, kanim, bp3mi, title="PKS Kanim Tangerang - BP3MI")

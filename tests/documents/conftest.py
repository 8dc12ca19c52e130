"""The landscape of the referrals tests (tests/referrals/conftest.py): Kanim Tangerang below
the Kanwil, its officers and supervisor, a sibling office (Kanim Cilegon) and BP3MI Banten;
plus Polda Banten, BP3MI's supervisor, and an agreement Kanim Tangerang - BP3MI with a
data-exchange scope."""

import pytest

from tests.referrals import exchange as x
from tests.referrals.conftest import (  # noqa: F401 (fixtures)
    _media_root,
    _regions,
    bp3mi_officer,
    cilegon,
    cilegon_officer,
    cilegon_supervisor,
    colleague,
    kanim_supervisor,
    kanwil_supervisor,
)


@pytest.fixture
def polda(db):
    return x.polda()


@pytest.fixture
def polda_officer(make_user, polda):
    return x.user(make_user, "officer", polda, "poldaofficer")


@pytest.fixture
def bp3mi_supervisor(make_user, bp3mi):
    return x.user(make_user, "supervisor", bp3mi, "bp3misupervisor")


@pytest.fixture
def pks(system_admin, kanim, bp3mi):
    return x.data_agreement(system_admin, kanim, bp3mi, title="PKS Kanim Tangerang - BP3MI")

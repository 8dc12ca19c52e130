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
    bp3mi_supervisor,
    cilegon,
    cilegon_officer,
    cilegon_supervisor,
    colleague,
    kanim_supervisor,
    kanwil_supervisor,
    pks,
)


@pytest.fixture
def polda(db):
    return x.polda()


@pytest.fixture
def polda_officer(make_user, polda):
    return x.user(make_user, "officer", polda, "poldaofficer")

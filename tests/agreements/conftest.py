"""Agencies of the Banten seeds beyond the ones in tests/conftest.py (kanwil, kanim, bp3mi)."""

import pytest

from tests.factories import AgencyFactory


@pytest.fixture
def cilegon(kanwil):
    return AgencyFactory(
        name="Kantor Imigrasi Kelas II TPI Cilegon",
        short_name="Kanim Cilegon",
        kind="immigration",
        parent=kanwil,
    )


@pytest.fixture
def kanim_unit(kanim):
    """A grandchild of the Kanwil: a unit below Kanim Tangerang."""
    return AgencyFactory(
        name="Unit Layanan Paspor Tangerang",
        short_name="ULP Tangerang",
        kind="immigration",
        parent=kanim,
    )


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

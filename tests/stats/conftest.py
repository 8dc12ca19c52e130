"""The agencies and users of the referrals tests (Kanwil with Kanim Tangerang and Kanim
Cilegon below it, BP3MI as a partner of another ministry) and builders for report figures."""

import pytest

from tests.referrals import factories as f
from tests.referrals.conftest import (  # noqa: F401 - fixtures
    bp3mi_officer,
    cilegon,
    cilegon_officer,
    cilegon_supervisor,
    colleague,
    kanim_supervisor,
    kanwil_supervisor,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _regions(db):
    f.regions()

"""The agencies and users of the referrals tests (Kanwil with Kanim Tangerang and Kanim
Cilegon below it, BP3MI as a partner of another ministry) and builders for report figures."""

from tests.referrals.conftest import (  # noqa: F401 - fixtures
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

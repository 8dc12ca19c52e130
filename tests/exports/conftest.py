"""The landscape of the export tests, on the referrals tests' one: Kanim Tangerang's officer
`officer` and supervisor; a sibling office (Kanim Cilegon) whose reports must never appear;
BP3MI, a partner under a data-exchange agreement with Kanim Tangerang, that sees only what was
shared with it."""

from tests.referrals.conftest import (  # noqa: F401 (fixtures)
    _media_root,
    _regions,
    bp3mi_officer,
    bp3mi_supervisor,
    cilegon,
    cilegon_officer,
    colleague,
    kanim_supervisor,
    pks,
)

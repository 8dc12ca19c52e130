"""The property tests reuse the security tests' landscape (a record of every kind, a user of
every role); their hypothesis settings are in tests/properties/profile.py."""

from tests.security.conftest import (  # noqa: F401
    _media_root,
    clients,
    lone_agency,
    records_of_every_kind,
    roles,
)

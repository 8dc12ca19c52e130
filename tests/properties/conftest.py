"""Hypothesis settings for the property tests: a modest number of examples, derandomized
(the same examples on every run, so CI is stable), no deadline (a loaded CI machine), no
example database written into the working tree."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "sinergi",
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("sinergi")

# The security tests' landscape (a record of every kind, a user of every role).
from tests.security.conftest import (  # noqa: E402, F401
    _media_root,
    clients,
    lone_agency,
    roles,
    world,
)

"""Hypothesis settings of the property tests, applied to each of them (not loaded as the
session's profile: the API's schemathesis run keeps its own): a modest number of examples,
derandomized (the same examples on every run, so CI is stable), no deadline (a loaded CI
machine), no example database written into the working tree."""

from hypothesis import HealthCheck, settings

PROPERTIES = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

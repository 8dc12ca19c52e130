import pytest
from django.core.cache import cache

from portal.accounts.models import User
from tests.factories import AgencyFactory, UserFactory, enrol_totp

# The API landscape (`api`, `api_records`, `roles`, ...): the tests of every app's endpoints use it.
pytest_plugins = ["tests.api.fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and used TOTP codes live in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kanwil(db):
    return AgencyFactory(
        name="Kantor Wilayah Direktorat Jenderal Imigrasi Banten",
        short_name="Kanwil Imigrasi Banten",
        kind="immigration",
    )


@pytest.fixture
def kanim(kanwil):
    return AgencyFactory(
        name="Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
        short_name="Kanim Tangerang",
        kind="immigration",
        parent=kanwil,
    )


@pytest.fixture
def bp3mi(db):
    return AgencyFactory(
        name="BP3MI Banten", short_name="BP3MI Banten", kind="migrant_worker_protection"
    )


@pytest.fixture
def make_user(db):
    """make_user(role, agency, totp=True) — supervisors and admins get TOTP by default, as they
    would have after their first sign-in."""

    def make(role=User.Role.OFFICER, agency=None, *, totp=None, **kwargs):
        kwargs.setdefault("agency", agency or AgencyFactory())
        user = UserFactory(role=role, **kwargs)
        if totp if totp is not None else user.requires_mfa:
            user.totp_secret = enrol_totp(user)
        return user

    return make


@pytest.fixture
def officer(make_user, kanim):
    return make_user(User.Role.OFFICER, kanim, username="officer")


@pytest.fixture
def agency_admin(make_user, kanim):
    return make_user(User.Role.AGENCY_ADMIN, kanim, username="kanimadmin")


@pytest.fixture
def system_admin(make_user, kanwil):
    return make_user(User.Role.SYSTEM_ADMIN, kanwil, username="sysadmin")


def pytest_collection_modifyitems(config, items):
    """Browser journeys and the `make run` smoke test each load both cores (chromium, a live
    server, initdb and migrations); under xdist's loadgroup they share one worker and run one
    after another, while the other worker takes the fast tests."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("heavy"))

"""The API tests' fixtures are in tests/api/fixtures.py (a plugin, for every app's API tests);
here only what every test of this folder uses."""

import pytest

from tests.referrals import factories as f


@pytest.fixture(autouse=True)
def _regions(db):
    """The few regions the tests' NIKs and places need (not the full Kemendagri list)."""
    f.regions()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")

"""The regions of the API (/api/v1/regions/): provinces first, children by parent, by name."""

from __future__ import annotations

import pytest

from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _regions(db):
    """The few regions of the tests (not the full Kemendagri list)."""
    f.regions()


def test_regions_by_parent_and_name(officer, api):
    client = api(officer)
    codes = {r["code"] for r in client.get("/api/v1/regions/").json()["results"]}
    assert codes == {"36"}
    children = client.get("/api/v1/regions/?parent=36").json()["results"]
    assert {r["code"] for r in children} == {"36.71", "36.72"}
    assert all(r["parent"] == "36" for r in children)
    found = client.get("/api/v1/regions/?q=sukarasa").json()["results"]
    assert [r["code"] for r in found] == [f.PLACE]
    assert client.get("/api/v1/regions/36.71/").json()["name"] == "KOTA TANGERANG"

"""The regions of the API (/api/v1/regions/): provinces first, children by parent, by name."""

from __future__ import annotations

import pytest

from tests.api.fixtures import fresh
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


def test_the_region_list_reads_a_fixed_number_of_queries(
    officer, api, django_assert_max_num_queries
):
    """Four villages of one district, each with its parent: a query per row would pass the
    bound."""
    for code in ("36.72.01.1002", "36.72.01.1003", "36.72.01.1004", "36.72.01.1005"):
        f.region(code)
    client = api(fresh(officer))
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/regions/?parent=36.72.01")
    assert response.json()["count"] == 4

"""The agency directory of the API (/api/v1/agencies/)."""

from __future__ import annotations

import pytest

from tests.api.fixtures import fresh
from tests.factories import AgencyFactory
from tests.villages.factories import region

pytestmark = pytest.mark.django_db


def test_agencies_ordering_and_kind(officer, kanim, kanwil, bp3mi, api):
    client = api(officer)
    names = [a["short_name"] for a in client.get("/api/v1/agencies/").json()["results"]]
    full = [a["name"] for a in client.get("/api/v1/agencies/").json()["results"]]
    assert full == sorted(full)
    by_short = client.get("/api/v1/agencies/?ordering=-short_name").json()["results"]
    assert [a["short_name"] for a in by_short] == sorted(names, reverse=True)
    immigration = client.get("/api/v1/agencies/?kind=immigration").json()["results"]
    assert {a["id"] for a in immigration} == {kanim.pk, kanwil.pk}


def test_the_agency_list_reads_a_fixed_number_of_queries(
    officer, kanim, bp3mi, api, django_assert_max_num_queries
):
    """Five agencies, two of them below a parent and placed in a region: a query per row
    would pass the bound."""
    AgencyFactory(parent=kanim.parent, region=region("36.72"))
    AgencyFactory(parent=bp3mi, region=region("36.71"))
    client = api(fresh(officer))
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/agencies/")
    assert response.json()["count"] == 5

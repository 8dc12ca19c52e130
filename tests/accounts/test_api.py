"""The agency directory of the API (/api/v1/agencies/)."""

from __future__ import annotations

import pytest

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

"""The village endpoints (/api/v1/villages/, /api/v1/activities/): what they answer and their
query counts. Who may call them is in tests/api/test_access_matrix.py."""

from __future__ import annotations

import pytest

from tests.api.fixtures import fresh
from tests.villages import factories as f

pytestmark = pytest.mark.django_db

CODES = ("36.03.01.2003", "36.03.01.2005", "36.72.01.1002", "36.72.01.1003")


def test_the_village_list_reads_a_fixed_number_of_queries(
    officer, kanim, bp3mi, api, django_assert_max_num_queries
):
    """Four Desa Binaan, each with its region and designating office, two with a partner: a
    query per row would pass the bound."""
    for i, code in enumerate(CODES):
        f.village(code, kanim, partners=[bp3mi] if i % 2 else ())
    client = api(fresh(officer))
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/villages/")
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == sorted(row["name"] for row in rows)
    assert {row["code"] for row in rows} == set(CODES)
    assert {row["designating_office"]["id"] for row in rows} == {kanim.pk}


def test_the_activity_list_reads_a_fixed_number_of_queries(
    officer, kanim, kanwil, bp3mi, api, django_assert_max_num_queries
):
    """Four activities, each with co-organisers and villages: a query per row would pass the
    bound."""
    villages = [f.village(code, kanim) for code in CODES]
    for i in range(4):
        f.activity(
            kanim,
            date=f.days(-i),
            co_organisers=[bp3mi, kanwil],
            villages=villages[i:],
        )
    client = api(fresh(officer))
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/activities/")
    rows = response.json()["results"]
    assert len(rows) == 4
    assert [len(row["villages"]) for row in rows] == [4, 3, 2, 1]  # newest first
    assert all(set(row["co_organisers"]) == {bp3mi.pk, kanwil.pk} for row in rows)

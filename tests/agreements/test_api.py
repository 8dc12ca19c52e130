"""The agreement endpoint (/api/v1/agreements/): what it answers and its query count. Who may
call it is in tests/api/test_access_matrix.py."""

from __future__ import annotations

import pytest

from tests.api.fixtures import fresh
from tests.villages.factories import agreement, scope

pytestmark = pytest.mark.django_db


def test_the_agreement_list_reads_a_fixed_number_of_queries(
    officer, system_admin, kanim, bp3mi, polda, knpi, cilegon, api, django_assert_max_num_queries
):
    """Four agreements of Kanim, each with two parties and two scopes (one limited to a
    party): a query per row would pass the bound."""
    exchange = scope("pertukaran-data", data_exchange=True)
    cooperation = scope("kerja-sama-umum")
    for partner in (bp3mi, polda, knpi, cilegon):
        agreement(
            system_admin,
            kanim,
            partner,
            scopes=[exchange, cooperation],
            scope_parties={cooperation: [kanim]},
        )
    client = api(fresh(officer))
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/agreements/")
    rows = response.json()["results"]
    assert len(rows) == 4
    assert all(len(row["parties"]) == 2 for row in rows)
    assert all(
        {s["code"] for s in row["scopes"]} == {"pertukaran-data", "kerja-sama-umum"} for row in rows
    )

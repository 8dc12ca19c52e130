"""The report lists read only what their rows show (selectors.list_rows): the same queries
for one row as for many, every column of a row still shown, and nothing more read."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals import selectors, services
from tests.referrals import factories as f
from tests.villages.factories import CONTACT_PHONE, village

pytestmark = pytest.mark.django_db

LISTS = {
    "list": ("officer", lambda: reverse("referrals:list")),
    "search": ("officer", lambda: reverse("referrals:list") + "?q=Siti"),
    "risk": ("officer", lambda: reverse("referrals:list") + "?sort=-risk"),
    "shared": ("bp3mi_officer", lambda: reverse("referrals:shared_list")),
    "api": ("officer", lambda: reverse("api:report-list")),
    "api_shared": ("bp3mi_officer", lambda: reverse("api:report-list") + "?shared=1"),
}


ROW_COLUMN = '"referrals_report"."number"'


def queries(client, url) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content


def file(officer, pks, bp3mi, **fields):
    report = f.submitted(officer, **fields)
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    return report


@pytest.mark.parametrize("page", LISTS)
def test_as_many_queries_for_one_row_as_for_many(request, client, officer, pks, bp3mi, page):
    who, url = LISTS[page]
    client.force_login(request.getfixturevalue(who))
    desa = village(f.PLACE, officer.agency)
    first = file(officer, pks, bp3mi, desa=desa)
    client.get(url())  # warm: the sharing policy's snapshot, the session
    one, _ = queries(client, url())

    others = [file(officer, pks, bp3mi, desa=desa if i % 2 else None) for i in range(5)]
    many, content = queries(client, url())

    assert many == one
    for report in (first, *others):
        assert report.number.encode() in content


def test_a_row_shows_agency_author_place_and_labels(client, officer, pks, bp3mi):
    desa = village(f.PLACE, officer.agency)
    in_village = f.submitted(officer, desa=desa)
    in_region = f.submitted(officer)
    client.force_login(officer)

    page = client.get(reverse("referrals:list")).content.decode()

    assert officer.agency.short_name in page
    assert officer.full_name in page
    assert desa.village.name in page
    assert in_region.region.name in page
    assert in_village.number in page
    assert in_region.number in page


def test_the_rows_read_none_of_the_village_contacts(officer, pks, bp3mi):
    """The list's rows join the Desa Binaan for its name only: its encrypted telephones are
    neither read nor decrypted."""
    f.submitted(officer, desa=village(f.PLACE, officer.agency))
    rows = selectors.list_rows(
        selectors.report_list(user=officer, filters=selectors.ReportFilters())
    )
    sql = str(rows.query)
    assert "village_head_phone" not in sql
    assert "contact_phone" not in sql
    assert '"referrals_report"."narrative"' not in sql
    assert [r.desa.village.name for r in rows]


def test_the_api_row_has_every_field_of_its_serializer(client, officer, pks, bp3mi):
    report = f.submitted(officer, desa=village(f.PLACE, officer.agency))
    client.force_login(officer)

    with CaptureQueriesContext(connection) as captured:
        body = json.loads(client.get(reverse("api:report-list")).content)
    (row,) = body["results"]

    assert row["number"] == report.number
    assert row["desa"] == report.desa_id
    assert row["agency"]["short_name"] == officer.agency.short_name
    assert row["region"] == report.region_id
    assert row["categories"] == report.categories
    assert CONTACT_PHONE not in json.dumps(body)
    (rows_sql,) = [q["sql"] for q in captured.captured_queries if ROW_COLUMN in q["sql"]]
    assert "accounts_user" not in rows_sql
    assert "villages_desabinaan" not in rows_sql

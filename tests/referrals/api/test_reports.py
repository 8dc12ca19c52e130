"""The report endpoints (/api/v1/reports/): the list's filters, ordering, pagination and
query count, the partner's view of a shared report, and evidence downloads."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.api.base import Pagination
from referrals import services
from tests.api.fixtures import fresh
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


# --- Lists: filters, search, ordering, pagination ------------------------------------------


@pytest.fixture
def reports(officer):
    """Four reports of Kanim Tangerang: three submitted, one draft, at different dates,
    places and categories."""
    rina = f.submitted(
        officer,
        persons=[f.person(full_name="Rina Marlina", nik=f.NIK_FEMALE, sex="female")],
        occurred_at=f.ago(40),
    )
    budi = f.submitted(
        officer,
        persons=[f.person(full_name="Budi Santoso")],
        occurred_at=f.ago(5),
        region=f.region("36.72.01.1002"),
    )
    smuggling = f.submitted(
        officer,
        persons=[f.person(full_name="Agus Salim")],
        indicators=[],
        categories=["tppm"],
        category_reason="Menyeberangkan orang tanpa dokumen.",
        occurred_at=f.ago(10),
    )
    draft = f.draft(officer, persons=[f.person(full_name="Dewi Lestari")], occurred_at=f.ago(2))
    return {"rina": rina, "budi": budi, "smuggling": smuggling, "draft": draft}


def _numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_report_filters(officer, reports, api):
    client = api(officer)
    n = {k: r.number for k, r in reports.items()}
    assert _numbers(client.get("/api/v1/reports/")) == set(n.values())
    assert _numbers(client.get("/api/v1/reports/?q=rina")) == {n["rina"]}
    assert _numbers(client.get(f"/api/v1/reports/?q={n['budi']}")) == {n["budi"]}
    assert _numbers(client.get("/api/v1/reports/?status=draft")) == {n["draft"]}
    assert _numbers(client.get("/api/v1/reports/?category=tppm")) == {n["smuggling"]}
    since = f.ago(20).date().isoformat()
    assert _numbers(client.get(f"/api/v1/reports/?date_from={since}")) == set(n.values()) - {
        n["rina"]
    }
    assert _numbers(client.get("/api/v1/reports/?region=36.72")) == {n["budi"]}
    assert _numbers(client.get("/api/v1/reports/?shared=1")) == set()
    bad = client.get("/api/v1/reports/?date_from=kemarin")
    assert bad.status_code == 400
    assert "date_from" in bad.json()


def test_report_ordering(officer, reports, api):
    rows = api(officer).get("/api/v1/reports/?sort=occurred").json()["results"]
    dates = [row["occurred_at"] for row in rows]
    assert dates == sorted(dates)
    rows = api(officer).get("/api/v1/reports/?sort=-occurred").json()["results"]
    assert [row["occurred_at"] for row in rows] == sorted(dates, reverse=True)


def test_shared_reports_list(officer, bp3mi, bp3mi_officer, pks, reports, api):
    services.report_share(actor=officer, report=reports["budi"], agencies=[bp3mi])
    client = api(bp3mi_officer)
    assert _numbers(client.get("/api/v1/reports/")) == set()
    assert _numbers(client.get("/api/v1/reports/?shared=1")) == {reports["budi"].number}
    assert _numbers(client.get("/api/v1/reports/?shared=true&q=rina")) == set()


def test_pagination(officer, reports, api, monkeypatch):
    client = api(officer)
    page = client.get("/api/v1/reports/?page_size=2").json()
    assert page["count"] == 4
    assert len(page["results"]) == 2
    assert page["next"]
    assert "page=2" in page["next"]
    assert page["previous"] is None
    second = client.get("/api/v1/reports/?page_size=2&page=2").json()
    assert len(second["results"]) == 2
    assert second["next"] is None
    first = {r["id"] for r in page["results"]}
    assert first.isdisjoint({r["id"] for r in second["results"]})
    # a page that does not exist is a 404 (documented), whatever the reason
    for number in ("9", "0", "-1", "abc", "1.5", "99999999999999999999"):
        missing = client.get(f"/api/v1/reports/?page={number}")
        assert missing.status_code == 404, number
        assert missing.json()["detail"]
    assert Pagination.max_page_size == 100
    monkeypatch.setattr(Pagination, "max_page_size", 3)  # 100 reports would be slow to make
    assert len(client.get("/api/v1/reports/?page_size=1000").json()["results"]) == 3


# --- The partner's view and evidence -------------------------------------------------------


def test_the_partner_sees_masked_identifiers_and_no_evidence_until_accepting(
    api_records, officer, bp3mi_officer, bp3mi_supervisor, api
):
    report, evidence = api_records.report, api_records.evidence
    partner = api(bp3mi_officer)
    detail = partner.get(f"/api/v1/reports/{report.pk}/")
    assert detail.status_code == 200
    (person,) = detail.json()["persons"]
    assert person["nik"] == "3671********0002"
    assert f.NIK_FEMALE.encode() not in detail.content
    # listed, but with no link while locked; the file itself is refused
    assert detail.json()["evidence"][0]["download"] is None
    download = f"/api/v1/reports/{report.pk}/evidence/{evidence.pk}/"
    assert partner.get(download).status_code == 403

    accepted = api(bp3mi_supervisor).post(
        f"/api/v1/referrals/{api_records.referral.pk}/accept/",
        {"assigned_to": bp3mi_officer.pk},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    assert partner.get(f"/api/v1/reports/{report.pk}/").json()["evidence"][0]["download"] == (
        download
    )
    response = partner.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == f.png_bytes(1)
    # identifiers stay masked in the API: revealing is an audited action of the pages
    assert f.NIK_FEMALE.encode() not in partner.get(f"/api/v1/reports/{report.pk}/").content


def test_own_agency_downloads_evidence(api_records, officer, api):
    response = api(officer).get(
        f"/api/v1/reports/{api_records.report.pk}/evidence/{api_records.evidence.pk}/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == f.png_bytes(1)


def test_evidence_of_another_report_is_not_found(api_records, officer, api):
    response = api(officer).get(
        f"/api/v1/reports/{api_records.fresh.pk}/evidence/{api_records.evidence.pk}/"
    )
    assert response.status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def test_the_report_lists_read_a_fixed_number_of_queries(
    officer, bp3mi, bp3mi_officer, pks, reports, api, django_assert_max_num_queries
):
    """Four reports with persons, regions and categories (three shared with BP3MI): a query
    per row would pass the bound."""
    for key in ("rina", "budi", "smuggling"):
        services.report_share(actor=officer, report=reports[key], agencies=[bp3mi])
    for user, url, count in (
        (officer, "/api/v1/reports/", 4),
        (bp3mi_officer, "/api/v1/reports/?shared=1", 3),
    ):
        client = api(fresh(user))
        cache.clear()  # the filter form's regencies are cached: count the cold request
        with django_assert_max_num_queries(7):
            response = client.get(url)
        assert response.json()["count"] == count

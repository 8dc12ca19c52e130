"""Sharing a report through the API (/api/v1/reports/<id>/share/) and the list of shares
(/api/v1/shares/)."""

from __future__ import annotations

import pytest

from referrals import services
from referrals.models import Share
from tests.api.fixtures import fresh
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


def test_sharing_with_an_agency_without_agreement_is_refused(officer, bp3mi, lone_agency, pks, api):
    report = f.submitted(officer)
    client = api(officer)
    for agencies in ([lone_agency.pk], [bp3mi.pk, lone_agency.pk]):
        response = client.post(
            f"/api/v1/reports/{report.pk}/share/", {"agencies": agencies}, format="json"
        )
        assert response.status_code == 400
        assert "agencies" in response.json()
        assert not Share.objects.exists()
    response = client.post(f"/api/v1/reports/{report.pk}/share/", {"agencies": []}, format="json")
    assert response.status_code == 400
    assert not Share.objects.exists()
    ok = client.post(f"/api/v1/reports/{report.pk}/share/", {"agencies": [bp3mi.pk]}, format="json")
    assert ok.status_code == 201
    assert [s["agency"]["id"] for s in ok.json()] == [bp3mi.pk]


def test_a_draft_cannot_be_shared(officer, bp3mi, pks, api):
    draft = f.draft(officer)
    response = api(officer).post(
        f"/api/v1/reports/{draft.pk}/share/", {"agencies": [bp3mi.pk]}, format="json"
    )
    assert response.status_code == 403
    assert not Share.objects.exists()


def test_the_share_list_reads_a_fixed_number_of_queries(
    officer, bp3mi, bp3mi_officer, pks, api, django_assert_max_num_queries
):
    """Four shares, each with its report, agency and agreement: a query per row would pass
    the bound, for the sharing agency and for the receiving one."""
    for _ in range(4):
        services.report_share(actor=officer, report=f.submitted(officer), agencies=[bp3mi])
    for user in (officer, bp3mi_officer):
        client = api(fresh(user))
        with django_assert_max_num_queries(3):
            response = client.get("/api/v1/shares/")
        assert response.json()["count"] == 4

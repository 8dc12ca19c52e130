"""The referral endpoints (/api/v1/referrals/): the lifecycle from sending to completion,
declining, and what cannot be referred."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from referrals import services
from tests.api.fixtures import fresh
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


def test_referral_lifecycle(officer, bp3mi, bp3mi_officer, bp3mi_supervisor, pks, api):
    report = f.submitted(officer)
    sender, worker, boss = api(officer), api(bp3mi_officer), api(bp3mi_supervisor)
    sent = sender.post(
        "/api/v1/referrals/",
        {
            "report": report.pk,
            "to_agency": bp3mi.pk,
            "requested_action": "victim_protection",
            "urgency": "urgent",
            "message": "Mohon pendampingan korban.",
        },
        format="json",
    )
    assert sent.status_code == 201, sent.content
    referral = sent.json()
    assert referral["status"] == "sent"
    assert referral["due_on"]
    url = f"/api/v1/referrals/{referral['id']}"
    assert report.shares.get().agency == bp3mi  # shared on the way

    incoming = worker.get("/api/v1/referrals/?direction=incoming").json()["results"]
    assert [r["id"] for r in incoming] == [referral["id"]]
    assert worker.get("/api/v1/referrals/?direction=outgoing").json()["results"] == []
    assert sender.get("/api/v1/referrals/?direction=outgoing").json()["results"]

    assert worker.post(f"{url}/accept/", {}, format="json").status_code == 403
    wrong = boss.post(f"{url}/accept/", {"assigned_to": officer.pk}, format="json")
    assert wrong.status_code == 400
    assert "assigned_to" in wrong.json()
    accepted = boss.post(f"{url}/accept/", {"assigned_to": bp3mi_officer.pk}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["assigned_to"] == bp3mi_officer.full_name
    assert boss.post(f"{url}/decline/", {"reason": "x"}, format="json").status_code == 403

    assert sender.post(f"{url}/start/").status_code == 403
    started = worker.post(f"{url}/start/")
    assert started.status_code == 200
    assert started.json()["status"] == "in_progress"

    comment = worker.post(f"{url}/comments/", {"body": "Korban didampingi."}, format="json")
    assert comment.status_code == 201
    assert comment.json()["agency"] == bp3mi.short_name
    assert (
        sender.post(f"{url}/comments/", {"body": "Terima kasih."}, format="json").status_code == 201
    )
    blank = sender.post(f"{url}/comments/", {"body": ""}, format="json")
    assert blank.status_code == 400
    assert "body" in blank.json()
    listed = sender.get(f"{url}/comments/").json()  # paginated, as every list
    assert listed["count"] == 2
    assert [c["body"] for c in listed["results"]] == ["Korban didampingi.", "Terima kasih."]
    assert sender.get(f"{url}/comments/?page_size=1&page=2").json()["results"][0]["body"] == (
        "Terima kasih."
    )

    missing = worker.post(f"{url}/complete/", {}, format="json")
    assert missing.status_code == 400
    assert "outcome" in missing.json()
    done = worker.post(
        f"{url}/complete/",
        {"outcome": "victim_assisted", "outcome_note": "Selesai."},
        format="json",
    )
    assert done.status_code == 200
    final = sender.get(f"{url}/").json()
    assert final["status"] == "completed"
    assert final["outcome"] == "victim_assisted"
    assert sender.get("/api/v1/referrals/?direction=outgoing&open=1").json()["results"] == []


def test_a_referral_declined(officer, bp3mi, bp3mi_supervisor, pks, api):
    report = f.submitted(officer)
    sent = api(officer).post(
        "/api/v1/referrals/",
        {
            "report": report.pk,
            "to_agency": bp3mi.pk,
            "requested_action": "investigation",
            "message": "Mohon ditindaklanjuti.",
        },
        format="json",
    )
    assert sent.status_code == 201
    url = f"/api/v1/referrals/{sent.json()['id']}/decline/"
    boss = api(bp3mi_supervisor)
    assert boss.post(url, {"reason": ""}, format="json").status_code == 400
    declined = boss.post(url, {"reason": "Bukan kewenangan kami."}, format="json")
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"


def test_referring_to_an_agency_without_agreement_is_refused(officer, lone_agency, pks, api):
    report = f.submitted(officer)
    response = api(officer).post(
        "/api/v1/referrals/",
        {
            "report": report.pk,
            "to_agency": lone_agency.pk,
            "requested_action": "investigation",
            "message": "Mohon ditindaklanjuti.",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "to_agency" in response.json()
    assert not report.shares.exists()
    assert not report.referrals.exists()


def test_referring_a_missing_or_invisible_report_is_404_alike(officer, make_user, bp3mi):
    other = f.submitted(make_user("officer", bp3mi, username="lain"))
    api = APIClient()
    api.force_authenticate(officer)
    body = {"to_agency": bp3mi.pk, "requested_action": "investigation", "message": "x"}
    assert (
        api.post("/api/v1/referrals/", {**body, "report": other.pk}, format="json").status_code
        == 404
    )
    assert (
        api.post("/api/v1/referrals/", {**body, "report": 999999}, format="json").status_code == 404
    )


def test_the_referral_lists_read_a_fixed_number_of_queries(
    officer, bp3mi, bp3mi_officer, bp3mi_supervisor, pks, api, django_assert_max_num_queries
):
    """Four referrals, two accepted and assigned: a query per row (its report, its agencies,
    its assignee) would pass the bound, in every direction."""
    for i in range(4):
        referral = services.referral_send(
            actor=officer,
            report=f.submitted(officer),
            to_agency=bp3mi,
            requested_action="investigation",
            urgency="urgent" if i % 2 else "normal",
            message="Mohon ditindaklanjuti.",
        )
        if i % 2:
            services.referral_accept(
                actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
            )
    for user, url in (
        (officer, "/api/v1/referrals/"),
        (officer, "/api/v1/referrals/?direction=outgoing"),
        (bp3mi_officer, "/api/v1/referrals/?direction=incoming&open=1"),
    ):
        client = api(fresh(user))
        with django_assert_max_num_queries(3):
            response = client.get(url)
        assert response.json()["count"] == 4, url

"""A token, a report filed and shared through the API, as README's curl session does."""

import pytest
from rest_framework.test import APIClient

from referrals.models import Report
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _regions(db):
    f.regions()


def test_token_file_and_share(system_admin, officer, kanim, bp3mi):
    agreement(system_admin, kanim, bp3mi, scopes=[scope("data", data_exchange=True)])
    session = APIClient()
    session.force_authenticate(officer)
    created = session.post("/api/v1/tokens/", {"name": "skrip", "days": 30}, format="json")
    assert created.status_code == 201, created.content
    raw = created.json()["token"]

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").json()["username"] == "officer"
    body = {
        "occurred_at": "2025-06-01T09:30:00+07:00",
        "source": "departure_check",
        "region": f.PLACE,
        "narrative": "Calon PMI berangkat dengan visa kunjungan tanpa kontrak kerja yang sah.",
        "indicators": ["act_recruitment", "means_deception", "purpose_forced_labour"],
        "categories": ["tppo"],
        "persons": [
            {"role": "potential_victim", "full_name": "Rina", "nik": f.NIK_FEMALE, "sex": "female"}
        ],
        "submit": True,
    }
    response = api.post("/api/v1/reports/", body, format="json")
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["status"] == "submitted"
    assert report["persons"][0]["nik"] == "3671********0002"
    shared = api.post(
        f"/api/v1/reports/{report['id']}/share/", {"agencies": [bp3mi.pk]}, format="json"
    )
    assert shared.status_code == 201, shared.content
    assert Report.objects.get().shares.get().agency == bp3mi
    listed = api.get("/api/v1/reports/?q=rina")
    assert listed.json()["count"] == 1
    bad = api.post(
        "/api/v1/reports/",
        {**body, "persons": [{"role": "potential_victim", "full_name": "X", "nik": "123"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert "nik" in bad.json()["persons"]["0"]
    assert api.get("/api/schema/").status_code == 200


def test_token_page_creates_shows_once_and_revokes(client, officer):
    from portal.api.models import ApiToken, hash_token

    client.force_login(officer)
    response = client.post("/api-tokens/", {"name": "laporan harian", "days": 7})
    secret = response.context["secret"]
    assert secret.startswith("sng_")
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(secret)
    assert secret not in client.get("/api-tokens/").content.decode()
    client.post(f"/api-tokens/{token.pk}/revoke/", {"confirmed": "1"})
    token.refresh_from_db()
    assert token.revoked_at is not None

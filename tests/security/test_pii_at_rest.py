"""Personal identifiers at rest: after a report is filed through the page, revealed, shared,
corrected and its village's contacts revealed, no table of the database — data, history
(pghistory), audit log, outbox, notifications, sessions — holds a NIK, passport or telephone
number in plain text."""

from __future__ import annotations

import json

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from referrals import services
from referrals.models import Report
from tests.referrals import factories as f
from tests.security.conftest import NIK, PASSPORT, PHONE
from tests.villages.factories import CONTACT_PHONE, HEAD_PHONE

pytestmark = pytest.mark.django_db

TYPED_NIK = f.NIK_MALE
TYPED_PASSPORT = "B9876543"
TYPED_PHONE = "0813 1122 3344"
CORRECTED_PASSPORT = "AB765432"


def report_form(**overrides) -> dict:
    data = {
        "occurred_at": "2025-06-01T09:30",
        "source": "departure_check",
        "region__province": "36",
        "region__regency": "36.71",
        "region__district": "36.71.01",
        "region": f.PLACE,
        "narrative": "Calon PMI berangkat dengan visa kunjungan untuk bekerja.",
        "indicators": ["nonproc_visit_visa", "nonproc_not_registered"],
        "categories": ["pmi_nonprocedural"],
        "risk_level": "medium",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "50",
        "persons-0-role": "potential_victim",
        "persons-0-full_name": "Budi Hartono",
        "persons-0-sex": "male",
        "persons-0-birth_date": "1990-01-12",
        "persons-0-nik": TYPED_NIK,
        "persons-0-passport_number": TYPED_PASSPORT,
        "persons-0-phone": TYPED_PHONE,
        "persons-0-nationality": "ID",
    }
    data.update(overrides)
    return data


def plain_values() -> list[str]:
    values = [NIK, PASSPORT, PHONE, TYPED_NIK, TYPED_PASSPORT, CORRECTED_PASSPORT]
    values += [TYPED_PHONE, TYPED_PHONE.replace(" ", ""), HEAD_PHONE, CONTACT_PHONE]
    # Also as they are shown, grouped: 3671 0152 0190 0002.
    values += [" ".join(v[i : i + 4] for i in range(0, 16, 4)) for v in (NIK, TYPED_NIK)]
    return values


def tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return sorted(row[0] for row in cursor.fetchall())


def rows_as_text(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')  # noqa: S608 - our names
        return [row[0] for row in cursor.fetchall()]


def test_no_table_holds_an_identifier_in_plain_text(records_of_every_kind, clients, officer, bp3mi):
    client = clients["officer"]
    # Filed through the page, revealed (audited), corrected with a reason.
    response = client.post(reverse("referrals:create"), {**report_form(), "submit": "1"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    report = Report.objects.latest("pk")
    person = report.persons.get()
    for field in ("nik", "passport_number", "phone"):
        url = reverse("referrals:person_reveal", args=[report.pk, person.pk, field])
        assert client.post(url).status_code == 200
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.report_update(
        actor=officer,
        report=report,
        persons=[services.PersonInput(pk=person.pk, data={"passport_number": CORRECTED_PASSPORT})],
        correction_reason="Nomor paspor salah ketik.",
    )
    person.refresh_from_db()
    assert (person.nik, person.passport_number) == (TYPED_NIK, CORRECTED_PASSPORT)
    # Its person revealed too, and the village head's and contact's telephones.
    for field in ("nik", "passport_number", "phone"):
        url = reverse(
            "referrals:person_reveal",
            args=[records_of_every_kind.report.pk, records_of_every_kind.person.pk, field],
        )
        assert client.post(url).status_code == 200
    for field in ("village_head_phone", "contact_phone"):
        assert client.post(
            reverse("villages:reveal", args=[records_of_every_kind.desa.pk, field])
        ).status_code
    assert "django_session" in tables()

    found = []
    for table in tables():
        for row in rows_as_text(table):
            found += [f"{table}: {value}" for value in plain_values() if value in row]
    # Sessions are stored encoded: decode them too.
    for session in Session.objects.all():
        text = json.dumps(session.get_decoded())
        found += [f"session: {value}" for value in plain_values() if value in text]
    assert not found, found


def test_the_scan_can_find_a_plain_value(records_of_every_kind):
    """The scan above reads every row: a NIK in a text column is found."""
    Report.objects.filter(pk=records_of_every_kind.report.pk).update(place_detail=f"NIK {NIK}")
    hits = [t for t in tables() for row in rows_as_text(t) if NIK in row]
    assert "referrals_report" in hits

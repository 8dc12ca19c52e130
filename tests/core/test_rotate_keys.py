"""`manage.py rotate_keys`: after it, the old Fernet key can be dropped without losing a value,
and --reindex rebuilds the blind indexes for a new PII_INDEX_KEY."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from portal.core.crypto import blind_index
from referrals.models import ReportPerson
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _regions(db):
    """The regions the NIK below needs."""
    f.regions()


def raw(person_pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM referrals_reportperson WHERE id = %s", [person_pk])
        return cursor.fetchone()[0]


def test_rotation_reencrypts_with_the_new_key(settings, officer):
    report = f.draft(officer, persons=[f.person(nik=f.NIK_MALE, sex="male")])
    person = report.persons.get()
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    before = raw(person.pk)
    new_key = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_keys", stdout=io.StringIO())
    assert raw(person.pk) != before
    assert f.NIK_MALE not in raw(person.pk)

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert ReportPerson.objects.get(pk=person.pk).nik == f.NIK_MALE


def test_reindex_follows_a_new_index_key(settings, officer):
    report = f.draft(officer, persons=[f.person(nik=f.NIK_MALE, sex="male")])
    person = report.persons.get()
    settings.PII_INDEX_KEY = "a-new-index-key"
    call_command("rotate_keys", "--reindex", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.nik_index == blind_index("nik", f.NIK_MALE)
    assert person.passport_index == ""

"""Desa Binaan and activity exports: the same list as the page, never another agency's records;
village telephone numbers masked unless asked for (and then audited); as many queries for 100
records as for 10."""

import pytest

from portal.audit.models import AuditEntry
from portal.exports import services
from portal.exports.registry import get_dataset
from tests.exports.helpers import content, export, export_queries, first_sheet, fresh, read_csv
from tests.villages import factories as v
from villages.models import Activity

pytestmark = pytest.mark.django_db

VILLAGE_KEYS = get_dataset("villages").sheets()[0].keys
ACTIVITY_KEYS = get_dataset("activities").sheets()[0].keys


def values(rows, keys, key):
    return [row[keys.index(key)] for row in rows[1:]]


# --- Desa Binaan -----------------------------------------------------------------------------


@pytest.fixture
def bulakan(kanim):
    return v.village("36.72.01.1002", kanim)


@pytest.fixture
def kalitimbang(kanim):
    return v.village("36.72.01.1003", kanim, status="inactive")


@pytest.fixture
def lebakgede(cilegon):
    return v.village("36.72.03.1001", cilegon)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_villages_export_has_the_visible_villages_with_phones_masked(
    client, officer, bulakan, kalitimbang, lebakgede, fmt
):
    client.force_login(officer)
    data = content(export(client, "villages", format=fmt))
    rows = read_csv(data) if fmt == "csv" else first_sheet(data)
    assert set(values(rows, VILLAGE_KEYS, "code")) == {"36.72.01.1002", "36.72.01.1003"}
    assert b"Lebakgede" not in data
    assert v.HEAD_PHONE.encode() not in data
    assert v.CONTACT_PHONE.encode() not in data
    assert set(values(rows, VILLAGE_KEYS, "head_phone")) == {"0812****7890"}


def test_villages_export_follows_the_filters(client, officer, bulakan, kalitimbang):
    client.force_login(officer)
    rows = read_csv(content(export(client, "villages", "status=inactive")))
    assert values(rows, VILLAGE_KEYS, "code") == ["36.72.01.1003"]


def test_village_phones_in_full_when_asked_and_audited(client, officer, bulakan):
    client.force_login(officer)
    rows = read_csv(content(export(client, "villages", identifiers="1")))
    assert values(rows, VILLAGE_KEYS, "head_phone") == [v.HEAD_PHONE]
    assert values(rows, VILLAGE_KEYS, "contact_phone") == [v.CONTACT_PHONE]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT_CREATED)
    assert entry.data["identifiers_revealed"] == 2
    assert entry.data["identifiers_of"] == [bulakan.pk]


# --- Activities ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_activities_export_has_the_visible_activities(
    client, officer, kanim, cilegon, bp3mi, bulakan, fmt
):
    mine = v.activity(
        kanim,
        title="Sosialisasi PMI Legal",
        co_organisers=[bp3mi],
        villages=[bulakan],
        participants_male=12,
        participants_female=30,
    )
    v.activity(cilegon, title="Diseminasi Cilegon")
    client.force_login(officer)
    data = content(export(client, "activities", format=fmt))
    rows = read_csv(data) if fmt == "csv" else first_sheet(data)
    assert values(rows, ACTIVITY_KEYS, "title") == [mine.title]
    assert b"Diseminasi Cilegon" not in data
    (row,) = rows[1:]
    assert row[ACTIVITY_KEYS.index("co_organisers")] == "BP3MI Banten"
    assert row[ACTIVITY_KEYS.index("villages")] == bulakan.village.name
    assert str(row[ACTIVITY_KEYS.index("participants")]) == "42"


def test_activities_export_follows_the_filters(client, officer, kanim):
    v.activity(kanim, title="Rapat koordinasi", kind=Activity.Kind.COORDINATION_MEETING)
    v.activity(kanim, title="Sosialisasi desa")
    client.force_login(officer)
    rows = read_csv(content(export(client, "activities", "kind=coordination_meeting")))
    assert values(rows, ACTIVITY_KEYS, "title") == ["Rapat koordinasi"]


# --- Query counts ------------------------------------------------------------------------------


def _villages(kanim, bp3mi, start, n):
    made = []
    for i in range(start, start + n):
        desa = v.village(f"36.03.01.{2100 + i}", kanim)
        made.append(desa)
        v.activity(kanim, co_organisers=[bp3mi], villages=[desa], title=f"Kegiatan {i}")
    return made


@pytest.mark.parametrize("dataset", ["villages", "activities"])
def test_village_and_activity_exports_have_a_constant_query_count(
    officer, kanim, bp3mi, dataset, django_assert_max_num_queries
):
    options = services.ExportOptions(fmt="xlsx", identifiers=True)
    _villages(kanim, bp3mi, 0, 10)
    ten = export_queries(fresh(officer), dataset, options)
    _villages(kanim, bp3mi, 10, 90)
    user = fresh(officer)
    with django_assert_max_num_queries(ten):
        hundred = export_queries(user, dataset, options)
    assert hundred == ten

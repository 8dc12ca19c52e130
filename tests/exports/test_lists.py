"""Referral, Desa Binaan and activity exports: the same list as the page, never another
agency's records; village telephone numbers masked unless asked for (and then audited)."""

import pytest

from portal.audit.models import AuditEntry
from portal.exports.datasets import get_dataset
from referrals import services
from tests.exports.helpers import content, export, first_sheet, read_csv
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.villages import factories as v
from villages.models import Activity

pytestmark = pytest.mark.django_db

REFERRAL_KEYS = get_dataset("referrals").sheets()[0].keys
VILLAGE_KEYS = get_dataset("villages").sheets()[0].keys
ACTIVITY_KEYS = get_dataset("activities").sheets()[0].keys


def values(rows, keys, key):
    return [row[keys.index(key)] for row in rows[1:]]


# --- Referrals -------------------------------------------------------------------------------


@pytest.fixture
def referral(pks, officer, bp3mi):
    report = f.submitted(officer)
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    return x.refer(officer, report, bp3mi)


@pytest.fixture
def declined(pks, officer, bp3mi, bp3mi_supervisor):
    report = f.submitted(officer)
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    sent = x.refer(officer, report, bp3mi)
    return services.referral_decline(
        actor=bp3mi_supervisor, referral=sent, reason="Bukan wewenang kami."
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_incoming_referrals_of_the_receiving_agency(client, bp3mi_officer, referral, fmt):
    client.force_login(bp3mi_officer)
    data = content(export(client, "referrals", "direction=incoming", format=fmt))
    rows = read_csv(data) if fmt == "csv" else first_sheet(data)
    assert values(rows, REFERRAL_KEYS, "report") == [referral.report.number]
    assert values(rows, REFERRAL_KEYS, "to") == ["BP3MI Banten"]


def test_outgoing_is_the_senders_and_nobody_elses(
    client, officer, cilegon_officer, bp3mi_officer, referral
):
    client.force_login(officer)
    rows = read_csv(content(export(client, "referrals", "direction=outgoing")))
    assert values(rows, REFERRAL_KEYS, "report") == [referral.report.number]
    assert read_csv(content(export(client, "referrals", "direction=incoming")))[1:] == []
    client.force_login(bp3mi_officer)
    assert read_csv(content(export(client, "referrals", "direction=outgoing")))[1:] == []
    client.force_login(cilegon_officer)
    for direction in ("incoming", "outgoing"):
        data = content(export(client, "referrals", f"direction={direction}&all=1"))
        assert referral.report.number.encode() not in data


def test_closed_referrals_only_with_all(client, bp3mi_officer, referral, declined):
    client.force_login(bp3mi_officer)
    open_only = read_csv(content(export(client, "referrals", "direction=incoming")))
    assert values(open_only, REFERRAL_KEYS, "report") == [referral.report.number]
    everything = read_csv(content(export(client, "referrals", "direction=incoming&all=1")))
    assert set(values(everything, REFERRAL_KEYS, "report")) == {
        referral.report.number,
        declined.report.number,
    }


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

"""Reports exports (my agency's list, the shared list): exactly the filtered list the user sees,
in CSV and XLSX, with the persons; identifiers masked unless asked for and allowed; audited.
Referral exports: the queue the page shows. Each takes as many queries for 100 records as for 10."""

import pytest

from portal.audit.models import AuditEntry
from portal.exports import services as export_services
from portal.exports.registry import get_dataset
from referrals import permissions, selectors, services
from tests.exports.builders import many_reports
from tests.exports.helpers import (
    column,
    content,
    export,
    export_queries,
    first_sheet,
    fresh,
    read_csv,
    read_xlsx,
)
from tests.referrals import exchange as x
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

PASSPORT = "X1234567"
PHONE = "081298765432"

REPORT_KEYS = get_dataset("reports").sheets()[0].keys
SHARED_KEYS = get_dataset("shared").sheets()[0].keys
PERSON_KEYS = get_dataset("reports").sheets()[1].keys
REFERRAL_KEYS = get_dataset("referrals").sheets()[0].keys


def col(key, keys=REPORT_KEYS):
    return keys.index(key)


@pytest.fixture
def ours(officer):
    return f.submitted(
        officer,
        persons=[
            f.person(
                full_name="Siti Nurhaliza",
                nik=f.NIK_FEMALE,
                sex="female",
                passport_number=PASSPORT,
                phone=PHONE,
            )
        ],
        source="departure_check",
    )


@pytest.fixture
def ours_other_source(officer):
    return f.submitted(
        officer, persons=[f.person(full_name="Budi Santoso")], source="passport_interview"
    )


@pytest.fixture
def theirs(cilegon_officer):
    return f.submitted(cilegon_officer, persons=[f.person(full_name="Rahmat Cilegon")])


@pytest.fixture
def colleague_draft(colleague):
    return f.draft(colleague, persons=[f.person(full_name="Draf Rekan")])


def numbers(rows, keys=REPORT_KEYS):
    return set(column(rows, col("number", keys)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_exactly_the_visible_reports(
    client, officer, ours, ours_other_source, theirs, colleague_draft, fmt
):
    client.force_login(officer)
    response = export(client, "reports", format=fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = content(response)
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        rows = read_csv(data)
    else:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheets = read_xlsx(data)
        assert len(sheets) == 2
        rows = next(iter(sheets.values()))
    assert numbers(rows) == {ours.number, ours_other_source.number}
    assert theirs.number.encode() not in data
    assert b"Rahmat Cilegon" not in data
    assert b"Draf Rekan" not in data


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_applies_the_list_filters(client, officer, ours, ours_other_source, fmt):
    client.force_login(officer)
    response = export(client, "reports", "source=departure_check&page=3", format=fmt)
    data = content(response)
    rows = read_csv(data) if fmt == "csv" else first_sheet(data)
    assert numbers(rows) == {ours.number}


def test_search_filter_is_the_lists(client, officer, ours, ours_other_source):
    client.force_login(officer)
    rows = read_csv(content(export(client, "reports", "q=budi")))
    assert numbers(rows) == {ours_other_source.number}


def test_persons_are_masked_by_default(client, officer, ours):
    client.force_login(officer)
    data = content(export(client, "reports", part="persons"))
    rows = read_csv(data)
    (person,) = rows[1:]
    assert person[PERSON_KEYS.index("name")] == "Siti Nurhaliza"
    assert person[PERSON_KEYS.index("nik")] == "3671********0002"
    assert person[PERSON_KEYS.index("passport")] == "X1****67"
    assert person[PERSON_KEYS.index("phone")] == "0812****5432"
    assert f.NIK_FEMALE.encode() not in data
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT_CREATED)
    assert entry.actor == officer
    assert entry.data["identifiers_revealed"] == 0
    assert entry.data["dataset"] == "reports"
    assert entry.data["part"] == "persons"
    assert entry.data["records"] == 1
    assert entry.data["rows"] == {"persons": 1}


def test_own_agency_may_include_identifiers_and_it_is_counted(client, officer, ours):
    client.force_login(officer)
    sheets = read_xlsx(content(export(client, "reports", format="xlsx", identifiers="1")))
    persons = list(sheets.values())[1]
    (person,) = persons[1:]
    assert str(person[PERSON_KEYS.index("nik")]) == f.NIK_FEMALE
    assert person[PERSON_KEYS.index("passport")] == PASSPORT
    assert str(person[PERSON_KEYS.index("phone")]) == PHONE
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT_CREATED)
    assert entry.data["identifiers_revealed"] == 3
    assert entry.data["identifiers_of"] == [ours.pk]
    assert entry.data["format"] == "xlsx"


def test_nik_stays_text_in_xlsx(client, officer, ours):
    client.force_login(officer)
    sheets = read_xlsx(content(export(client, "reports", format="xlsx", identifiers="1")))
    (person,) = list(sheets.values())[1][1:]
    # A number would lose the leading zeros of a phone number and the digits of a NIK.
    assert person[PERSON_KEYS.index("nik")] == f.NIK_FEMALE
    assert person[PERSON_KEYS.index("phone")] == PHONE


# --- Partners --------------------------------------------------------------------------------


@pytest.fixture
def shared(pks, ours, officer, bp3mi):
    services.report_share(actor=officer, report=ours, agencies=[bp3mi])
    return ours


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_partner_export_has_only_what_was_shared(
    client, bp3mi_officer, shared, ours_other_source, theirs, fmt
):
    client.force_login(bp3mi_officer)
    data = content(export(client, "shared", format=fmt))
    rows = read_csv(data) if fmt == "csv" else first_sheet(data)
    assert numbers(rows, SHARED_KEYS) == {shared.number}
    assert ours_other_source.number.encode() not in data
    assert theirs.number.encode() not in data
    # The partner's own list of reports is empty: the shared one is not theirs.
    own = read_csv(content(export(client, "reports")))
    assert own[1:] == []


def test_partner_sees_names_but_not_identifiers_before_accepting_a_referral(
    client, bp3mi_officer, shared
):
    client.force_login(bp3mi_officer)
    data = content(export(client, "shared", part="persons", identifiers="1"))
    (person,) = read_csv(data)[1:]
    assert person[PERSON_KEYS.index("name")] == "Siti Nurhaliza"
    assert person[PERSON_KEYS.index("nik")] == "3671********0002"
    assert f.NIK_FEMALE.encode() not in data
    assert PASSPORT.encode() not in data
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT_CREATED)
    assert entry.data["identifiers_requested"] is True
    assert entry.data["identifiers_revealed"] == 0


def test_partner_reveals_identifiers_once_it_accepted_a_referral(
    client, officer, bp3mi_officer, bp3mi_supervisor, shared
):
    referral = x.refer(officer, shared, shared.shares.get().agency)
    services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    client.force_login(bp3mi_officer)
    (person,) = read_csv(content(export(client, "shared", part="persons", identifiers="1")))[1:]
    assert person[PERSON_KEYS.index("nik")] == f.NIK_FEMALE
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT_CREATED)
    assert entry.data["identifiers_revealed"] == 3


def test_identifiers_without_asking_stay_masked_even_when_allowed(client, officer, ours):
    client.force_login(officer)
    data = content(export(client, "reports", part="persons"))
    assert f.NIK_FEMALE.encode() not in data


# --- CSV injection ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","klik")', "+62 Siti", "-Budi", "@SUM(A1)"])
def test_formulas_are_neutralised_in_csv(client, officer, name):
    f.submitted(officer, persons=[f.person(full_name=name)])
    client.force_login(officer)
    (person,) = read_csv(content(export(client, "reports", part="persons")))[1:]
    assert person[PERSON_KEYS.index("name")] == "'" + name


def test_formulas_stay_text_in_xlsx(client, officer):
    f.submitted(officer, persons=[f.person(full_name="=1+1")])
    client.force_login(officer)
    sheets = read_xlsx(content(export(client, "reports", format="xlsx")))  # fails on formulas
    (person,) = list(sheets.values())[1][1:]
    assert person[PERSON_KEYS.index("name")] == "=1+1"


def test_batch_identifier_rule_agrees_with_the_single_one(
    officer, bp3mi_officer, bp3mi_supervisor, cilegon_officer, shared, ours_other_source, theirs
):
    referral = x.refer(officer, shared, shared.shares.get().agency)
    reports = [shared, ours_other_source, theirs]
    ids = [r.pk for r in reports]
    for user in (officer, bp3mi_officer, cilegon_officer):
        expected = {r.pk for r in reports if permissions.may_see_identifiers(user, r)}
        assert selectors.reports_with_identifiers(user, ids) == expected
    assert selectors.reports_with_identifiers(bp3mi_officer, ids) == set()
    services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    assert selectors.reports_with_identifiers(bp3mi_officer, ids) == {shared.pk}
    assert selectors.reports_with_identifiers(officer, []) == set()


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


# --- Query counts ------------------------------------------------------------------------------


XLSX_WITH_IDS = export_services.ExportOptions(fmt="xlsx", identifiers=True)


@pytest.mark.parametrize(
    ("dataset", "options"),
    [
        ("reports", XLSX_WITH_IDS),
        ("reports", export_services.ExportOptions(fmt="csv", part="persons", identifiers=True)),
        ("htcds", export_services.ExportOptions(fmt="csv")),
    ],
)
def test_report_exports_take_as_many_queries_for_100_rows_as_for_10(
    officer, dataset, options, django_assert_max_num_queries
):
    many_reports(officer, 10, persons=2)
    ten = export_queries(fresh(officer), dataset, options)
    many_reports(officer, 90, persons=2)
    user = fresh(officer)
    with django_assert_max_num_queries(ten):
        hundred = export_queries(user, dataset, options)
    assert hundred == ten


def test_shared_export_with_identifiers_has_a_constant_query_count(
    pks, officer, bp3mi, bp3mi_officer, bp3mi_supervisor, django_assert_max_num_queries
):
    def share(reports):
        for report in reports:
            services.report_share(actor=officer, report=report, agencies=[bp3mi])
        referral = x.refer(officer, reports[0], bp3mi)
        services.referral_accept(
            actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer
        )

    share(many_reports(officer, 10))
    ten = export_queries(fresh(bp3mi_officer), "shared", XLSX_WITH_IDS)
    share(many_reports(officer, 90))
    user = fresh(bp3mi_officer)
    with django_assert_max_num_queries(ten):
        assert export_queries(user, "shared", XLSX_WITH_IDS) == ten


def test_referral_export_has_a_constant_query_count(
    pks, officer, bp3mi, bp3mi_officer, django_assert_max_num_queries
):
    def refer(reports):
        for report in reports:
            services.report_share(actor=officer, report=report, agencies=[bp3mi])
            x.refer(officer, report, bp3mi)

    options = export_services.ExportOptions(fmt="xlsx")
    refer(many_reports(officer, 10))
    ten = export_queries(fresh(bp3mi_officer), "referrals", options)
    refer(many_reports(officer, 90))
    user = fresh(bp3mi_officer)
    with django_assert_max_num_queries(ten):
        hundred = export_queries(user, "referrals", options)
    assert hundred == ten

"""The anonymised HTCDS 2.0 export: one row per person of the reports the user may see, with
nothing that names or reaches a person, ages in CTDC's bands, HTCDS field names and values."""

import datetime as dt

import pytest
from django.utils import timezone

from referrals import services
from referrals.htcds import FIELDS, age_band, organisation_type, pseudonym
from tests.exports.helpers import content, export, first_sheet, read_csv
from tests.factories import AgencyFactory
from tests.referrals import exchange as x
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

NAME = "Dewi Lestari Wulandari"
RECRUITER = "Haji Sponsor Karim"
PASSPORT = "E7654321"
PHONE = "085611223344"


def col(name):
    return FIELDS.index(name)


def rows_of(client, query="", fmt="csv"):
    data = content(export(client, "htcds", query, format=fmt))
    rows = read_csv(data) if fmt == "csv" else first_sheet(data)
    assert rows[0] == list(FIELDS)
    return data, rows[1:]


@pytest.fixture
def case(officer):
    return f.submitted(
        officer,
        persons=[
            f.person(
                full_name=NAME,
                sex="female",
                nik=f.NIK_FEMALE,
                passport_number=PASSPORT,
                phone=PHONE,
                nationality="ID",
                victim_status="PossibleVictim",
                victim_status_by="BP3MI Banten",
                notes="Tinggal di rumah kontrakan dekat pasar.",
            ),
            f.person(
                role="recruiter",
                full_name=RECRUITER,
                sex="male",
                phone="081377788899",
            ),
        ],
        destination_country="MY",
        exploitation_types=["ForcedLabour"],
        recruitment_methods=["JobOffer", "Internet"],
        control_methods=["DebtBondage", "WithholdsDocuments"],
        industries=["T_ActivitiesOfHouseholdsAsEmployers"],
        place_detail="Jalan Melati No. 7",
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_name_identifier_contact_place_or_narrative_leaves(client, officer, bp3mi, case, fmt):
    client.force_login(officer)
    data, rows = rows_of(client, fmt=fmt)
    assert len(rows) == 2
    for secret in (
        NAME,
        "Dewi",
        RECRUITER,
        f.NIK_FEMALE,
        PASSPORT,
        PHONE,
        "081377788899",
        "Jalan Melati",
        "kontrakan",
        "Sukarasa",
        "BP3MI",
        case.number,
        case.narrative[:20],
        "Malaysia",
    ):
        assert secret.encode() not in data, secret


def test_the_victims_row_in_htcds_terms(client, officer, bp3mi, case):
    client.force_login(officer)
    _data, rows = rows_of(client)
    victim, recruiter = sorted(rows, key=lambda r: r[col("personRole")] != "Victim")
    assert victim[col("personRole")] == "Victim"
    assert victim[col("gender")] == "Female"
    assert victim[col("citizenship")] == "ID"
    assert victim[col("countryOfExploitation")] == "MY"
    assert victim[col("victimStatus")] == "PossibleVictim"
    assert victim[col("victimStatusDecidedBy")] == "CentralGovernmentOrganisation"
    assert victim[col("methodOfRecruitment")] == "JobOffer;Internet"
    assert victim[col("methodsOfControl")] == "DebtBondage;WithholdsDocuments"
    assert victim[col("isForcedLabour")] == "1"
    assert victim[col("isSexualExploitation")] == "0"
    assert victim[col("labourIndustry")] == "T_ActivitiesOfHouseholdsAsEmployers"
    assert victim[col("caseCategory")] == "tppo"
    assert victim[col("yearOfRegistration")] == str(timezone.localdate().year)
    assert victim[col("reportingOrganisationType")] == "ImmigrationService"
    assert victim[col("caseStatus")] == "Active"
    assert victim[col("referralCount")] == "0"
    assert recruiter[col("personRole")] == "Perpetrator"
    assert recruiter[col("perpetratorRoleInProcess")] == "RecruiterOrIntermediary"
    assert recruiter[col("gender")] == "Male"
    assert victim[col("perpetratorRoleInProcess")] == ""


def test_case_and_person_ids_are_stable_pseudonyms(client, officer, case):
    client.force_login(officer)
    _data, first = rows_of(client)
    _data, again = rows_of(client)
    assert first == again
    case_ids = {row[col("caseId")] for row in first}
    assert case_ids == {pseudonym("case", case.pk)}
    (case_id,) = case_ids
    assert len(case_id) == 20
    assert str(case.pk) != case_id
    assert case.number not in case_id
    assert len({row[col("personId")] for row in first}) == 2
    other = f.submitted(officer)
    assert pseudonym("case", other.pk) != case_id


@pytest.mark.parametrize(
    ("age", "band", "majority"),
    [
        (0, "0--8", "Minor"),
        (8, "0--8", "Minor"),
        (9, "9--17", "Minor"),
        (17, "9--17", "Minor"),
        (18, "18--20", "Adult"),
        (20, "18--20", "Adult"),
        (21, "21--23", "Adult"),
        (23, "21--23", "Adult"),
        (24, "24--26", "Adult"),
        (26, "24--26", "Adult"),
        (27, "27--29", "Adult"),
        (29, "27--29", "Adult"),
        (30, "30--38", "Adult"),
        (38, "30--38", "Adult"),
        (39, "39--47", "Adult"),
        (47, "39--47", "Adult"),
        (48, "48+", "Adult"),
        (90, "48+", "Adult"),
        (None, "", ""),
    ],
)
def test_ages_land_in_ctdc_bands(client, officer, age, band, majority):
    f.submitted(officer, persons=[f.person(age=age)])
    client.force_login(officer)
    _data, (row,) = rows_of(client)
    assert row[col("ageBroad")] == band
    assert row[col("majorityStatus")] == majority


def test_age_from_the_birth_date_on_the_day_of_the_indication(client, officer):
    occurred = timezone.now() - dt.timedelta(days=400)
    day = timezone.localtime(occurred).date()
    eighteenth_birthday_after = day.replace(year=day.year - 18) + dt.timedelta(days=1)
    f.submitted(
        officer, occurred_at=occurred, persons=[f.person(birth_date=eighteenth_birthday_after)]
    )
    client.force_login(officer)
    _data, (row,) = rows_of(client)
    # 17 on the day of the indication, though 18 today.
    assert (row[col("ageBroad")], row[col("majorityStatus")]) == ("9--17", "Minor")


def test_only_what_the_user_may_see(
    client, pks, officer, colleague, cilegon_officer, bp3mi, bp3mi_officer, case
):
    not_shared = f.submitted(officer, persons=[f.person(full_name="Tidak Dibagikan")])
    f.draft(officer, persons=[f.person(full_name="Masih Draf")])
    f.submitted(cilegon_officer, persons=[f.person(full_name="Orang Cilegon")])
    services.report_share(actor=officer, report=case, agencies=[bp3mi])

    client.force_login(officer)
    _data, rows = rows_of(client)
    assert {r[col("caseId")] for r in rows} == {
        pseudonym("case", case.pk),
        pseudonym("case", not_shared.pk),
    }  # no draft, nothing of Cilegon

    client.force_login(bp3mi_officer)
    _data, rows = rows_of(client)
    assert {r[col("caseId")] for r in rows} == {pseudonym("case", case.pk)}

    client.force_login(cilegon_officer)
    _data, rows = rows_of(client)
    assert pseudonym("case", case.pk) not in {r[col("caseId")] for r in rows}


def test_referrals_are_counted_as_the_user_sees_them(
    client, pks, officer, bp3mi, bp3mi_officer, bp3mi_supervisor, system_admin, case
):
    polda = x.polda()
    x.data_agreement(system_admin, officer.agency, polda, code="data-polri")
    services.report_share(actor=officer, report=case, agencies=[bp3mi, polda])
    to_bp3mi = x.refer(officer, case, bp3mi)
    x.refer(officer, case, polda)
    services.referral_accept(actor=bp3mi_supervisor, referral=to_bp3mi, assigned_to=bp3mi_officer)

    client.force_login(officer)
    _data, rows = rows_of(client)
    assert {r[col("referralCount")] for r in rows} == {"2"}
    assert {r[col("caseStatus")] for r in rows} == {"FollowUp"}
    client.force_login(bp3mi_officer)
    _data, rows = rows_of(client)
    assert {r[col("referralCount")] for r in rows} == {"1"}  # not told of Polda's


def test_filters_of_the_reports_list_apply(client, officer, case):
    f.submitted(officer, source="hotline")
    client.force_login(officer)
    _data, rows = rows_of(client, "source=hotline")
    assert len(rows) == 1
    assert pseudonym("case", case.pk) not in rows[0]


def test_age_band_edges():
    assert [age_band(a) for a in (None, -1, 0, 8, 9, 47, 48)] == [
        "",
        "",
        "0--8",
        "0--8",
        "9--17",
        "39--47",
        "48+",
    ]


def test_victim_status_decided_by_is_a_type_never_a_name(db):
    AgencyFactory(
        name="Dinas Sosial Kota Serang", short_name="Dinsos Serang", kind="local_government"
    )
    agencies = {"dinas sosial kota serang": "local_government", "dinsos serang": "local_government"}
    assert organisation_type("Dinsos  Serang", agencies) == "LocalGovernmentOrganisation"
    assert organisation_type("Ditreskrimum Polda Banten", agencies) == "LawEnforcement"
    assert organisation_type("UPTD PPA Provinsi Banten", agencies) == "LocalGovernmentOrganisation"
    assert organisation_type("Ibu Sari (tetangga)", agencies) == "Unknown"
    assert organisation_type("", agencies) == ""

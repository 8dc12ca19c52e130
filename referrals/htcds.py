"""The anonymised case-data export in the field names and vocabularies of the Human Trafficking
Case Data Standard (HTCDS 2.0, IOM, CC BY 4.0), for task-force reporting.

One row per person of every submitted report the user may see (their agencies' and those shared
with them), with the list page's filters. Nothing that names or reaches a person leaves: no
names, NIK, passport or telephone numbers (they are not even read from the database), no
addresses, places, narrative or other free text, no report number. Ages go in the broad bands
of the Counter Trafficking Data Collaborative (CTDC); the case and the person are known by
pseudonymous ids (keyed HMAC of the database ids), stable from one export to the next so that
task forces can merge exports, and meaningless without the portal's key.

The stored values of the HTCDS picklists are HTCDS's own value names (referrals.vocabularies),
so they are written as they are. docs/exports.md lists the fields. Registered with the other
case-file datasets in referrals/exports.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from portal.accounts.models import Agency, AgencyKind
from portal.core.crypto import blind_index
from portal.exports.datasets import Dataset, ExportRun, Sheet, local_date, querydict
from portal.exports.models import Dataset as DatasetName
from referrals import selectors as report_selectors
from referrals.forms import report_filters
from referrals.models import Report, ReportPerson
from referrals.vocabularies import (
    ExploitationType,
    Outcome,
    PersonRole,
    ReferralStatus,
    ReportStatus,
)

if TYPE_CHECKING:
    from portal.accounts.models import User

# CTDC's ageBroad bands (inclusive bounds), then 48+.
AGE_BANDS = (
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
)
OLDEST_BAND = "48+"


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return ""
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return OLDEST_BAND


def majority_status(age: int | None) -> str:
    if age is None or age < 0:
        return ""
    return "Minor" if age < 18 else "Adult"


# HTCDS organisation types (org_Type) for the portal's agency kinds.
ORGANISATION_TYPES = {
    AgencyKind.IMMIGRATION.value: "ImmigrationService",
    AgencyKind.POLICE.value: "LawEnforcement",
    AgencyKind.MIGRANT_WORKER_PROTECTION.value: "CentralGovernmentOrganisation",
    AgencyKind.YOUTH_ORGANISATION.value: "NGO",
    AgencyKind.MANPOWER_OFFICE.value: "LocalGovernmentOrganisation",
    AgencyKind.LOCAL_GOVERNMENT.value: "LocalGovernmentOrganisation",
}

# Words in a free-text "victim status decided by" that name a kind of organisation, tried in
# this order when the text is not the name of an agency in the portal.
ORGANISATION_WORDS = (
    (("polda", "polres", "polsek", "polri", "polisi", "bareskrim", "reskrim"), "LawEnforcement"),
    (("imigrasi", "immigration"), "ImmigrationService"),
    (
        ("bp3mi", "kp2mi", "bnp2tki", "kementerian", "kemen", "ministry"),
        "CentralGovernmentOrganisation",
    ),
    (
        ("dinas", "disnaker", "dinsos", "uptd", "p2tp2a", "dp3a", "pemkot", "pemkab", "pemda"),
        "LocalGovernmentOrganisation",
    ),
    (("lbh", "bantuan hukum", "advokat", "legal aid"), "LegalService"),
    (("rumah sakit", "puskesmas", "hospital", "klinik"), "HealthServiceOrganisation"),
    (("lsm", "yayasan", "ngo", "iom", "knpi"), "NGO"),
)

PERSON_ROLES = {
    PersonRole.POTENTIAL_VICTIM.value: "Victim",
    PersonRole.RECRUITER.value: "Perpetrator",
    PersonRole.SMUGGLER.value: "Perpetrator",
    PersonRole.WITNESS.value: "Witness",
    PersonRole.FAMILY_CONTACT.value: "FamilyContact",
}
# A suspect recorded without a role in the process: the one the person's role implies.
DEFAULT_PERPETRATOR_ROLES = {
    PersonRole.RECRUITER.value: ["RecruiterOrIntermediary"],
    PersonRole.SMUGGLER.value: ["Smuggler"],
}
GENDERS = {"male": "Male", "female": "Female"}

EXPLOITATION_FLAGS = tuple((f"is{t.value}", t.value) for t in ExploitationType)

FIELDS = (
    "caseId",
    "personId",
    "yearOfRegistration",
    "reportingOrganisationType",
    "caseCategory",
    "personRole",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "countryOfExploitation",
    "victimStatus",
    "victimStatusDecidedBy",
    "perpetratorRoleInProcess",
    "methodOfRecruitment",
    "methodsOfControl",
    *(flag for flag, _value in EXPLOITATION_FLAGS),
    "labourIndustry",
    "caseStatus",
    "referralCount",
    "referralsCompleted",
)


def pseudonym(kind: str, pk: int) -> str:
    """A keyed hash of a database id: the same id always gives the same pseudonym, and it
    cannot be turned back into the id (or the report number) without the key."""
    return blind_index(f"htcds-{kind}", str(pk))[:20]


def organisation_type(text: str, agencies: dict[str, str]) -> str:
    """The HTCDS type of the organisation named in free text, never the name itself."""
    name = " ".join(text.lower().split())
    if not name:
        return ""
    if name in agencies:
        return ORGANISATION_TYPES.get(agencies[name], "")
    for words, kind in ORGANISATION_WORDS:
        if any(word in name for word in words):
            return kind
    return "Unknown"


def case_status(report: Report, referrals: int) -> str:
    if report.status == ReportStatus.CLOSED:
        referred = referrals or report.outcome == Outcome.REFERRED_TO_INVESTIGATION
        return "ClosedReferred" if referred else "Closed"
    return "FollowUp" if referrals else "Active"


def _agency_kinds(run: ExportRun) -> dict[str, str]:
    """{lower-case name or short name: kind} of every agency, read once per export."""
    if "agency_kinds" not in run.cache:
        kinds: dict[str, str] = {}
        for name, short_name, kind in Agency.objects.values_list("name", "short_name", "kind"):
            kinds[" ".join(name.lower().split())] = kind
            kinds[" ".join(short_name.lower().split())] = kind
        run.cache["agency_kinds"] = kinds
    return run.cache["agency_kinds"]


def _joined(values: Iterable[str]) -> str:
    return ";".join(values)


def htcds_rows(run: ExportRun, reports: list[Any]) -> Iterator[list[Any]]:
    ids = [r.pk for r in reports]
    agencies = _agency_kinds(run)
    # Only what the user may see of the referrals counts: a partner is not told of referrals
    # to other agencies.
    counts = {
        row["report_id"]: row
        for row in report_selectors.visible_referrals(run.user)
        .filter(report_id__in=ids)
        .values("report_id")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(status=ReferralStatus.COMPLETED)))
        .order_by()
    }
    persons: dict[int, list[ReportPerson]] = defaultdict(list)
    # The identifiers and names are never read: `only` keeps them out of the query.
    for p in (
        ReportPerson.objects.filter(report_id__in=ids)
        .only(
            "pk",
            "report_id",
            "position",
            "role",
            "sex",
            "birth_date",
            "age",
            "nationality",
            "victim_status",
            "victim_status_by",
            "perpetrator_roles",
        )
        .order_by("report_id", "position", "id")
    ):
        persons[p.report_id].append(p)
    for report in reports:
        day = local_date(report.occurred_at)
        registered = local_date(report.submitted_at) or day
        referral = counts.get(report.pk, {"n": 0, "completed": 0})
        exploitation = set(report.exploitation_types)
        case_id = pseudonym("case", report.pk)
        for p in persons.get(report.pk, ()):
            age = p.age_on(day) if day else p.age
            roles = list(p.perpetrator_roles) or DEFAULT_PERPETRATOR_ROLES.get(p.role, [])
            yield [
                case_id,
                pseudonym("person", p.pk),
                registered.year if registered else None,
                ORGANISATION_TYPES.get(report.agency.kind, ""),
                _joined(report.categories),
                PERSON_ROLES.get(p.role, "Other"),
                GENDERS.get(p.sex, "Unknown"),
                age_band(age),
                majority_status(age),
                p.nationality.code if p.nationality else "",
                report.destination_country.code if report.destination_country else "",
                p.victim_status,
                organisation_type(p.victim_status_by, agencies),
                _joined(roles),
                _joined(report.recruitment_methods),
                _joined(report.control_methods),
                *(1 if value in exploitation else 0 for _flag, value in EXPLOITATION_FLAGS),
                _joined(report.industries),
                case_status(report, referral["n"]),
                referral["n"],
                referral["completed"],
            ]


class HtcdsDataset(Dataset):
    name = DatasetName.HTCDS.value
    list_url_name = "referrals:list"
    case_files = True

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        filters = report_filters(querydict(params), user=user)
        return report_selectors.case_data(user=user, filters=filters)

    def sheets(self) -> list[Sheet]:
        # Machine field names: the standard's, never translated.
        columns = tuple((name, name) for name in FIELDS)
        return [Sheet("cases", "HTCDS", columns, htcds_rows)]

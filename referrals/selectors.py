"""Reads of indication reports, always starting from what the user may see: `own_reports`,
`shared_reports` and `visible_reports` below are that rule in queryset form; what a partner
may reveal of a shared report is referrals.permissions.may_see_identifiers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.db.models.lookups import In
from django.utils import timezone

from portal import access
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.core.categories import ReportCategory
from referrals import search
from referrals.models import (
    NUMBER_RE,
    RISK_RANK,
    Evidence,
    PreventionAction,
    Referral,
    ReferralAttachment,
    ReferralComment,
    Report,
    ReportPerson,
    Share,
    normalise_report_number,
)
from referrals.permissions import (
    IDENTIFIER_REFERRAL_STATUSES,
    may_see_identifiers,
    others_drafts,
)
from referrals.permissions import attachment_opens as _attachment_opens
from referrals.vocabularies import (
    OPEN_REFERRAL_STATUSES,
    ReportStatus,
    ShareStatus,
)
from villages.models import DesaBinaan


def own_reports(user: User, *, searched: bool = False) -> QuerySet[Report]:
    """Reports of the user's agencies (drafts: their author's only). `searched`: the caller's word
    search names the agencies in the index already, so the condition is `agency_id + 0`, which no
    btree serves: PostgreSQL would otherwise AND in a bitmap of all the agency's reports."""
    agencies = access.case_file_agency_ids(user)
    if not agencies:
        return Report.objects.none()
    scope = In(F("agency_id") + 0, sorted(agencies)) if searched else Q(agency_id__in=agencies)
    return Report.objects.filter(scope).exclude(others_drafts(user))


def shared_reports(user: User) -> QuerySet[Report]:
    """Reports shared (and not only requested) with the user's agencies; a share outlives the
    agreement it was made under (only new shares need one in force)."""
    agencies = access.case_file_agency_ids(user)
    if not agencies:
        return Report.objects.none()
    return Report.objects.filter(
        pk__in=Share.objects.filter(agency_id__in=agencies, status=ShareStatus.ACTIVE).values(
            "report_id"
        )
    )


def visible_reports(user: User) -> QuerySet[Report]:
    """Everything the user may read: their agencies' reports and those shared with them."""
    agencies = access.case_file_agency_ids(user)
    if not agencies:
        return Report.objects.none()
    # EXISTS, not `pk IN (shares)`: inside the OR, PostgreSQL hashes an IN subquery whole
    # (every share of the agency), while an EXISTS can probe share_once_per_agency per row.
    shared = Share.objects.filter(
        report_id=OuterRef("pk"), agency_id__in=agencies, status=ShareStatus.ACTIVE
    )
    return Report.objects.filter(
        (Q(agency_id__in=agencies) & ~others_drafts(user)) | Exists(shared)
    )


def openable_attachments(user: User, referral: Referral) -> set[int]:
    """may_open_attachment() for every attachment of a referral, for its page: at most one
    query beside the (prefetched) attachments."""
    files_open = may_see_identifiers(user, referral.report)
    return {a.pk for a in referral.attachments.all() if _attachment_opens(user, a, files_open)}


def reports_with_identifiers(user: User, report_ids: Iterable[int]) -> set[int]:
    """may_see_identifiers() for many reports at once (exports): the ids among `report_ids`
    whose identifiers the user may reveal. Two queries at most, whatever their number."""
    ids = set(report_ids)
    if not ids:
        return set()
    allowed = set(own_reports(user).filter(pk__in=ids).values_list("pk", flat=True))
    others = ids - allowed
    if others:
        allowed |= set(
            Referral.objects.filter(
                report_id__in=others,
                to_agency_id__in=access.case_file_agency_ids(user),
                status__in=IDENTIFIER_REFERRAL_STATUSES,
            ).values_list("report_id", flat=True)
        )
    return allowed


def get_report_for(user: User, pk: int) -> Report:
    """The report `pk` if `user` may see it; Http404 alike when missing or not theirs."""
    return access.get_for(user, visible_reports, pk)


# --- Lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    date_from: object = None
    date_to: object = None
    region_code: str = ""
    desa_id: int | None = None
    destination: str = ""
    source: str = ""
    risk_level: str = ""
    person_id: int | None = None  # reports where the same person (by NIK/passport) appears
    sort: str = ""

    @property
    def full_text(self) -> bool:
        """Whether `q` is searched as words (not looked up as a report number)."""
        text = self.q.strip()
        return bool(text) and not NUMBER_RE.match(text)


SORTS = {
    "": ("-occurred_at", "-id"),
    "occurred": ("occurred_at", "id"),
    "-occurred": ("-occurred_at", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "-updated": ("-updated_at", "-id"),
    "-risk": ("-risk_rank", "-occurred_at", "-id"),
}


def search_query(text: str, *, own_agencies: Iterable[int] = ()) -> SearchQuery | None:
    """The words of `text` as prefixes (`search.words_query`); with `own_agencies`, only in
    those agencies' reports, which lets the GIN index apply the scope (see `referrals.search`)."""
    query = search.words_query(text)
    if query is not None and own_agencies:
        query = query & search.agencies_query(own_agencies)
    return query


def _apply_filters(
    qs: QuerySet[Report], user: User, filters: ReportFilters, *, own: bool = False
) -> QuerySet[Report]:
    """`own`: `qs` holds only own reports (`own_reports`), so the search may name the user's
    agencies in the query too."""
    text = filters.q.strip()
    if filters.full_text:
        agencies = access.case_file_agency_ids(user) if own else ()
        query = search_query(text, own_agencies=agencies)
        qs = qs.filter(search_vector=query) if query is not None else qs.none()
    elif text:  # a report number
        qs = qs.filter(number=normalise_report_number(text))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(categories__contains=[filters.category])
    if filters.date_from:
        qs = qs.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(occurred_at__date__lte=filters.date_to)
    if filters.region_code:
        qs = qs.filter(
            Q(region__code=filters.region_code)
            | Q(region__code__startswith=filters.region_code + ".")
        )
    if filters.desa_id:
        qs = qs.filter(desa_id=filters.desa_id)
    if filters.destination:
        qs = qs.filter(destination_country=filters.destination)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.risk_level:
        qs = qs.filter(risk_level=filters.risk_level)
    if filters.person_id:
        qs = qs.filter(pk__in=_same_person_report_ids(user, filters.person_id))
    return qs


def _same_person_report_ids(user: User, person_id: int) -> QuerySet:
    person = (
        ReportPerson.objects.filter(pk=person_id, report__in=visible_reports(user))
        .only("nik_index", "passport_index")
        .first()
    )
    if person is None or not (person.nik_index or person.passport_index):
        return Report.objects.none().values("pk")
    match = Q()
    if person.nik_index:
        match |= Q(nik_index=person.nik_index)
    if person.passport_index:
        match |= Q(passport_index=person.passport_index)
    return ReportPerson.objects.filter(match).values("report_id")


def report_list(*, user: User, filters: ReportFilters, shared: bool = False) -> QuerySet[Report]:
    """The user's agency's reports (or, with `shared`, those shared with it), filtered and
    sorted; constant query count per page."""
    base = shared_reports(user) if shared else own_reports(user, searched=filters.full_text)
    qs = _apply_filters(base, user, filters, own=not shared)
    ordering = SORTS.get(filters.sort, SORTS[""])
    if filters.sort == "-risk":
        qs = qs.annotate(risk_rank=RISK_RANK)  # the expression of report_agency_risk_idx
    return (
        qs.select_related("agency", "region", "desa__village", "created_by")
        .defer("narrative", "search_vector", "category_reason", "outcome_note")
        .order_by(*ordering)
    )


@dataclass(frozen=True)
class RowColumns:
    """What the rows of a list read: the relations joined and the fields (`only()` names)."""

    related: tuple[str, ...]
    fields: tuple[str, ...]


# What a row of the HTML report lists shows (templates/referrals/report_list.html and
# shared_list.html). The API's rows: referrals.api.serializers.ReportListSerializer.row_columns().
PAGE_ROW = RowColumns(
    related=("agency", "created_by", "region", "desa__village"),
    fields=(
        "number",
        "occurred_at",
        "categories",
        "destination_country",
        "person_count",
        "risk_level",
        "status",
        "agency__short_name",
        "created_by__full_name",
        "region__name",
        "desa__village__name",
    ),
)


def list_rows(reports: QuerySet[Report], columns: RowColumns = PAGE_ROW) -> QuerySet[Report]:
    """`reports` (from report_list()) reading only what a row shows: the rest of the report
    and of its related rows (a Desa Binaan's encrypted telephones) is not read."""
    return reports.select_related(None).select_related(*columns.related).only(*columns.fields)


def case_data(*, user: User, filters: ReportFilters) -> QuerySet[Report]:
    """Every submitted report the user may see — their agencies' and those shared with them —
    filtered like the lists, oldest first: the base of anonymised case-data exports (HTCDS)."""
    base = visible_reports(user).exclude(status=ReportStatus.DRAFT)
    return (
        _apply_filters(base, user, filters)
        .select_related("agency")
        .defer("narrative", "search_vector", "category_reason", "outcome_note", "place_detail")
        .order_by("occurred_at", "id")
    )


def review_queue(*, user: User) -> QuerySet[Report]:
    """Submitted reports of the supervisor's agency and the offices below it, oldest first;
    those under review (by anyone) after those still waiting."""
    if not access.is_supervisor(user):
        return Report.objects.none()
    return (
        own_reports(user)
        .filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW])
        .select_related("agency", "region", "created_by", "reviewer")
        .defer("narrative", "search_vector")
        .order_by("status", "submitted_at", "id")  # "submitted" sorts before "under_review"
    )


# --- One report ----------------------------------------------------------------------------


def report_detail(*, report: Report) -> Report:
    return _with_detail(Report.objects.filter(pk=report.pk)).get()


def get_report_detail_for(user: User, pk: int) -> Report:
    """get_report_for() and report_detail() in one query (and the prefetches): the report
    page's first read. Http404 alike when missing or not visible."""
    report = access.get_for(user, _with_detail(visible_reports(user)), pk)
    return report


def _with_detail(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.select_related(
        "agency",
        "created_by",
        "reviewer",
        "region__parent__parent__parent",
        "desa__village",
    ).prefetch_related(
        Prefetch(
            "persons",
            queryset=ReportPerson.objects.select_related("address_region__parent__parent"),
        ),
        Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
        Prefetch(
            "prevention_actions",
            queryset=PreventionAction.objects.select_related("office", "person"),
        ),
    )


def person_matches(*, user: User, report: Report) -> dict[int, int]:
    """{person id: number of *other* reports the user may see in which the same person
    appears (same NIK or passport number, compared through the blind index)}. Two queries."""
    persons = [
        p for p in report.persons.all() if p.nik_index or p.passport_index
    ]  # uses the prefetch when there is one
    if not persons:
        return {}
    niks = {p.nik_index for p in persons if p.nik_index}
    passports = {p.passport_index for p in persons if p.passport_index}
    rows = (
        ReportPerson.objects.filter(Q(nik_index__in=niks) | Q(passport_index__in=passports))
        .filter(report__in=visible_reports(user))
        .exclude(report_id=report.pk)
        .values_list("report_id", "nik_index", "passport_index")
    )
    by_nik: dict[str, set[int]] = defaultdict(set)
    by_passport: dict[str, set[int]] = defaultdict(set)
    for report_id, nik_index, passport_index in rows:
        if nik_index:
            by_nik[nik_index].add(report_id)
        if passport_index:
            by_passport[passport_index].add(report_id)
    result = {}
    for p in persons:
        found = by_nik.get(p.nik_index, set()) | by_passport.get(p.passport_index, set())
        if found:
            result[p.pk] = len(found)
    return result


def report_timeline(*, report: Report) -> QuerySet[AuditEntry]:
    """Who did what to the report, newest first (audit entries targeting it)."""
    return AuditEntry.objects.filter(
        target_type=Report._meta.label, target_id=str(report.pk)
    ).select_related("actor")


def child_victim(report: Report, persons: list[ReportPerson] | None = None) -> bool:
    """Is a potential victim under 18 on the day of the indication?"""
    day = timezone.localdate(report.occurred_at) if report.occurred_at else None
    for p in persons if persons is not None else report.persons.all():
        if p.role != ReportPerson.Role.POTENTIAL_VICTIM or day is None:
            continue
        age = p.age_on(day)
        if age is not None and age < 18:
            return True
    return False


# --- Prevention figures per village ------------------------------------------------------


def prevention_by_year(*, user: User, desa: DesaBinaan) -> dict[int, int]:
    """Prevention actions the user may see concerning residents of a Desa Binaan (by the
    person's home village) or recorded against the village itself, per year."""
    qs = PreventionAction.objects.filter(report__in=visible_reports(user)).filter(
        Q(person__address_region_id=desa.village_id) | Q(report__desa_id=desa.pk)
    )
    return dict(
        qs.annotate(year=ExtractYear("date"))
        .values_list("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )


def village_summary(*, user: User, desa: DesaBinaan) -> dict[str, Any]:
    """What the user may see of the indications concerning a Desa Binaan: reports placed in
    it (by `desa` or by place), their count per category, the latest ones, and prevention
    actions per year."""
    reports = visible_reports(user).filter(Q(desa_id=desa.pk) | Q(region_id=desa.village_id))
    per_category: dict[str, int] = defaultdict(int)
    for categories, n in (
        reports.exclude(status=ReportStatus.DRAFT)
        .values_list("categories")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        for category in categories:
            per_category[category] += n
    return {
        "total": reports.count(),
        "per_category": [
            (label, per_category.get(code, 0)) for code, label in ReportCategory.choices
        ],
        "latest": list(
            reports.order_by("-occurred_at", "-id").only(
                "pk", "number", "occurred_at", "categories", "status"
            )[:5]
        ),
        "prevention": prevention_by_year(user=user, desa=desa),
    }


# --- Shares and referrals ------------------------------------------------------------------


def share_of(user: User, report: Report) -> Share | None:
    """The active share through which the user sees a report of another agency."""
    return (
        Share.objects.filter(
            report=report,
            agency_id__in=access.case_file_agency_ids(user),
            status=ShareStatus.ACTIVE,
        )
        .select_related("agreement", "agency")
        .first()
    )


def visible_shares(user: User) -> QuerySet[Share]:
    """Shares of the user's agencies' reports, whatever their state, and the active shares
    their agencies received."""
    return (
        Share.objects.filter(
            Q(report__in=own_reports(user))
            | Q(agency_id__in=access.case_file_agency_ids(user), status=ShareStatus.ACTIVE)
        )
        .select_related("report", "agency", "agreement")
        .order_by("-created_at", "-id")
    )


def pending_shares(*, user: User) -> QuerySet[Share]:
    """Shares of the supervisor's agencies' reports that wait for approval."""
    if not access.is_supervisor(user):
        return Share.objects.none()
    return (
        Share.objects.filter(report__in=own_reports(user), status=ShareStatus.PENDING)
        .select_related("report", "agency", "agreement", "shared_by")
        .order_by("created_at")
    )


def _referrals_of(agencies: frozenset[int]) -> QuerySet[Referral]:
    if not agencies:
        return Referral.objects.none()
    return Referral.objects.filter(Q(from_agency_id__in=agencies) | Q(to_agency_id__in=agencies))


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Referrals sent by or to the user's agencies."""
    return _referrals_of(access.case_file_agency_ids(user))


def counted_referrals(user: User) -> QuerySet[Referral]:
    """Referrals sent by or to the agencies whose figures the user sees
    (portal.access.visible_agency_ids), for aggregate figures only — statistics, never a row:
    a system admin keeps these counts though it reads no referral."""
    return _referrals_of(access.visible_agency_ids(user))


def get_referral_for(user: User, pk: int) -> Referral:
    return access.get_for(user, visible_referrals, pk)


URGENCY_RANK = {"urgent": 0, "normal": 1}


def referral_queue(*, user: User, incoming: bool, open_only: bool = True) -> QuerySet[Referral]:
    """Incoming (to the user's agencies) or outgoing referrals, urgent first, then by due
    date; overdue ones are the open ones whose due date has passed."""
    agencies = access.case_file_agency_ids(user)
    field = "to_agency_id__in" if incoming else "from_agency_id__in"
    qs = Referral.objects.filter(**{field: agencies})
    if open_only:
        qs = qs.filter(status__in=list(OPEN_REFERRAL_STATUSES))
    return (
        qs.select_related("report", "from_agency", "to_agency", "assigned_to")
        .annotate(
            urgency_rank=Case(
                When(urgency="urgent", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("urgency_rank", "due_on", "sent_at")
    )


def _comment_rows() -> QuerySet:
    return ReferralComment.objects.select_related("author", "agency").order_by("created_at", "id")


def referral_comments(referral: Referral) -> QuerySet:
    """A referral's comments, oldest first, as its page shows them."""
    return _comment_rows().filter(referral=referral)


def referral_detail(*, referral: Referral) -> Referral:
    return (
        Referral.objects.filter(pk=referral.pk)
        .select_related(
            "report__agency",
            "from_agency",
            "to_agency",
            "assigned_to",
            "sent_by",
            "share__agreement",
        )
        .prefetch_related(
            Prefetch("comments", queryset=_comment_rows()),
            Prefetch(
                "attachments", queryset=ReferralAttachment.objects.select_related("uploaded_by")
            ),
        )
        .get()
    )

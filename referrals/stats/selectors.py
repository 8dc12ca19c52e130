"""Reads of the statistics, always from what the user may see.

Report figures come from the summary table `ReportStat`, which the refresh keeps exact: the
own rows of the user's agencies (portal.access.visible_agency_ids: their agency, and for a
supervisor of a Kanwil or a Polda also the offices below), plus — unless the user leaves them
out — the shared rows of the same reach: reports partners actively shared with those agencies
(referrals.selectors.shared_reports), not of one of them, each once. Referral figures are
computed live from referrals.selectors.counted_referrals. Only aggregates leave this module,
so a system admin, who reads no case file (portal.access.reads_case_files), keeps them.

Every function takes the user and starts from those selectors; nothing here reads a model
unscoped. The query count of `statistics_overview` does not depend on the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from portal import access
from portal.accounts.models import Agency
from portal.core.categories import ReportCategory
from portal.regions.models import Region
from referrals.selectors import counted_referrals
from referrals.stats import reference
from referrals.stats.models import ALL_CATEGORIES, Dimension, Part, RefreshState, ReportStat
from referrals.vocabularies import (
    OPEN_REFERRAL_STATUSES,
    ReferralStatus,
    Source,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from portal.accounts.models import User

MAX_MONTHS = 60
DEFAULT_MONTHS = 12
TOP_DESTINATIONS = 10
OTHER = "__other__"

# Short names for charts; the categories' own labels are long.
SHORT_CATEGORY: dict[str, StrOrPromise] = {
    ReportCategory.TPPO: gettext_lazy("TPPO"),
    ReportCategory.TPPM: gettext_lazy("TPPM"),
    ReportCategory.PMI_NONPROCEDURAL: gettext_lazy("Non-procedural PMI"),
}
CATEGORY_ORDER = {code: i for i, code in enumerate(ReportCategory.values)}
# Fill colours of the category combinations (SVG presentation attributes, not style=).
COMBO_COLOURS = {
    "tppo": "#b02a37",
    "tppm": "#0b5ed7",
    "pmi_nonprocedural": "#d08c00",
    "tppm+tppo": "#6f42c1",
}
SPARE_COLOURS = ["#198754", "#6c757d", "#8d5524", "#d63384"]


# --- Months --------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Number of months from `first` to `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


def current_month() -> dt.date:
    return month_start(timezone.localdate())


# --- Filters and results -------------------------------------------------------------------


@dataclass(frozen=True)
class StatsFilters:
    """What the statistics page was asked for. None / "" mean the default."""

    month_from: dt.date | None = None  # first day of a month
    month_to: dt.date | None = None
    agency_id: int | None = None  # one of visible_agency_ids(user); None: all of them
    category: str = ""  # a ReportCategory code; "": all reports
    include_shared: bool = True  # add reports partners shared with the user's agencies
    regency: str = ""  # "36.71": also break that regency down by village


@dataclass
class Bar:
    key: str
    label: str
    reports: int
    persons: int


@dataclass
class Combo:
    key: str  # "tppm+tppo"
    label: str
    colour: str


@dataclass
class MonthRow:
    month: dt.date
    reports: int
    persons: int
    by_combo: dict[str, int]


@dataclass
class ReferralRow:
    agency_id: int
    agency: str
    total: int
    by_status: dict[str, int]
    accept_median: float | None  # days from sent to accepted
    accept_p90: float | None
    complete_median: float | None  # days from accepted to completed
    complete_p90: float | None
    completed: int
    completed_on_time: int


@dataclass
class ReferralFigures:
    total: int
    by_status: list[Bar]
    rows: list[ReferralRow]


@dataclass
class PmiRow:
    label: str
    year: int
    half: int | None
    reports: int
    persons: int
    published: reference.PublishedFigure | None
    ongoing: bool  # the period has not ended yet

    @property
    def coverage(self) -> float | None:
        """Persons recorded here as a share of the published figure, in percent."""
        if self.published is None or not self.published.persons:
            return None
        return 100.0 * self.persons / self.published.persons


@dataclass
class Overview:
    filters: StatsFilters  # with the period resolved
    agency_ids: frozenset[int]
    as_of: dt.datetime | None
    period_moved: bool  # no report in the last 12 months: reaching back to the latest ones
    months: list[MonthRow]
    combos: list[Combo]
    reports: int
    persons: int
    shared_reports: int  # of `reports`, those shared with the user's agencies by partners
    by_source: list[Bar]
    by_regency: list[Bar]
    by_destination: list[Bar]
    villages: list[Bar] = field(default_factory=list)
    villages_unplaced: int = 0  # reports of the regency not placed in a village
    regency_label: str = ""
    referrals: ReferralFigures | None = None
    pmi: list[PmiRow] = field(default_factory=list)


def filter_agencies(user: User) -> list[Agency]:
    """The agencies the statistics can be narrowed to: those whose records the user sees as
    their own."""
    return list(
        Agency.objects.filter(pk__in=access.visible_agency_ids(user))
        .only("pk", "name", "short_name")
        .order_by("short_name")
    )


# --- Aggregates ----------------------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def days_between(start: str, end: str) -> Func:
    """Days (with fractions) from one timestamp column to another; NULL if either is.

    `date_part` rather than `EXTRACT`: since PostgreSQL 14 EXTRACT answers `numeric`, whose
    arithmetic and sorting made the referral percentiles a third slower at a million reports
    (docs/benchmarks.md); percentile_cont works in double precision either way."""
    return Func(
        F(end),
        F(start),
        arg_joiner=" - ",
        template="(date_part('epoch', %(expressions)s) / 86400.0)",
        output_field=FloatField(),
    )


# --- Report rows: own and shared, from the summary ----------------------------------------


Key = tuple[str, str, dt.date | None]  # (dimension, key, month for "total" else None)


def _category_rows_filter(category: str) -> str:
    return category or ALL_CATEGORIES


@dataclass(frozen=True)
class Reach:
    """Whose summary rows a page adds up: the own rows of `own` (they add up: a report has one
    agency), and the shared rows of one reach, `shared` = (agency, part), or None when shared
    reports are left out."""

    own: frozenset[int]
    shared: tuple[int, str] | None

    def rows(self) -> Q:
        if self.shared is None:
            return Q(part=Part.OWN, agency_id__in=self.own)
        agency_id, part = self.shared
        # The IN lists first, for the index (reportstat_bucket_key_once: dimension, category,
        # part, agency, month); the OR then keeps each part to its agencies.
        return Q(part__in=[Part.OWN, part], agency_id__in=self.own | {agency_id}) & (
            Q(part=Part.OWN, agency_id__in=self.own) | Q(part=part, agency_id=agency_id)
        )


def _reach(user: User, filters: StatsFilters) -> Reach:
    """The agencies whose own reports the page counts, and the reach whose shared reports it
    adds: the agency chosen, or the user's agency alone, or — a supervisor of an agency with
    offices below — that agency with the offices below (portal.access draws the same set)."""
    own = _resolve_agencies(user, filters.agency_id)
    if not own or not filters.include_shared:
        return Reach(own=own, shared=None)
    if len(own) == 1:
        (agency_id,) = own
        return Reach(own=own, shared=(agency_id, Part.SHARED))
    return Reach(own=own, shared=(user.agency_id, Part.SHARED_BELOW))


_IS_SHARED = Case(When(part=Part.OWN, then=Value(False)), default=Value(True))


def _report_rows(
    reach: Reach, first: dt.date, last: dt.date, category: str
) -> tuple[dict[Key, list[int]], int]:
    """Summary rows of the period, every dimension but villages, own and shared added up;
    months kept for totals. Also how many shared reports they include."""
    rows: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    if not reach.own:
        return rows, 0
    qs = (
        ReportStat.objects.filter(
            reach.rows(),
            dimension__in=[
                Dimension.TOTAL,
                Dimension.SOURCE,
                Dimension.REGENCY,
                Dimension.DESTINATION,
            ],
            category=_category_rows_filter(category),
            month__gte=first,
            month__lte=last,
        )
        .annotate(
            bucket=Case(
                When(dimension=Dimension.TOTAL, then=F("month")),
                default=Value(None),
                output_field=DateField(),
            ),
            shared=_IS_SHARED,
        )
        .values_list("dimension", "key", "bucket", "shared")
        .annotate(n=Sum("reports"), p=Sum("persons"))
        .order_by()
    )
    shared_total = 0
    for dimension, key, bucket, shared, n, p in qs:
        slot = rows[(dimension, key, bucket)]
        slot[0] += n
        slot[1] += p
        if shared and dimension == Dimension.TOTAL:
            shared_total += n
    return rows, shared_total


def _villages(
    reach: Reach, first: dt.date, last: dt.date, category: str, regency: str
) -> dict[str, list[int]]:
    if not reach.own or not regency:
        return {}
    qs = (
        ReportStat.objects.filter(
            reach.rows(),
            dimension=Dimension.VILLAGE,
            category=_category_rows_filter(category),
            month__gte=first,
            month__lte=last,
        )
        .alias(regency=Left("key", 5))
        .filter(regency=regency)  # reportstat_village_idx
        .values_list("key")
        .annotate(n=Sum("reports"), p=Sum("persons"))
        .order_by()
    )
    return {key: [n, p] for key, n, p in qs}


def _pmi(reach: Reach, first: dt.date, last: dt.date) -> dict[dt.date, list[int]]:
    if not reach.own:
        return {}
    qs = (
        ReportStat.objects.filter(
            reach.rows(),
            dimension=Dimension.TOTAL,
            category=ReportCategory.PMI_NONPROCEDURAL,
            month__gte=first,
            month__lte=last,
        )
        .values_list("month")
        .annotate(n=Sum("reports"), p=Sum("persons"))
        .order_by()
    )
    return {month: [n, p] for month, n, p in qs}


# --- The page ------------------------------------------------------------------------------

OVERVIEW_CACHE_SECONDS = 60


def cached_statistics_overview(*, user: User, filters: StatsFilters) -> Overview:
    """statistics_overview(), kept for a minute. The figures depend only on the agencies
    whose records the user sees (drafts are never counted) and on the filters, so users of
    the same reach share one copy; the key also holds the summary's refresh time, so a
    refresh shows at once, and the language (labels are translated). A minute is the
    freshness the page promises anyway: the summary it reads is refreshed every minute. What
    the cache saves is the live part, the referral figures, and the summary reads."""
    as_of = RefreshState.objects.values_list("refreshed_at", flat=True).first()
    if OVERVIEW_CACHE_SECONDS <= 0:  # caching switched off (the benchmark's computed page)
        return statistics_overview(user=user, filters=filters, as_of=as_of)
    reach = sorted(access.visible_agency_ids(user))
    fingerprint = repr((reach, filters, get_language(), current_month(), as_of))
    key = "stats:overview:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    overview = cache.get(key)
    if overview is None:
        overview = statistics_overview(user=user, filters=filters, as_of=as_of)
        cache.set(key, overview, OVERVIEW_CACHE_SECONDS)
    return overview


def _resolve_agencies(user: User, agency_id: int | None) -> frozenset[int]:
    visible = access.visible_agency_ids(user)
    if agency_id is None:
        return visible
    # An agency the user may not see gives nothing, never its figures.
    return visible & {agency_id}


def _resolve_period(
    filters: StatsFilters, agency_ids: frozenset[int]
) -> tuple[dt.date, dt.date, bool]:
    """The months to show: as asked, else the last twelve — reaching further back, when the
    user's agencies have no report in those, to the twelve months up to their latest one (an
    office with older records only, or the demo data); recent months are never left out."""
    last = filters.month_to or current_month()
    first = filters.month_from or add_months(last, -(DEFAULT_MONTHS - 1))
    last = max(first, last)
    if filters.month_from is None and filters.month_to is None and agency_ids:
        latest = ReportStat.objects.filter(
            part=Part.OWN,
            dimension=Dimension.TOTAL,
            category=ALL_CATEGORIES,
            agency_id__in=agency_ids,
        ).aggregate(latest=Max("month"))["latest"]
        if latest is not None and latest < first:
            earliest = add_months(last, -(MAX_MONTHS - 1))
            return max(earliest, add_months(latest, -(DEFAULT_MONTHS - 1))), last, True
    return first, last, False


def combo_label(key: str) -> str:
    if not key:
        return _("No category")
    codes = sorted(key.split("+"), key=lambda c: CATEGORY_ORDER.get(c, 99))
    return " + ".join(str(SHORT_CATEGORY.get(c, c)) for c in codes)


def _combos(keys: set[str]) -> list[Combo]:
    def order(key: str) -> tuple[int, list[int]]:
        codes = key.split("+") if key else []
        return (len(codes) or 9, sorted(CATEGORY_ORDER.get(c, 99) for c in codes))

    spare = iter(SPARE_COLOURS * 4)
    result = []
    for key in sorted(keys, key=order):
        colour = COMBO_COLOURS.get(key) or next(spare, "#6c757d")
        result.append(Combo(key=key, label=combo_label(key), colour=colour))
    return result


def _bars(counts: dict[str, list[int]], label: Callable[[str], str]) -> list[Bar]:
    bars = [Bar(key=k, label=label(k), reports=v[0], persons=v[1]) for k, v in counts.items()]
    bars.sort(key=lambda b: (-b.reports, b.label))
    return bars


def _top(bars: list[Bar], n: int) -> list[Bar]:
    if len(bars) <= n + 1:
        return bars
    rest = bars[n:]
    other = Bar(
        key=OTHER,
        label=_("Other countries (%(count)s)") % {"count": len(rest)},
        reports=sum(b.reports for b in rest),
        persons=sum(b.persons for b in rest),
    )
    return [*bars[:n], other]


def _country(code: str) -> str:
    if not code:
        return _("Not recorded")
    return str(countries.name(code)) or code


_UNREAD: Any = object()


def statistics_overview(
    *, user: User, filters: StatsFilters | None = None, as_of: Any = _UNREAD
) -> Overview:
    """Every figure of the statistics page, from what `user` may see. A constant number of
    queries: the period's summary rows, the non-procedural PMI trend, the shared reports,
    region names, referrals (and, for a regency, its villages)."""
    filters = filters or StatsFilters()
    agency_ids = _resolve_agencies(user, filters.agency_id)
    first, last, moved = _resolve_period(filters, agency_ids)
    filters = replace(filters, month_from=first, month_to=last)
    this_month = current_month()
    trend_first = dt.date(reference.TREND_FIRST_YEAR, 1, 1)
    trend_last = max(this_month, dt.date(reference.TREND_FIRST_YEAR, 12, 1))
    category = filters.category

    reach = _reach(user, filters)
    own, shared_total = _report_rows(reach, first, last, category)
    villages = _villages(reach, first, last, category, filters.regency)
    pmi = _pmi(reach, trend_first, trend_last)

    per: dict[str, dict[str, list[int]]] = defaultdict(dict)
    monthly: dict[dt.date, dict[str, int]] = defaultdict(dict)
    month_persons: dict[dt.date, int] = defaultdict(int)
    for (dimension, key, month), (n, p) in own.items():
        if dimension != Dimension.TOTAL:
            per[dimension][key] = [n, p]
        elif month is not None:  # totals always keep their month (_report_rows' bucket)
            monthly[month][key] = monthly[month].get(key, 0) + n
            month_persons[month] += p

    months = []
    for i in range(months_between(first, last)):
        month = add_months(first, i)
        by_combo = monthly.get(month, {})
        months.append(
            MonthRow(
                month=month,
                reports=sum(by_combo.values()),
                persons=month_persons.get(month, 0),
                by_combo=by_combo,
            )
        )

    codes = set(per[Dimension.REGENCY]) | set(villages)
    if filters.regency:
        codes.add(filters.regency)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    sources = dict(Source.choices)

    def region_name(code: str) -> str:
        return names.get(code, code) if code else _("Not recorded")

    by_regency = _bars(per[Dimension.REGENCY], region_name)
    overview = Overview(
        filters=filters,
        agency_ids=agency_ids,
        as_of=RefreshState.objects.values_list("refreshed_at", flat=True).first()
        if as_of is _UNREAD
        else as_of,
        period_moved=moved,
        months=months,
        combos=_combos({k for row in months for k in row.by_combo}),
        reports=sum(m.reports for m in months),
        persons=sum(m.persons for m in months),
        shared_reports=shared_total,
        by_source=_bars(per[Dimension.SOURCE], lambda k: str(sources.get(k, k))),
        by_regency=by_regency,
        by_destination=_top(_bars(per[Dimension.DESTINATION], _country), TOP_DESTINATIONS),
    )
    if filters.regency:
        overview.regency_label = names.get(filters.regency, filters.regency)
        overview.villages = _bars(villages, region_name)
        regency_total = next((b.reports for b in by_regency if b.key == filters.regency), 0)
        overview.villages_unplaced = max(
            0, regency_total - sum(b.reports for b in overview.villages)
        )
    overview.referrals = referral_figures(user=user, filters=filters, agency_ids=agency_ids)
    overview.pmi = _pmi_rows(pmi, trend_first, trend_last)
    return overview


def _pmi_rows(per_month: dict[dt.date, list[int]], first: dt.date, last: dt.date) -> list[PmiRow]:
    this_month = current_month()
    rows = []
    for year in range(first.year, last.year + 1):
        for half in (None, 1, 2):
            months = range(1, 13) if half is None else range(6 * (half - 1) + 1, 6 * half + 1)
            counts = [per_month.get(dt.date(year, m, 1), [0, 0]) for m in months]
            period_last = dt.date(year, months[-1], 1)
            if dt.date(year, months[0], 1) > this_month:
                continue  # not begun yet
            label = (
                str(year)
                if half is None
                else _("%(year)s H%(half)s")
                % {
                    "year": year,
                    "half": half,
                }
            )
            rows.append(
                PmiRow(
                    label=label,
                    year=year,
                    half=half,
                    reports=sum(c[0] for c in counts),
                    persons=sum(c[1] for c in counts),
                    published=reference.published(year, half),
                    ongoing=period_last >= this_month,
                )
            )
    return rows


# --- Referrals -----------------------------------------------------------------------------


def referral_figures(
    *, user: User, filters: StatsFilters, agency_ids: frozenset[int] | None = None
) -> ReferralFigures:
    """Referrals sent in the period by or to the user's agencies (or the chosen one): how
    many in each status, and per receiving agency the median and 90th percentile of the days
    from sent to accepted and from accepted to completed. One query."""
    if agency_ids is None:
        agency_ids = _resolve_agencies(user, filters.agency_id)
    first = filters.month_from or add_months(current_month(), -(DEFAULT_MONTHS - 1))
    last = filters.month_to or current_month()
    qs = counted_referrals(user).filter(
        Q(from_agency_id__in=agency_ids) | Q(to_agency_id__in=agency_ids),
        sent_at__gte=local_midnight(first),
        sent_at__lt=local_midnight(add_months(last, 1)),
    )
    if filters.category:
        qs = qs.filter(report__categories__contains=[filters.category])
    completed = Q(status=ReferralStatus.COMPLETED)
    per_status = {
        f"n_{status}": Count("pk", filter=Q(status=status)) for status in ReferralStatus.values
    }
    rows = (
        qs.values("to_agency_id", "to_agency__short_name")
        .annotate(
            total=Count("pk"),
            **per_status,
            accept_median=Percentile(days_between("sent_at", "accepted_at"), 0.5),
            accept_p90=Percentile(days_between("sent_at", "accepted_at"), 0.9),
            complete_median=Percentile(
                days_between("accepted_at", "closed_at"), 0.5, filter=completed
            ),
            complete_p90=Percentile(
                days_between("accepted_at", "closed_at"), 0.9, filter=completed
            ),
            completed=Count("pk", filter=completed),
            on_time=Count("pk", filter=completed & Q(closed_at__date__lte=F("due_on"))),
        )
        .order_by("to_agency__short_name")
    )
    result = []
    status_totals: dict[str, int] = defaultdict(int)
    for row in rows:
        counts: Mapping[str, Any] = row  # the n_<status> keys are built from the statuses
        by_status = {s: counts[f"n_{s}"] for s in ReferralStatus.values}
        for s, n in by_status.items():
            status_totals[s] += n
        result.append(
            ReferralRow(
                agency_id=row["to_agency_id"],
                agency=row["to_agency__short_name"],
                total=row["total"],
                by_status=by_status,
                accept_median=row["accept_median"],
                accept_p90=row["accept_p90"],
                complete_median=row["complete_median"],
                complete_p90=row["complete_p90"],
                completed=row["completed"],
                completed_on_time=row["on_time"],
            )
        )
    labels = dict(ReferralStatus.choices)
    return ReferralFigures(
        total=sum(r.total for r in result),
        by_status=[
            Bar(key=s, label=str(labels[s]), reports=status_totals.get(s, 0), persons=0)
            for s in ReferralStatus.values
        ],
        rows=result,
    )


# --- The home dashboard --------------------------------------------------------------------


def agency_figures(user: User) -> dict[str, Any]:
    """Headline figures of the user's agencies for the home page (three queries):

    reports_this_month / persons_this_month, reports_this_year / persons_this_year — submitted
    reports of the user's own agencies (not those shared with them) whose indication falls in
    the current month / year; open_referrals_incoming, overdue_referrals_incoming and
    open_referrals_outgoing — referrals not yet completed or declined; as_of — when the
    report figures were last brought up to date."""
    agency_ids = access.visible_agency_ids(user)
    this_month = current_month()
    year_start = this_month.replace(month=1)
    reports = ReportStat.objects.filter(
        part=Part.OWN,
        dimension=Dimension.TOTAL,
        category=ALL_CATEGORIES,
        agency_id__in=agency_ids,
        month__gte=year_start,
        month__lte=this_month,
    ).aggregate(
        year_reports=Sum("reports", default=0),
        year_persons=Sum("persons", default=0),
        month_reports=Sum("reports", default=0, filter=Q(month=this_month)),
        month_persons=Sum("persons", default=0, filter=Q(month=this_month)),
    )
    open_statuses = list(OPEN_REFERRAL_STATUSES)
    today = timezone.localdate()
    referrals = counted_referrals(user).aggregate(
        incoming=Count("pk", filter=Q(to_agency_id__in=agency_ids, status__in=open_statuses)),
        overdue=Count(
            "pk",
            filter=Q(to_agency_id__in=agency_ids, status__in=open_statuses, due_on__lt=today),
        ),
        outgoing=Count("pk", filter=Q(from_agency_id__in=agency_ids, status__in=open_statuses)),
    )
    return {
        "as_of": RefreshState.objects.values_list("refreshed_at", flat=True).first(),
        "reports_this_month": reports["month_reports"],
        "persons_this_month": reports["month_persons"],
        "reports_this_year": reports["year_reports"],
        "persons_this_year": reports["year_persons"],
        "open_referrals_incoming": referrals["incoming"],
        "overdue_referrals_incoming": referrals["overdue"],
        "open_referrals_outgoing": referrals["outgoing"],
    }

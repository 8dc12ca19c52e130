"""Page benchmarks: each scenario a page (or API call) as a seeded user of the right role sees
it, measured in-process against its *floor*, the same rows fetched by one hand-written SQL
query (docs/benchmarks.md). Adding a scenario is adding an entry to `_scenarios()`, or to
OPTIONAL for pages of apps a build may leave out."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import psycopg2
from django.db import connection
from django.db.models import Count
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from psycopg2.extensions import connection as PgConnection

from portal import access
from portal.accounts.models import User
from referrals import search
from referrals.models import Referral, Report, ReportPerson, Share
from referrals.vocabularies import ReferralStatus, ReportStatus, ShareStatus

PAGE = 25

_T = TypeVar("_T")


@dataclass
class Targets:
    """Who and what the scenarios look at: real seeded users and records, chosen so that the
    pages show full pages of data (the busiest agencies)."""

    officer: User
    detail: Report
    search: str
    partner_officer: User
    supervisor: User
    few_rows_query: str  # a report number: a list with one row, to check the query count
    shared_number: str  # the same in the shared list

    @classmethod
    def find(cls) -> Targets:
        users = User.objects.filter(is_active=True, username__startswith="skala-")
        # The officer who wrote most reports in the agency that has most: full pages everywhere.
        agency_id = (
            Report.objects.values_list("agency_id")
            .order_by()
            .annotate(n=Count("pk"))
            .order_by("-n")
        )[0][0]
        author = (
            Report.objects.filter(
                agency_id=agency_id,
                created_by__role=User.Role.OFFICER,
                created_by__username__startswith="skala-",
            )
            .values_list("created_by_id")
            .order_by()
            .annotate(n=Count("pk"))
            .order_by("-n")
        )[0][0]
        officer = users.get(pk=author)
        detail = _found(
            (
                Report.objects.filter(agency_id=officer.agency_id, person_count=3)
                .exclude(status=ReportStatus.DRAFT)
                .filter(pk__in=Share.objects.values("report_id"))
                .order_by("-occurred_at")
                .first()
            )
            or Report.objects.filter(agency_id=officer.agency_id).order_by("-occurred_at").first(),
            "report of the officer",
        )
        victim = (
            ReportPerson.objects.filter(report__agency_id=officer.agency_id)
            .order_by("-report__occurred_at")
            .values_list("full_name", flat=True)
            .first()
            or "siti"
        )
        words = victim.replace(".", "").split()
        search = " ".join([words[0], words[-1][:4]] if len(words) > 1 else words)
        receiving = _found(
            Share.objects.filter(status=ShareStatus.ACTIVE)
            .values_list("agency_id")
            .order_by()
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first(),
            "active share",
        )
        partner_officer = _found(
            users.filter(role=User.Role.OFFICER, agency_id=receiving[0]).first(),
            "officer of the agency shared with most",
        )
        inbox = _found(
            Referral.objects.filter(
                status__in=[
                    ReferralStatus.SENT,
                    ReferralStatus.ACCEPTED,
                    ReferralStatus.IN_PROGRESS,
                ]
            )
            .values_list("to_agency__parent_id", "to_agency_id")
            .order_by()
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first(),
            "open referral",
        )
        supervisor = _found(
            (
                users.filter(role=User.Role.SUPERVISOR, agency_id=inbox[0]).first()
                if inbox[0]
                else None
            )
            or users.filter(role=User.Role.SUPERVISOR, agency_id=inbox[1]).first(),
            "supervisor of the busiest inbox",
        )
        shared_number = (
            Report.objects.filter(
                shares__agency_id=partner_officer.agency_id, shares__status=ShareStatus.ACTIVE
            )
            .values_list("number", flat=True)
            .first()
        )
        return cls(
            shared_number=shared_number or "",
            officer=officer,
            detail=detail,
            search=search,
            partner_officer=partner_officer,
            supervisor=supervisor,
            few_rows_query=detail.number,
        )


def _found(value: _T | None, what: str) -> _T:
    """`value`, which a data set seeded by seed_scale always has."""
    if value is None:
        raise RuntimeError(f"bench: no {what} in the data set (is it seeded?)")
    return value


def _count() -> Count:
    return Count("pk")


# --- Floors: one hand-written query each --------------------------------------------------------

SCOPE = "r.agency_id IN %(agencies)s AND (r.status <> 'draft' OR r.created_by_id = %(user)s)"
LIST_COLUMNS = """
    r.id, r.number, r.occurred_at, r.categories, r.destination_country, r.person_count,
    r.risk_level, r.status, a.short_name, u.full_name, COALESCE(v.name, reg.name) AS place
"""
LIST_JOINS = """
    JOIN accounts_agency a ON a.id = r.agency_id
    JOIN accounts_user u ON u.id = r.created_by_id
    LEFT JOIN regions_region reg ON reg.code = r.region_id
    LEFT JOIN villages_desabinaan d ON d.id = r.desa_id
    LEFT JOIN regions_region v ON v.code = d.village_id
"""


def list_floor(where: str, order: str = "r.occurred_at DESC, r.id DESC") -> str:
    return (
        f"SELECT {LIST_COLUMNS}, (SELECT count(*) FROM referrals_report r WHERE {where}) AS total "  # noqa: S608
        f"FROM referrals_report r {LIST_JOINS} WHERE {where} ORDER BY {order} LIMIT {PAGE}"
    )


API_FLOOR = (
    "SELECT r.id, r.number, json_build_object('id', a.id, 'name', a.name, 'short_name', "  # noqa: S608
    "a.short_name, 'kind', a.kind) AS agency, r.occurred_at, r.source, r.region_id, r.desa_id, "
    "r.destination_country, r.mode, r.risk_level, r.categories, r.status, r.submitted_at, "
    "r.person_count, r.updated_at, "
    f"(SELECT count(*) FROM referrals_report r WHERE {SCOPE}) AS total "
    "FROM referrals_report r JOIN accounts_agency a ON a.id = r.agency_id "
    f"WHERE {SCOPE} ORDER BY r.occurred_at DESC, r.id DESC LIMIT {PAGE}"
)
SHARED = (
    "r.id IN (SELECT report_id FROM referrals_share "
    "WHERE agency_id IN %(agencies)s AND status = 'active')"
)
RISK_ORDER = (  # the expression of referrals.models.RISK_RANK, which an index holds
    "CASE WHEN r.risk_level = 'high' THEN 3 WHEN r.risk_level = 'medium' THEN 2 ELSE 1 END DESC, "
    "r.occurred_at DESC, r.id DESC"
)
DETAIL_FLOOR = f"""
SELECT r.*, a.name AS agency_name, u.full_name AS author, reg.name AS place,
    (SELECT json_agg(p ORDER BY p.position) FROM (
        SELECT id, position, role, full_name, sex, birth_date, age, nik, passport_number, phone,
               nationality, address_region_id, victim_status, perpetrator_roles, nik_warnings
        FROM referrals_reportperson WHERE report_id = r.id) p) AS persons,
    (SELECT json_agg(s) FROM (
        SELECT s.id, s.status, s.shared_at, sa.short_name, g.title
        FROM referrals_share s JOIN accounts_agency sa ON sa.id = s.agency_id
        JOIN agreements_agreement g ON g.id = s.agreement_id WHERE s.report_id = r.id) s) AS shares,
    (SELECT json_agg(f) FROM (
        SELECT f.id, f.requested_action, f.status, f.due_on, ta.short_name
        FROM referrals_referral f JOIN accounts_agency ta ON ta.id = f.to_agency_id
        WHERE f.report_id = r.id) f) AS referrals
FROM referrals_report r
JOIN accounts_agency a ON a.id = r.agency_id
JOIN accounts_user u ON u.id = r.created_by_id
LEFT JOIN regions_region reg ON reg.code = r.region_id
WHERE r.id = %(report)s AND {SCOPE}
"""  # noqa: S608
REFERRAL_FLOOR = f"""
SELECT f.id, r.number, f.requested_action, f.urgency, f.due_on, f.status, f.sent_at,
    fa.short_name, ta.short_name, u.full_name,
    (SELECT count(*) FROM referrals_referral f WHERE f.to_agency_id IN %(agencies)s
        AND f.status IN ('sent', 'accepted', 'in_progress')) AS total
FROM referrals_referral f
JOIN referrals_report r ON r.id = f.report_id
JOIN accounts_agency fa ON fa.id = f.from_agency_id
JOIN accounts_agency ta ON ta.id = f.to_agency_id
LEFT JOIN accounts_user u ON u.id = f.assigned_to_id
WHERE f.to_agency_id IN %(agencies)s AND f.status IN ('sent', 'accepted', 'in_progress')
ORDER BY (f.urgency <> 'urgent'), f.due_on, f.sent_at LIMIT {PAGE}
"""  # noqa: S608


def tsquery(text: str) -> str:
    return " & ".join(f"{w.lower()}:*" for w in text.split())


# --- Scenarios -----------------------------------------------------------------------------


@dataclass
class Scenario:
    key: str
    title: str
    user: Callable[[Targets], User]
    url: Callable[[Targets], str]
    floor_sql: str | None
    floor_params: Callable[[Targets, User], dict] = field(
        default=lambda t, u: {"agencies": tuple(access.visible_agency_ids(u)), "user": u.pk}
    )
    # The same page with (almost) no rows: the query count must not change with the rows.
    few_rows_url: Callable[[Targets], str] | None = None
    kind: str = "list"  # list, detail, search, stats, export: which targets apply
    data: dict | None = None  # POSTed when given (an export button), else GET
    # The statistics page keeps its figures a minute (referrals.stats.selectors): measured
    # computed every time (uncached, what the target is about) and as a repeat view.
    uncached: bool = False


def _scenarios() -> list[Scenario]:
    return [
        # No floor: what a signed-in request costs before its view reads anything (the
        # middleware, the session, the user's one query, a JSON answer). Every page pays it,
        # and it is larger than several floors: "2x the floor" cannot hold for those.
        Scenario(
            "baseline",
            "Signed-in request that reads nothing else (API `me`), officer",
            lambda t: t.officer,
            lambda t: reverse("api:me"),
            None,
            kind="baseline",
        ),
        Scenario(
            "list_html",
            "Report list (HTML), officer",
            lambda t: t.officer,
            lambda t: reverse("referrals:list"),
            list_floor(SCOPE),
            few_rows_url=lambda t: reverse("referrals:list") + f"?q={t.few_rows_query}",
        ),
        Scenario(
            "list_html_risk",
            "Report list sorted by risk (HTML), officer",
            lambda t: t.officer,
            lambda t: reverse("referrals:list") + "?sort=-risk",
            list_floor(SCOPE, RISK_ORDER),
            few_rows_url=lambda t: reverse("referrals:list") + f"?sort=-risk&q={t.few_rows_query}",
        ),
        Scenario(
            "list_api",
            "Report list (API), officer",
            lambda t: t.officer,
            lambda t: reverse("api:report-list"),
            API_FLOOR,
            few_rows_url=lambda t: reverse("api:report-list") + "?page_size=1",
        ),
        Scenario(
            "detail",
            "Report page, officer of its agency",
            lambda t: t.officer,
            lambda t: reverse("referrals:detail", args=[t.detail.pk]),
            DETAIL_FLOOR,
            floor_params=lambda t, u: {
                "agencies": tuple(access.visible_agency_ids(u)),
                "user": u.pk,
                "report": t.detail.pk,
            },
            kind="detail",
        ),
        Scenario(
            "search",
            "Search by a person's name, officer",
            lambda t: t.officer,
            lambda t: reverse("referrals:list") + "?q=" + t.search.replace(" ", "+"),
            # The words and the agency's lexeme, as the page asks (referrals.search).
            # `agency_id + 0` as in selectors.own_reports(searched=True).
            list_floor(
                SCOPE.replace("r.agency_id IN", "r.agency_id + 0 IN")
                + " AND r.search_vector @@ (to_tsquery('simple', %(q)s) && %(scope)s::tsquery)"
            ),
            floor_params=lambda t, u: {
                "agencies": tuple(access.visible_agency_ids(u)),
                "user": u.pk,
                "q": tsquery(t.search),
                "scope": search.any_of(
                    search.agency_lexeme(a) for a in sorted(access.visible_agency_ids(u))
                ),
            },
            kind="search",
        ),
        Scenario(
            "shared",
            "Shared with my agency, partner officer",
            lambda t: t.partner_officer,
            lambda t: reverse("referrals:shared_list"),
            list_floor(SHARED),
            few_rows_url=lambda t: reverse("referrals:shared_list") + f"?q={t.shared_number}",
        ),
        Scenario(
            "referral_queue",
            "Incoming referrals, supervisor",
            lambda t: t.supervisor,
            lambda t: reverse("referrals:referral_queue", args=["incoming"]),
            REFERRAL_FLOOR,
        ),
        *optional_scenarios(),
    ]


def optional_scenarios() -> list[Scenario]:
    """Pages of apps that may not be there yet: the statistics page and the CSV export.
    Each is measured when its URL resolves, and listed as missing otherwise."""
    found = []
    for key, title, name, args, query, data, floor, params in OPTIONAL:
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            continue

        def url(t: Targets, path: str = path, query: Callable[[Targets], str] = query) -> str:
            return path + query(t)

        scenario = Scenario(
            key,
            title,
            lambda t: t.officer,
            url,
            floor,
            floor_params=params,
            kind=key,
            data=data,
        )
        if key == "stats":
            found.append(replace(scenario, uncached=True))
            scenario = replace(
                scenario, key="stats_cached", title=title + ", repeated within the minute"
            )
        found.append(scenario)
    return found


STATS_FLOOR = f"""
SELECT date_trunc('month', r.occurred_at) AS month, c.category, count(*)
FROM referrals_report r, unnest(r.categories) AS c(category)
WHERE {SCOPE} AND r.status <> 'draft'
GROUP BY 1, 2 ORDER BY 1, 2
"""  # noqa: S608
EXPORT_FLOOR = f"""
SELECT r.number, r.occurred_at, r.source, r.region_id, r.destination_country, r.mode,
    r.risk_level, r.categories, r.status, r.person_count, a.short_name
FROM referrals_report r JOIN accounts_agency a ON a.id = r.agency_id
WHERE {SCOPE} ORDER BY r.occurred_at DESC, r.id DESC
"""  # noqa: S608


def _scope_params(t: Targets, u: User) -> dict:
    return {"agencies": tuple(access.visible_agency_ids(u)), "user": u.pk}


def _number_params(t: Targets, u: User) -> dict:
    return {**_scope_params(t, u), "number": t.few_rows_query}


# (key, title, URL name, URL args, query string, POST data, floor SQL, floor parameters).
# The export button posts the list's filters; at most a page of records is answered at once
# (more become a job for the worker): here one report, found by its number.
OPTIONAL = [
    ("stats", "Statistics page, officer", "stats:overview", [], lambda t: "", None, STATS_FLOOR, _scope_params),
    (
        "export_csv", "CSV export of a filtered list (answered at once), officer", "exports:create",
        ["reports"], lambda t: f"?q={t.few_rows_query}", {"format": "csv", "part": "main"},
        EXPORT_FLOOR.replace("ORDER BY", "AND r.number = %(number)s ORDER BY"), _number_params,
    ),
]  # fmt: skip
MISSING = {item[0]: item[2] for item in OPTIONAL}


# --- Measuring -----------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    title: str
    status: int
    queries: int
    few_rows_queries: int | None
    times: list[float]
    floor_times: list[float]
    rows: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 95)

    @property
    def floor(self) -> float:
        return statistics.median(self.floor_times) if self.floor_times else 0.0

    @property
    def ratio(self) -> float:
        return self.median / self.floor if self.floor else 0.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def count_queries(captured: CaptureQueriesContext) -> int:
    """Queries sent, less transaction control (the session's save is BEGIN, UPDATE, COMMIT:
    one query)."""
    return sum(
        1 for q in captured.captured_queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL)
    )


def _get(client: Client, url: str, data: dict[str, Any] | None = None) -> HttpResponseBase:
    if data is not None:
        return client.post(url, data, secure=True, HTTP_ACCEPT_LANGUAGE="id")
    return client.get(url, secure=True, HTTP_ACCEPT_LANGUAGE="id")


def measure(scenario: Scenario, targets: Targets, *, iterations: int, raw: PgConnection) -> Result:
    if scenario.uncached:
        # Imported here: referrals.stats is optional in a build (OPTIONAL above).
        from referrals.stats import selectors as stats_selectors

        kept = stats_selectors.OVERVIEW_CACHE_SECONDS
        stats_selectors.OVERVIEW_CACHE_SECONDS = 0  # 0: computed every time
        try:
            return _measure(scenario, targets, iterations=iterations, raw=raw)
        finally:
            stats_selectors.OVERVIEW_CACHE_SECONDS = kept
    return _measure(scenario, targets, iterations=iterations, raw=raw)


def _measure(scenario: Scenario, targets: Targets, *, iterations: int, raw: PgConnection) -> Result:
    user = scenario.user(targets)
    client = Client()
    client.force_login(user)
    url = scenario.url(targets)
    for _ in range(2):  # warm: templates compiled, caches and connection ready
        response = _get(client, url, scenario.data)
    if response.status_code != 200:
        raise RuntimeError(f"{scenario.key}: {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        _get(client, url, scenario.data)
    queries = count_queries(captured)  # now: the log is a deque shared by later captures
    few = None
    if scenario.few_rows_url is not None:
        with CaptureQueriesContext(connection) as small:
            _get(client, scenario.few_rows_url(targets))
        few = count_queries(small)
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = _get(client, url, scenario.data)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append(time.perf_counter() - started)
    floor_times, rows = [], 0
    if scenario.floor_sql:
        params = scenario.floor_params(targets, user)
        for i in range(iterations + 2):
            started = time.perf_counter()
            with raw.cursor() as cursor:
                cursor.execute(scenario.floor_sql, params)
                fetched = cursor.fetchall()
            json.dumps(fetched, default=str)
            if i >= 2:
                floor_times.append(time.perf_counter() - started)
        rows = len(fetched)
    return Result(
        key=scenario.key,
        title=scenario.title,
        status=response.status_code,
        queries=queries,
        few_rows_queries=few,
        times=times,
        floor_times=floor_times,
        rows=rows,
    )


def raw_connection() -> PgConnection:
    """A psycopg2 connection of its own to the same database, for the floors."""
    conn = psycopg2.connect(**connection.get_connection_params())
    conn.autocommit = True
    return conn


def run(
    *, iterations: int, only: set[str] | None = None, log: Callable[[str], object] = print
) -> tuple[Targets, list[Result]]:
    targets = Targets.find()
    raw = raw_connection()
    results = []
    try:
        for scenario in _scenarios():
            if only and scenario.key not in only:
                continue
            result = measure(scenario, targets, iterations=iterations, raw=raw)
            log(
                f"  {scenario.key}: {result.median * 1000:.1f} ms median, "
                f"{result.queries} queries, floor {result.floor * 1000:.1f} ms"
            )
            results.append(result)
    finally:
        raw.close()
    return targets, results


def missing_scenarios(results: list[Result]) -> list[str]:
    done = {r.key for r in results}
    return [
        f"{key} (URL `{name}` not installed)" for key, name in MISSING.items() if key not in done
    ]


def table(results: list[Result]) -> str:
    lines = [
        "| scenario | queries | queries, ~1 row | median ms | p95 ms | floor ms | ratio | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ok = []
        if r.queries > 10:
            ok.append("> 10 queries")
        if r.few_rows_queries is not None and r.few_rows_queries != r.queries:
            ok.append("queries vary")
        if r.key in ("search", "stats") and r.median > 0.150:
            ok.append("> 150 ms")
        if r.floor and r.key not in ("stats", "export_csv") and r.ratio > 2:
            ok.append("> 2x floor")
        floor, ratio = (f"{r.floor * 1000:.2f}", f"{r.ratio:.1f}x") if r.floor else ("", "")
        lines.append(
            f"| {r.title} | {r.queries} | {'' if r.few_rows_queries is None else r.few_rows_queries} "
            f"| {r.median * 1000:.1f} | {r.p95 * 1000:.1f} | {floor} "
            f"| {ratio} | {', '.join(ok) or ('fixed cost' if r.key == 'baseline' else 'met')} |"
        )
    return "\n".join(lines)

"""Keeping the report summary exact and fresh.

`refresh_report_stats()` recomputes the (agency, month) buckets the triggers on
referrals_report and referrals_share marked dirty — an agency's own reports, and the reports
shared with it for every reach it belongs to (the agency alone, and each agency above it with
the offices below); `refresh_report_stats(full=True)` rebuilds the whole table (nightly, and
after the demo data). When the agency tree changed since the shared rows were computed, the
reaches changed with it and every shared row is recomputed. Both run in one transaction under
an advisory lock, so readers see either the old or the new figures of a bucket, never a
half-written one, and two refreshes never interleave. These are derived figures rewritten by a system job, not a user's action: no audit
row is written (the audit log records who did what, and this would add one every minute).
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from portal.accounts.hierarchy import descendants
from portal.accounts.models import Agency
from referrals.stats import sql
from referrals.stats.models import Part, RefreshState

# pg_advisory_xact_lock id of the refresh (any constant unique in the database).
LOCK_KEY = 73_5700_01


@dataclass(frozen=True)
class RefreshResult:
    full: bool
    buckets: int  # (agency, month) buckets recomputed; 0 for a full rebuild
    rows: int  # summary rows written
    duration_ms: int
    skipped: bool = False  # another refresh held the lock; the dirty buckets wait for the next


@transaction.atomic
def refresh_report_stats(*, full: bool = False) -> RefreshResult:
    """Bring the summary up to date: the dirty buckets, or everything with `full`."""
    started = time.monotonic()
    with connection.cursor() as cur:
        if full:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        else:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if not cur.fetchone()[0]:
                return RefreshResult(full=False, buckets=0, rows=0, duration_ms=0, skipped=True)
        # Take the marks committed so far; marks committed later stay for the next run, and
        # their buckets are recomputed then even if this run already saw the change.
        cur.execute("DELETE FROM stats_dirtybucket RETURNING agency_id, month, shared")
        marks = set(cur.fetchall())
        dirty = sorted((a, m) for a, m, shared in marks if not shared)
        received = sorted((a, m) for a, m, shared in marks if shared)
        reach, digest = _reaches()
        state = RefreshState.objects.filter(pk=1).values_list("hierarchy", flat=True).first()
        rows = 0
        if full:
            cur.execute("DELETE FROM stats_reportstat")
            query, params = sql.aggregate_all()
            cur.execute(f"INSERT INTO stats_reportstat ({sql.COLUMNS}) {query}", params)
            rows = cur.rowcount
        elif dirty:
            cur.execute(
                "DELETE FROM stats_reportstat s USING unnest(%s::int[], %s::date[]) "
                "AS b(agency_id, month) WHERE s.part = 'own' "
                "AND s.agency_id = b.agency_id AND s.month = b.month",
                [[a for a, _m in dirty], [m for _a, m in dirty]],
            )
            query, params = sql.aggregate_buckets(dirty)
            cur.execute(f"INSERT INTO stats_reportstat ({sql.COLUMNS}) {query}", params)
            rows = cur.rowcount
        if full or state != digest:
            # Every reach: the first time, or the agency tree changed under the rows.
            cur.execute("DELETE FROM stats_reportstat WHERE part <> 'own'")
            query, params = sql.aggregate_shared_all(reach)
            cur.execute(f"INSERT INTO stats_reportstat ({sql.COLUMNS}) {query}", params)
            rows += cur.rowcount
        elif received:
            buckets = _reach_buckets(reach, received)
            cur.execute(
                "DELETE FROM stats_reportstat s USING unnest(%s::int[], %s::text[], %s::date[]) "
                "AS b(agency_id, part, month) WHERE s.agency_id = b.agency_id "
                "AND s.part = b.part AND s.month = b.month",
                [
                    [a for a, _p, _m in buckets],
                    [p for _a, p, _m in buckets],
                    [m for *_x, m in buckets],
                ],
            )
            touched = {(a, p) for a, p, _m in buckets}
            query, params = sql.aggregate_shared_buckets(
                {k: v for k, v in reach.items() if k in touched}, buckets
            )
            cur.execute(f"INSERT INTO stats_reportstat ({sql.COLUMNS}) {query}", params)
            rows += cur.rowcount
        if full:
            # Every row is new: the planner's statistics must describe them (a first rebuild
            # of a million reports otherwise leaves the table never analysed, and the pages'
            # reads scan every part and agency of a dimension: 24 ms instead of 6).
            cur.execute("ANALYZE stats_reportstat")
    duration_ms = round((time.monotonic() - started) * 1000)
    now = timezone.now()
    defaults = {
        "refreshed_at": now,
        "last_buckets": 0 if full else len(dirty) + len(received),
        "last_duration_ms": duration_ms,
        "hierarchy": digest,
    }
    if full:
        defaults["rebuilt_at"] = now
    RefreshState.objects.update_or_create(pk=1, defaults=defaults)
    return RefreshResult(
        full=full,
        buckets=0 if full else len(dirty) + len(received),
        rows=rows,
        duration_ms=duration_ms,
    )


def _reaches() -> tuple[sql.Reach, str]:
    """Every reach with its members, as portal.access draws them — an agency alone
    (`Part.SHARED`, an officer's reach, or anyone's narrowed to one agency) and an agency with
    the agencies below it (`Part.SHARED_BELOW`, a supervisor's, for agencies that have some) —
    and a digest of the agency tree they come from."""
    # From the rows, not the cached tree: the digest must describe what this refresh read.
    tree = sorted(Agency.objects.values_list("id", "parent_id"))
    below = descendants(tree)
    reach: sql.Reach = {}
    for agency_id, _parent in tree:
        reach[(agency_id, Part.SHARED)] = {agency_id}
        if below[agency_id]:
            reach[(agency_id, Part.SHARED_BELOW)] = {agency_id} | below[agency_id]
    return reach, hashlib.sha256(repr(tree).encode()).hexdigest()


def _reach_buckets(reach: sql.Reach, received: list) -> list[tuple[int, str, object]]:
    """(agency, part, month) rows to recompute when agencies received or lost shares of
    reports of those months: every reach that has one of them as a member."""
    containing: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for key, members in reach.items():
        for member in members:
            containing[member].append(key)
    return sorted(
        {(agency, part, month) for member, month in received for agency, part in containing[member]}
    )

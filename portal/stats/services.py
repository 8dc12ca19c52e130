"""Keeping the report summary exact and fresh.

`refresh_report_stats()` recomputes the (agency, month) buckets the trigger on referrals_report
marked dirty; `refresh_report_stats(full=True)` rebuilds the whole table (nightly, and after
the demo data). Both run in one transaction under an advisory lock, so readers see either the
old or the new figures of a bucket, never a half-written one, and two refreshes never
interleave. These are derived figures rewritten by a system job, not a user's action: no audit
row is written (the audit log records who did what, and this would add one every minute).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from portal.stats import sql
from portal.stats.models import RefreshState

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
        cur.execute("DELETE FROM stats_dirtybucket RETURNING agency_id, month")
        dirty = sorted(set(cur.fetchall()))
        rows = 0
        if full:
            cur.execute("DELETE FROM stats_reportstat")
            query, params = sql.aggregate_all()
            cur.execute(f"INSERT INTO stats_reportstat ({sql.COLUMNS}) {query}", params)
            rows = cur.rowcount
        elif dirty:
            cur.execute(
                "DELETE FROM stats_reportstat s USING unnest(%s::int[], %s::date[]) "
                "AS b(agency_id, month) WHERE s.agency_id = b.agency_id AND s.month = b.month",
                [[a for a, _m in dirty], [m for _a, m in dirty]],
            )
            query, params = sql.aggregate_buckets(dirty)
            cur.execute(f"INSERT INTO stats_reportstat ({sql.COLUMNS}) {query}", params)
            rows = cur.rowcount
    duration_ms = round((time.monotonic() - started) * 1000)
    now = timezone.now()
    defaults = {
        "refreshed_at": now,
        "last_buckets": 0 if full else len(dirty),
        "last_duration_ms": duration_ms,
    }
    if full:
        defaults["rebuilt_at"] = now
    RefreshState.objects.update_or_create(pk=1, defaults=defaults)
    return RefreshResult(
        full=full, buckets=0 if full else len(dirty), rows=rows, duration_ms=duration_ms
    )

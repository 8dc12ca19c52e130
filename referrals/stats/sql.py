"""The one aggregate query behind every report figure.

It fills the summary table, for the buckets a change touched or for everything: rows of
(agency, part, month, dimension, key, category, reports, persons) over submitted reports (not
drafts), `month` in the portal's time zone, `category` "all" counting each report once. The
reports are an agency's own (`part` "own"), or those shared with a *reach* — an agency alone
("shared") or with the agencies below it ("shared_below") — through an active share to one of
its members, not of a member themselves, each report once per reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

COLUMNS = "agency_id, part, month, dimension, key, category, reports, persons"

# One row per (agency, part, report): what the report contributes.
_REPORT_COLUMNS = """
           date_trunc('month', r.occurred_at AT TIME ZONE %(tz)s)::date AS month,
           ARRAY(SELECT DISTINCT c FROM unnest(r.categories) AS c ORDER BY c)::text[] AS cats,
           r.source,
           COALESCE(left(r.region_id, 5), '') AS regency,
           CASE WHEN length(r.region_id) = 13 THEN r.region_id END AS village,
           r.destination_country AS destination,
           r.person_count
"""

_AGGREGATE = """
WITH {ctes} src AS (
    {src}
), expanded AS (
    SELECT s.*, array_to_string(s.cats, '+') AS combo, c.category
    FROM src s CROSS JOIN LATERAL unnest(s.cats || ARRAY['all']::text[]) AS c(category)
)
SELECT agency_id,
       part,
       month,
       CASE WHEN GROUPING(combo) = 0 THEN 'total'
            WHEN GROUPING(source) = 0 THEN 'source'
            WHEN GROUPING(regency) = 0 THEN 'regency'
            WHEN GROUPING(village) = 0 THEN 'village'
            ELSE 'destination' END,
       COALESCE(combo, source, regency, village, destination),
       category,
       count(*),
       COALESCE(sum(person_count), 0)
FROM expanded
GROUP BY GROUPING SETS (
    (agency_id, part, month, category, combo),
    (agency_id, part, month, category, source),
    (agency_id, part, month, category, regency),
    (agency_id, part, month, category, village),
    (agency_id, part, month, category, destination)
)
HAVING GROUPING(village) = 1 OR village IS NOT NULL
"""

_OWN = f"""
    SELECT r.agency_id, 'own'::text AS part, {_REPORT_COLUMNS}
    FROM referrals_report r
    {{join}}
    WHERE r.status <> 'draft'
"""  # noqa: S608 (no user input: fixed fragments)

# Reports of the given (agency, local month) buckets: a range scan of report_agency_time_idx
# per bucket.
_OWN_BUCKETS = """
    JOIN unnest(%(agencies)s::int[], %(months)s::date[]) AS b(agency_id, month)
      ON r.agency_id = b.agency_id
     AND r.occurred_at >= (b.month::timestamp AT TIME ZONE %(tz)s)
     AND r.occurred_at < ((b.month + interval '1 month')::timestamp AT TIME ZONE %(tz)s)
"""

# reach(agency_id, part, member): the agencies whose active shares count for a reach row.
_REACH = """
reach AS MATERIALIZED (
    SELECT * FROM unnest(%(reach_agencies)s::int[], %(reach_parts)s::text[],
                         %(reach_members)s::int[]) AS m(agency_id, part, member)
),
"""

# Driven by the shares (share_agency index), each report once per reach; with buckets, only
# the reports of the bucket's local month.
_SHARED = f"""
    SELECT DISTINCT ON (m.agency_id, m.part, r.id) m.agency_id, m.part, {_REPORT_COLUMNS}
    FROM reach m
    {{join}}
    JOIN referrals_share sh ON sh.agency_id = m.member AND sh.status = 'active'
    JOIN referrals_report r ON r.id = sh.report_id {{within}}
    WHERE r.status <> 'draft'
      AND NOT EXISTS (
          SELECT 1 FROM reach o
          WHERE o.agency_id = m.agency_id AND o.part = m.part AND o.member = r.agency_id
      )
"""  # noqa: S608

_SHARED_BUCKETS = """
    JOIN unnest(%(agencies)s::int[], %(parts)s::text[], %(months)s::date[])
         AS b(agency_id, part, month)
      ON b.agency_id = m.agency_id AND b.part = m.part
"""
_WITHIN_BUCKET = """
     AND r.occurred_at >= (b.month::timestamp AT TIME ZONE %(tz)s)
     AND r.occurred_at < ((b.month + interval '1 month')::timestamp AT TIME ZONE %(tz)s)
"""


def time_zone() -> str:
    return settings.TIME_ZONE


def aggregate_all() -> tuple[str, dict[str, Any]]:
    """Own figures of every agency."""
    src = _OWN.format(join="")
    return _AGGREGATE.format(ctes="", src=src), {"tz": time_zone()}


def aggregate_buckets(buckets: Sequence[tuple[int, Any]]) -> tuple[str, dict[str, Any]]:
    """Own figures of the given (agency, month) buckets."""
    src = _OWN.format(join=_OWN_BUCKETS)
    return _AGGREGATE.format(ctes="", src=src), {
        "tz": time_zone(),
        "agencies": [a for a, _m in buckets],
        "months": [m for _a, m in buckets],
    }


Reach = dict[tuple[int, str], set[int]]  # (agency, part) -> member agencies


def _reach_params(reach: Reach) -> dict[str, Any]:
    pairs = [(agency, part, member) for (agency, part), ms in reach.items() for member in ms]
    return {
        "tz": time_zone(),
        "reach_agencies": [a for a, _p, _m in pairs],
        "reach_parts": [p for _a, p, _m in pairs],
        "reach_members": [m for _a, _p, m in pairs],
    }


def aggregate_shared_all(reach: Reach) -> tuple[str, dict[str, Any]]:
    """Shared figures of every reach, every month."""
    src = _SHARED.format(join="", within="")
    return _AGGREGATE.format(ctes=_REACH, src=src), _reach_params(reach)


def aggregate_shared_buckets(
    reach: Reach, buckets: Sequence[tuple[int, str, Any]]
) -> tuple[str, dict[str, Any]]:
    """Shared figures of the given (agency, part, month) buckets; `reach` holds their
    members."""
    src = _SHARED.format(join=_SHARED_BUCKETS, within=_WITHIN_BUCKET)
    return _AGGREGATE.format(ctes=_REACH, src=src), {
        **_reach_params(reach),
        "agencies": [a for a, _p, _m in buckets],
        "parts": [p for _a, p, _m in buckets],
        "months": [m for _a, _p, m in buckets],
    }

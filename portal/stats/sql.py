"""The one aggregate query behind every report figure.

It fills the summary table, for the buckets a change touched or for everything: rows of
(agency, month, dimension, key, category, reports, persons) over submitted reports (not
drafts), `month` in the portal's time zone, `category` "all" counting each report once.
selectors._add_shared counts the reports shared with a user the same way, in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

COLUMNS = "agency_id, month, dimension, key, category, reports, persons"

_AGGREGATE = """
WITH src AS (
    SELECT r.agency_id,
           date_trunc('month', r.occurred_at AT TIME ZONE %s)::date AS month,
           ARRAY(SELECT DISTINCT c FROM unnest(r.categories) AS c ORDER BY c)::text[] AS cats,
           r.source,
           COALESCE(left(r.region_id, 5), '') AS regency,
           CASE WHEN length(r.region_id) = 13 THEN r.region_id END AS village,
           r.destination_country AS destination,
           r.person_count
    FROM referrals_report r
    {join}
    WHERE r.status <> 'draft' {where}
), expanded AS (
    SELECT s.*, array_to_string(s.cats, '+') AS combo, c.category
    FROM src s CROSS JOIN LATERAL unnest(s.cats || ARRAY['all']::text[]) AS c(category)
)
SELECT agency_id,
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
    (agency_id, month, category, combo),
    (agency_id, month, category, source),
    (agency_id, month, category, regency),
    (agency_id, month, category, village),
    (agency_id, month, category, destination)
)
HAVING GROUPING(village) = 1 OR village IS NOT NULL
"""

# Reports of the given (agency, local month) buckets: a range scan of report_agency_time_idx
# per bucket.
_BUCKET_JOIN = """
    JOIN unnest(%s::int[], %s::date[]) AS b(agency_id, month)
      ON r.agency_id = b.agency_id
     AND r.occurred_at >= (b.month::timestamp AT TIME ZONE %s)
     AND r.occurred_at < ((b.month + interval '1 month')::timestamp AT TIME ZONE %s)
"""


def time_zone() -> str:
    return settings.TIME_ZONE


def aggregate_all() -> tuple[str, list[Any]]:
    return _AGGREGATE.format(join="", where=""), [time_zone()]


def aggregate_buckets(buckets: Sequence[tuple[int, Any]]) -> tuple[str, list[Any]]:
    tz = time_zone()
    agencies = [a for a, _m in buckets]
    months = [m for _a, m in buckets]
    return _AGGREGATE.format(join=_BUCKET_JOIN, where=""), [tz, agencies, months, tz, tz]

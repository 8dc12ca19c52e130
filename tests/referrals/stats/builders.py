"""Reports for the statistics tests: through the referrals services where the rules matter,
or in bulk (one INSERT, as an import would) for the exactness tests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from portal.accounts.hierarchy import agencies_at_or_below
from portal.accounts.models import Agency
from referrals.models import Report, Share
from referrals.stats.models import ALL_CATEGORIES, ReportStat
from tests.referrals import factories as f

JAKARTA = ZoneInfo("Asia/Jakarta")
_serial = itertools.count(1)


def at(year: int, month: int, day: int = 15, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=JAKARTA)


def submitted(actor, *, persons: int = 1, **fields: Any) -> Report:
    """A submitted report of `actor`'s agency with `persons` potential victims."""
    people = [f.person(full_name=f"Orang {i}") for i in range(persons)]
    # Any category: the officer decides, with a reason when it differs from the suggestion.
    fields.setdefault("category_reason", "Kategori ditetapkan petugas setelah wawancara.")
    return f.submitted(actor, persons=people, **fields)


def bulk_report(actor, **fields: Any) -> Report:
    """An unsaved Report with every column the figures read; save with bulk_create."""
    fields.setdefault("occurred_at", at(2025, 3))
    fields.setdefault("source", "passport_interview")
    fields.setdefault("categories", ["tppo"])
    fields.setdefault("status", "submitted")
    fields.setdefault("submitted_at", timezone.now())  # allowed on drafts, needed after
    return Report(
        agency=actor.agency,
        created_by=actor,
        number=f"IND-36-2099-{next(_serial):06d}",
        **fields,
    )


Figures = dict[tuple[int, str, dt.date, str, str, str], tuple[int, int]]


def _count(counts: dict, agency_id: int, part: str, r: Report) -> None:
    local = timezone.localtime(r.occurred_at)
    month = dt.date(local.year, local.month, 1)
    cats = sorted(set(r.categories))
    keys = {
        "total": "+".join(cats),
        "source": r.source,
        "regency": (r.region_id or "")[:5],
        "destination": str(r.destination_country or ""),
    }
    if r.region_id and len(r.region_id) == 13:
        keys["village"] = r.region_id
    for category in [*cats, ALL_CATEGORIES]:
        for dimension, key in keys.items():
            slot = counts[(agency_id, part, month, dimension, key, category)]
            slot[0] += 1
            slot[1] += r.person_count


def brute_force() -> Figures:
    """What the summary must hold, counted one report at a time in Python: every agency's own
    reports, and for every reach (an agency alone; an agency with the agencies below it, as
    portal.access gives a supervisor) the reports actively shared with one of its members and
    not of one of them, each once."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in Report.objects.exclude(status="draft"):
        _count(counts, r.agency_id, "own", r)
    for agency in Agency.objects.all():
        reaches = [("shared", {agency.pk})]
        below = agencies_at_or_below({agency.pk})
        if len(below) > 1:
            reaches.append(("shared_below", below))
        for part, members in reaches:
            shared = (
                Report.objects.exclude(status="draft")
                .exclude(agency_id__in=members)
                .filter(
                    pk__in=Share.objects.filter(agency_id__in=members, status="active").values(
                        "report_id"
                    )
                )
            )
            for r in shared:
                _count(counts, agency.pk, part, r)
    return {k: (v[0], v[1]) for k, v in counts.items()}


def summary() -> Figures:
    return {
        (s.agency_id, s.part, s.month, s.dimension, s.key, s.category): (s.reports, s.persons)
        for s in ReportStat.objects.all()
    }

"""Summary tables behind the statistics pages.

`ReportStat` holds, per agency and calendar month (in the portal's time zone), the number of
submitted indication reports and of persons in them, broken down by one dimension at a time:
the agency's own reports (`Part.OWN`), and the reports partners shared with it (`Part.SHARED`)
or with it and the offices below it (`Part.SHARED_BELOW`, what a supervisor of a Kanwil or a
Polda sees), each shared report counted once however many of those offices received it.
PostgreSQL triggers on referrals_report and referrals_share (migrations 0002 and 0004) write
the buckets a change touches into `DirtyBucket`; `services.refresh_report_stats` recomputes
those buckets from the reports and shares, exactly, every minute (Celery beat), and rebuilds
everything nightly.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Left, Now
from django.utils.translation import gettext_lazy as _

ALL_CATEGORIES = "all"


class Dimension(models.TextChoices):
    # key: the sorted category codes of the report joined by "+" ("tppm+tppo"), so that the
    # combinations add up to the number of reports; "" for a report without a category.
    TOTAL = "total", _("Category combination")
    SOURCE = "source", _("Source")
    REGENCY = "regency", _("Regency/city")  # key: "36.71" (the first two parts of the code)
    VILLAGE = "village", _("Village")  # key: "36.71.01.1001"; only reports placed in a village
    DESTINATION = "destination", _("Destination country")  # key: ISO code, "" not recorded


class Part(models.TextChoices):
    """Which reports a row counts, for its agency."""

    OWN = "own", _("Reports of the agency")
    # Reports with an active share to the agency, not its own.
    SHARED = "shared", _("Reports shared with the agency")
    # Reports with an active share to the agency or an agency below it (at any depth), not
    # of one of them: the reach of a supervisor of the agency (portal.access).
    SHARED_BELOW = "shared_below", _("Reports shared with the agency or the offices below")


SHARED_PARTS = (Part.SHARED, Part.SHARED_BELOW)


class ReportStat(models.Model):
    """Submitted reports (not drafts) of `part` for one agency in one month with `key` in
    `dimension`.

    `category` is a report category code, or "all": a report with two categories counts once
    under each of them and once under "all", so totals are never double-counted. Own rows of
    several agencies add up (a report has one agency); shared rows do not (a report may be
    shared with several), which is why a supervisor's reach has rows of its own."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    part = models.CharField(max_length=12, choices=Part.choices, default=Part.OWN)
    month = models.DateField()  # first day of the month
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=20)
    reports = models.PositiveIntegerField()
    persons = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the index of the pages' reads: one dimension and category, some agencies,
            # a range of months.
            models.UniqueConstraint(
                fields=["dimension", "category", "part", "agency", "month", "key"],
                name="reportstat_bucket_key_once",
            ),
            models.CheckConstraint(
                condition=models.Q(dimension__in=Dimension.values), name="reportstat_dimension"
            ),
            models.CheckConstraint(
                condition=models.Q(part__in=Part.values), name="reportstat_part"
            ),
        ]
        indexes = [
            # The refresh deletes and rewrites whole (agency, month) buckets.
            models.Index(fields=["agency", "month"], name="reportstat_bucket_idx"),
            # The villages of one regency (the drill-down), without reading the others.
            models.Index(
                Left("key", 5),
                F("category"),
                F("part"),
                F("agency"),
                F("month"),
                condition=Q(dimension=Dimension.VILLAGE),
                name="reportstat_village_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.agency_id} {self.part} {self.month:%Y-%m} {self.dimension}={self.key} "
            f"[{self.category}]"
        )


class DirtyBucket(models.Model):
    """An (agency, month) whose figures a change to referrals_report or referrals_share may
    have altered: the agency's own reports, or with `shared` the reports shared with it (the
    refresh then also recomputes the reach of every agency above it).

    Append-only, written by the trigger (one row per bucket and statement), consumed by the
    refresh with DELETE … RETURNING. No unique key on purpose: a writer never waits for the
    refresh or for another writer, and a row committed after the refresh took its rows is
    simply taken by the next one. The trigger does not know the portal's time zone, so it marks
    the UTC months of the time ±14 hours (one or two buckets, always including the right one).
    """

    agency_id = models.IntegerField()
    month = models.DateField()
    shared = models.BooleanField(db_default=False)
    marked_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"


class RefreshState(models.Model):
    """One row: when the figures were last brought up to date."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    last_buckets = models.PositiveIntegerField(default=0)
    last_duration_ms = models.PositiveIntegerField(default=0)
    # The agency tree the shared rows were computed for (a digest); when agencies move, the
    # supervisors' reaches change and the refresh recomputes every shared row.
    hierarchy = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="refreshstate_one")]

    def __str__(self) -> str:
        return f"figures as of {self.refreshed_at}"

"""Summary tables behind the statistics pages.

`ReportStat` holds, per reporting agency and calendar month (in the portal's time zone), the
number of submitted indication reports and of persons in them, broken down by one dimension
at a time. A PostgreSQL trigger on referrals_report (migration 0002) writes the (agency, month)
buckets a change touches into `DirtyBucket`; `services.refresh_report_stats` recomputes those
buckets from the reports, exactly, every minute (Celery beat), and rebuilds everything nightly.
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


class ReportStat(models.Model):
    """Submitted reports (not drafts) of one agency in one month with `key` in `dimension`.

    `category` is a report category code, or "all": a report with two categories counts once
    under each of them and once under "all", so totals are never double-counted."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
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
                fields=["dimension", "category", "agency", "month", "key"],
                name="reportstat_bucket_key_once",
            ),
            models.CheckConstraint(
                condition=models.Q(dimension__in=Dimension.values), name="reportstat_dimension"
            ),
        ]
        indexes = [
            # The refresh deletes and rewrites whole (agency, month) buckets.
            models.Index(fields=["agency", "month"], name="reportstat_bucket_idx"),
            # The villages of one regency (the drill-down), without reading the others.
            models.Index(
                Left("key", 5),
                F("category"),
                F("agency"),
                F("month"),
                condition=Q(dimension=Dimension.VILLAGE),
                name="reportstat_village_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m} {self.dimension}={self.key} [{self.category}]"


class DirtyBucket(models.Model):
    """An (agency, month) whose figures a change to referrals_report may have altered.

    Append-only, written by the trigger (one row per bucket and statement), consumed by the
    refresh with DELETE … RETURNING. No unique key on purpose: a writer never waits for the
    refresh or for another writer, and a row committed after the refresh took its rows is
    simply taken by the next one. The trigger does not know the portal's time zone, so it marks
    the UTC months of the time ±14 hours (one or two buckets, always including the right one).
    """

    agency_id = models.IntegerField()
    month = models.DateField()
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

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="refreshstate_one")]

    def __str__(self) -> str:
        return f"figures as of {self.refreshed_at}"

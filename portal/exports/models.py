"""Export jobs: a filtered list written to a CSV or XLSX file in the background, for the user
who asked, kept for a week under MEDIA_ROOT (never served directly)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Dataset(models.TextChoices):
    REPORTS = "reports", _("My agency's reports")
    SHARED = "shared", _("Reports shared with my agency")
    REFERRALS = "referrals", _("Referrals")
    VILLAGES = "villages", _("Desa Binaan")
    ACTIVITIES = "activities", _("Activities")
    HTCDS = "htcds", _("Anonymised case data (HTCDS 2.0)")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class ExportError(models.TextChoices):
    """Why a job failed, shown to its owner in their language."""

    INVALID_FILTERS = "invalid_filters", _("The filters are no longer valid.")
    INTERNAL = "internal", _("The file could not be written.")


def export_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.owner_id}/{uuid.uuid4().hex}.{instance.format}"


class ExportJob(models.Model):
    """One export bigger than a page. The filters are kept as the list page received them and
    parsed again when the job runs, with the owner's access at that moment."""

    Status = ExportStatus
    Format = ExportFormat
    Error = ExportError

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("owner"),
    )
    # The owner's agency and role when asking: a download needs them unchanged.
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=20)
    language = models.CharField(_("language"), max_length=10, default="id")
    dataset = models.CharField(_("data"), max_length=20, choices=Dataset.choices)
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("records done"), default=0)
    total = models.PositiveIntegerField(_("records"), default=0)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    identifiers_revealed = models.PositiveIntegerField(_("identifiers revealed"), default=0)
    file = models.FileField(upload_to=export_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.CharField(_("error"), max_length=20, choices=ExportError.choices, blank=True)
    error_detail = models.TextField(_("error details"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Touched at every progress step: a running job that stops being touched has lost its worker.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="export_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="export_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(dataset__in=Dataset.values), name="export_dataset_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.DONE) | ~Q(file=""), name="export_done_has_file"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_owner_time_idx"),
            models.Index(fields=["status", "updated_at"], name="export_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_dataset_display()} ({self.format}, {self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("exports:detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

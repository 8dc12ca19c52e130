"""Writing exports. A list of at most one page is written at once and sent back; a bigger one
becomes an ExportJob that a Celery worker writes in chunks, updating its progress. Both run the
list's selector with the access the user has *when the file is written*, and both leave one
audit entry (EXPORT_CREATED) saying what was exported, with which filters, how many rows, and
how many identifiers were written in full."""

from __future__ import annotations

import datetime as dt
import io
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation

from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.core.pagination import PAGE_SIZE
from portal.exports.datasets import Dataset, ExportRun, chunks
from portal.exports.models import CONTENT_TYPES, ExportError, ExportJob, ExportStatus
from portal.exports.registry import get_dataset
from portal.exports.selectors import may_export
from portal.exports.writers import WRITERS

if TYPE_CHECKING:
    from portal.accounts.models import User

logger = logging.getLogger(__name__)

# An export bigger than the list's page runs as a job.
INLINE_LIMIT = PAGE_SIZE
EXPORT_LIFETIME = dt.timedelta(days=7)
# A running job whose progress has not moved for this long lost its worker: run it again.
STALE_AFTER = dt.timedelta(minutes=10)
# A queued job still waiting after this long missed its message (broker down): queue it again.
REQUEUE_AFTER = dt.timedelta(minutes=5)
# At most this many report ids are named in an audit entry of revealed identifiers.
AUDIT_ID_LIMIT = 1000
# Queued by name: portal.exports.tasks calls this module, so this module does not import it
# (ExportsConfig.ready() registers the tasks in every process).
RUN_EXPORT_TASK = "portal.exports.tasks.run_export"


@dataclass(frozen=True)
class ExportOptions:
    fmt: str
    identifiers: bool = False
    part: str = "main"

    def as_json(self) -> dict[str, bool | str]:
        return {"identifiers": self.identifiers, "part": self.part}


@dataclass
class WriteResult:
    records: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    revealed: int = 0
    revealed_records: list[int] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class InlineExport:
    content: bytes
    filename: str
    content_type: str
    result: WriteResult


def export_filename(dataset: str, options: ExportOptions, when: dt.datetime) -> str:
    part = f"-{options.part}" if options.fmt == "csv" and options.part != "main" else ""
    stamp = timezone.localtime(when).strftime("%Y%m%d-%H%M")
    return f"sinergi-{dataset}{part}-{stamp}.{options.fmt}"


def export_write(
    *,
    dataset: Dataset,
    user: User,
    params: dict[str, list[str]],
    options: ExportOptions,
    fh: IO[bytes],
    progress: Callable[[int, int], None] | None = None,
) -> WriteResult:
    """Write the filtered list to `fh`, chunk by chunk. ValidationError when a filter is
    invalid (for this user, now)."""
    queryset = dataset.queryset(user, params)
    sheets = dataset.sheets_for(options.fmt, options.part)
    run = ExportRun(user=user, identifiers=options.identifiers and dataset.identifiers)
    total = queryset.count()
    result = WriteResult(rows={sheet.key: 0 for sheet in sheets})
    writer = WRITERS[options.fmt](fh, sheets)
    done = 0
    if progress:
        progress(0, total)
    for chunk in chunks(queryset):
        for sheet in sheets:
            result.rows[sheet.key] += writer.write(sheet, sheet.rows(run, chunk))
        done += len(chunk)
        if progress:
            progress(done, max(total, done))
    writer.close()
    result.records = done
    result.revealed = run.revealed
    result.revealed_records = sorted(run.revealed_records)
    return result


def _audit_created(
    *,
    actor: User,
    dataset: Dataset,
    params: dict[str, list[str]],
    options: ExportOptions,
    result: WriteResult,
    request: HttpRequest | None = None,
    job: ExportJob | None = None,
) -> AuditEntry:
    data = {
        "dataset": dataset.name,
        "format": options.fmt,
        "part": options.part,
        "filters": params,
        "records": result.records,
        "rows": result.rows,
        "identifiers_requested": options.identifiers,
        "identifiers_revealed": result.revealed,
    }
    if result.revealed_records:
        data["identifiers_of"] = result.revealed_records[:AUDIT_ID_LIMIT]
        data["identifiers_of_count"] = len(result.revealed_records)
    if job is not None:
        data["job"] = job.pk
    return audit_record(
        action=AuditEntry.Action.EXPORT_CREATED,
        actor=actor,
        request=request,
        target=job,
        agency=actor.agency,
        data=data,
    )


@transaction.atomic
def export_inline(
    *,
    actor: User,
    dataset: Dataset,
    params: dict[str, list[str]],
    options: ExportOptions,
    request: HttpRequest | None = None,
) -> InlineExport:
    """A small export, written in memory and returned at once; audited."""
    buffer = io.BytesIO()
    result = export_write(dataset=dataset, user=actor, params=params, options=options, fh=buffer)
    _audit_created(
        actor=actor,
        dataset=dataset,
        params=params,
        options=options,
        result=result,
        request=request,
    )
    return InlineExport(
        content=buffer.getvalue(),
        filename=export_filename(dataset.name, options, timezone.now()),
        content_type=CONTENT_TYPES[options.fmt],
        result=result,
    )


def _enqueue(job_id: int) -> None:
    """Hand the job to a worker. If the broker is down the job stays queued and the periodic
    housekeeping queues it again."""
    run_export = current_app.tasks[RUN_EXPORT_TASK]  # outside the try: a wrong name is a bug
    try:
        run_export.delay(job_id)
    except Exception:  # the broker's errors vary with the transport
        logger.warning("export job %s could not be queued; housekeeping will retry", job_id)


@transaction.atomic
def export_job_create(
    *,
    actor: User,
    dataset: Dataset,
    params: dict[str, list[str]],
    options: ExportOptions,
    total: int = 0,
) -> ExportJob:
    """An export job for the actor, queued once the transaction commits."""
    job = ExportJob(
        owner=actor,
        agency_id=actor.agency_id,
        role=actor.role,
        language=translation.get_language() or "id",
        dataset=dataset.name,
        format=options.fmt,
        params=params,
        options=options.as_json(),
        total=total,
        expires_at=timezone.now() + EXPORT_LIFETIME,
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


def export_start(
    *,
    actor: User,
    dataset: Dataset,
    params: dict[str, list[str]],
    options: ExportOptions,
    request: HttpRequest | None = None,
) -> InlineExport | ExportJob:
    """At most one page of records: the file now. More: a job. ValidationError for invalid
    filters, before anything is written or queued; PermissionDenied for a list of case files
    asked by a role that reads none."""
    if not may_export(actor, dataset):
        raise PermissionDenied
    total = dataset.queryset(actor, params).count()
    if total <= INLINE_LIMIT:
        return export_inline(
            actor=actor, dataset=dataset, params=params, options=options, request=request
        )
    return export_job_create(
        actor=actor, dataset=dataset, params=params, options=options, total=total
    )


def _claim(job_id: int) -> bool:
    """Mark the job running, unless another worker has it (a redelivered message, a second
    queueing). A running job nobody has touched for STALE_AFTER is taken over."""
    now = timezone.now()
    return bool(
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ExportStatus.QUEUED)
            | Q(status=ExportStatus.RUNNING, updated_at__lt=now - STALE_AFTER)
        )
        .update(status=ExportStatus.RUNNING, started_at=now, done=0, updated_at=now)
    )


def _fail(job: ExportJob, error: str, detail: str = "") -> ExportJob:
    job.status = ExportStatus.FAILED
    job.error = error
    job.error_detail = detail[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "error_detail", "finished_at", "updated_at"])
    return job


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write a queued job's file, updating its progress after every chunk, with the owner's
    access now (not when they asked). Invalid filters (a Desa Binaan the owner no longer sees)
    fail the job with a message; so does any other error, logged. None when the job is gone
    or already taken."""
    if not _claim(job_id):
        return None
    job = ExportJob.objects.select_related("owner__agency").get(pk=job_id)
    dataset = get_dataset(job.dataset)
    if dataset is None:  # a dataset no app registers any more
        return _fail(job, ExportError.INTERNAL)
    options = ExportOptions(
        fmt=job.format,
        identifiers=bool(job.options.get("identifiers")),
        part=job.options.get("part", "main"),
    )

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(
            done=done, total=total, updated_at=timezone.now()
        )

    with translation.override(job.language), tempfile.TemporaryFile() as fh:
        try:
            result = export_write(
                dataset=dataset,
                user=job.owner,
                params=job.params,
                options=options,
                fh=fh,
                progress=progress,
            )
        except ValidationError as exc:
            return _fail(job, ExportError.INVALID_FILTERS, _describe(exc))
        except Exception:
            logger.exception("export job %s failed", job.pk)
            return _fail(job, ExportError.INTERNAL)
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
        fh.seek(0)
        with transaction.atomic():
            job.file.save("export", File(fh), save=False)
            job.status = ExportStatus.DONE
            job.filename = export_filename(job.dataset, options, job.created_at)
            job.size = size
            job.done = result.records
            job.total = result.records
            job.rows = result.total_rows
            job.identifiers_revealed = result.revealed
            job.finished_at = timezone.now()
            job.save()
            _audit_created(
                actor=job.owner,
                dataset=dataset,
                params=job.params,
                options=options,
                result=result,
                job=job,
            )
    return job


@transaction.atomic
def export_download_record(
    *, actor: User, job: ExportJob, request: HttpRequest | None = None
) -> AuditEntry:
    return audit_record(
        action=AuditEntry.Action.EXPORT_DOWNLOADED,
        actor=actor,
        request=request,
        target=job,
        agency=actor.agency,
        data={
            "dataset": job.dataset,
            "format": job.format,
            "rows": job.rows,
            "identifiers_revealed": job.identifiers_revealed,
        },
    )


def exports_housekeeping(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run by beat: delete the files of jobs past their expiry (the job row stays, marked
    expired), and queue again the jobs a broker outage or a lost worker left behind."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportStatus.EXPIRED):
        if job.file:
            job.file.delete(save=False)
        job.status = ExportStatus.EXPIRED
        job.save(update_fields=["file", "status", "updated_at"])
        expired += 1
    stuck = list(
        ExportJob.objects.filter(expires_at__gt=now)
        .filter(
            Q(status=ExportStatus.QUEUED, updated_at__lt=now - REQUEUE_AFTER)
            | Q(status=ExportStatus.RUNNING, updated_at__lt=now - STALE_AFTER)
        )
        .values_list("pk", flat=True)[:100]
    )
    for pk in stuck:
        _enqueue(pk)
    return {"expired": expired, "requeued": len(stuck)}

"""Reads of export jobs: a job is its owner's alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from portal import access
from portal.exports.datasets import Dataset
from portal.exports.models import ExportJob, ExportStatus
from portal.exports.registry import get_dataset

if TYPE_CHECKING:
    from portal.accounts.models import User


def own_jobs(user: User) -> QuerySet[ExportJob]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner_id=user.pk)


def get_job_for(user: User, pk: int) -> ExportJob:
    """The job `pk` if `user` owns it; Http404 alike when missing or someone else's."""
    job = own_jobs(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def access_changed(user: User, job: ExportJob) -> bool:
    """Has the owner moved to another agency or role since asking? The file was written with
    the access they had then, so it is no longer theirs to take."""
    return job.agency_id != user.agency_id or job.role != user.role


def may_export(user: User, dataset: Dataset | None) -> bool:
    """Lists of case files (reports, shares, referrals, case data) are exported only by a
    role that reads case files: never by a system admin."""
    return dataset is not None and (not dataset.case_files or access.reads_case_files(user))


def may_download(user: User, job: ExportJob) -> bool:
    return (
        may_export(user, get_dataset(job.dataset))
        and job.owner_id == user.pk
        and job.status == ExportStatus.DONE
        and bool(job.file)
        and job.expires_at > timezone.now()
        and not access_changed(user, job)
    )

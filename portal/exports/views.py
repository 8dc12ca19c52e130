"""Export pages: make an export from a list page's filters, follow a job, download its file."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.core.http import AuthenticatedHttpRequest
from portal.core.pagination import paginate
from portal.core.uploads import guarded_file_response
from portal.exports import selectors, services
from portal.exports.datasets import filter_params
from portal.exports.forms import ExportOptionsForm
from portal.exports.models import ExportJob, ExportStatus
from portal.exports.registry import get_dataset


@login_required
@require_POST
def export_create(request: AuthenticatedHttpRequest, dataset: str) -> HttpResponse:
    """The buttons of a list page post here, with the list's query string: the file at once
    for one page of records, a job page otherwise."""
    source = get_dataset(dataset)
    if source is None:
        raise Http404
    params = filter_params(request.GET)
    form = ExportOptionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The export was not made: choose CSV or XLSX."))
        return redirect(source.list_url(params))
    options = services.ExportOptions(
        fmt=form.cleaned_data["format"],
        identifiers=form.cleaned_data["identifiers"] and source.identifiers,
        part=form.cleaned_data["part"] if form.cleaned_data["part"] in source.parts else "main",
    )
    try:
        outcome = services.export_start(
            actor=request.user, dataset=source, params=params, options=options, request=request
        )
    except ValidationError:
        # The list page, given the same filters, shows what is wrong next to each field.
        messages.error(request, _("The export was not made: please correct the filters."))
        return redirect(source.list_url(params))
    if isinstance(outcome, services.InlineExport):
        response = HttpResponse(outcome.content, content_type=outcome.content_type)
        response["Content-Disposition"] = content_disposition_header(True, outcome.filename)
        response["Cache-Control"] = "no-store"
        return response
    messages.info(
        request, _("The export is being written. This page shows its progress and its file.")
    )
    return redirect(outcome)


@login_required
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.own_jobs(request.user))
    return render(request, "exports/job_list.html", {"page": page})


def _progress_text(job: ExportJob) -> str:
    return _("%(done)s of %(total)s records") % {"done": job.done, "total": job.total}


@never_cache
@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.get_job_for(request.user, pk)
    dataset = get_dataset(job.dataset)
    return render(
        request,
        "exports/job_detail.html",
        {
            "job": job,
            "list_url": dataset.list_url(job.params) if dataset else "",
            "progress_text": _progress_text(job),
            "may_download": selectors.may_download(request.user, job),
            "access_changed": selectors.access_changed(request.user, job),
        },
    )


@never_cache
@login_required
def job_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """What the job page's script polls."""
    job = selectors.get_job_for(request.user, pk)
    may_download = selectors.may_download(request.user, job)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "progress_text": _progress_text(job),
            "finished": job.is_finished,
            "download_url": reverse("exports:download", args=[job.pk]) if may_download else "",
            "error": job.get_error_display() if job.status == ExportStatus.FAILED else "",
        }
    )


@never_cache
@login_required
def job_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The file, for its owner only, while it is kept and their access is unchanged; audited."""
    job = selectors.get_job_for(request.user, pk)
    if not selectors.may_download(request.user, job):
        raise Http404
    return guarded_file_response(
        request,
        job.file,
        filename=job.filename,
        content_type=job.content_type,
        audit=partial(services.export_download_record, job=job),
    )

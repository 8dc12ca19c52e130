"""Exports bigger than a page: a job, written by a Celery task in chunks with progress, the
file kept privately for its owner for a week; failures explained; expired files deleted."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.celery import app
from portal.exports import datasets, services, tasks
from portal.exports.models import ExportJob
from portal.exports.registry import get_dataset
from referrals import services as report_services
from referrals.models import Share
from tests.exports.builders import many_reports
from tests.exports.helpers import content, export, first_sheet, read_csv, sheet
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db

NUMBER = get_dataset("reports").sheets()[0].keys.index("number")
NIK = get_dataset("reports").sheets()[1].keys.index("nik")


@pytest.fixture
def queued(monkeypatch):
    """Jobs handed to the broker, by id (no worker in these tests)."""
    sent = []
    monkeypatch.setattr(tasks.run_export, "delay", lambda job_id: sent.append(job_id))
    return sent


@pytest.fixture
def thirty(officer):
    return many_reports(officer, 30)


def make_job(client, officer, django_capture_on_commit_callbacks, **data):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "reports", **data)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("exports:detail", args=[job.pk])
    return job


def test_one_page_is_sent_at_once_and_more_becomes_a_job(
    client, officer, django_capture_on_commit_callbacks, queued
):
    reports = many_reports(officer, 25)
    client.force_login(officer)
    response = export(client, "reports")
    assert response.status_code == 200
    assert len(read_csv(content(response))) == 26
    assert not ExportJob.objects.exists()

    many_reports(officer, 1)
    job = make_job(client, officer, django_capture_on_commit_callbacks, format="xlsx")
    assert queued == [job.pk]
    assert job.status == ExportJob.Status.QUEUED
    assert (job.owner, job.dataset, job.format, job.total) == (officer, "reports", "xlsx", 26)
    assert abs(job.expires_at - job.created_at - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    assert len(reports) == 25


def test_job_keeps_the_filters_and_the_task_writes_the_file(
    client, officer, thirty, django_capture_on_commit_callbacks, queued
):
    f.submitted(officer, source="hotline")  # filtered out
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        export(
            client, "reports", "source=passport_interview&page=2", format="xlsx", identifiers="1"
        )
    job = ExportJob.objects.get()
    assert job.params == {"source": ["passport_interview"]}
    assert job.options == {"identifiers": True, "part": "main"}

    tasks.run_export(job.pk)  # what the worker runs

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert (job.done, job.total, job.rows) == (30, 30, 60)  # 30 reports + 30 persons
    assert job.identifiers_revealed == 29 * 3  # the cloned persons carry three identifiers each
    assert Path(job.file.path).is_file()
    assert job.file.name.startswith(f"exports/{officer.pk}/")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT_CREATED)
    assert entry.target_id == str(job.pk)
    assert entry.data["job"] == job.pk
    assert entry.data["records"] == 30
    assert entry.data["identifiers_revealed"] == 87
    assert entry.data["filters"] == {"source": ["passport_interview"]}

    page = client.get(reverse("exports:detail", args=[job.pk]))
    assert b'id="export-download"' in page.content
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    data = content(response)
    assert {row[NUMBER] for row in first_sheet(data)[1:]} == {r.number for r in thirty}
    assert {row[NIK] for row in sheet(data, 1)[1:] if row[NIK]} == {f.NIK_FEMALE}
    downloaded = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT_DOWNLOADED)
    assert downloaded.actor == officer
    assert downloaded.target_id == str(job.pk)


def test_progress_moves_chunk_by_chunk(officer, thirty, monkeypatch):
    monkeypatch.setattr(datasets, "CHUNK", 10)
    seen = []
    job = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
        total=30,
    )
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 30, 30)

    def progress(done, total):
        seen.append((done, total))

    with open("/dev/null", "wb") as sink:
        services.export_write(
            dataset=get_dataset("reports"),
            user=officer,
            params={},
            options=services.ExportOptions(fmt="csv"),
            fh=sink,
            progress=progress,
        )
    assert seen == [(0, 30), (10, 30), (20, 30), (30, 30)]


def test_status_endpoint_reports_progress_to_the_owner_only(client, officer, colleague):
    job = ExportJob.objects.create(
        owner=officer,
        agency=officer.agency,
        role=officer.role,
        dataset="reports",
        format="csv",
        status=ExportJob.Status.RUNNING,
        done=10,
        total=30,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    client.force_login(officer)
    data = client.get(reverse("exports:status", args=[job.pk])).json()
    assert data["status"] == "running"
    assert (data["done"], data["total"], data["percent"]) == (10, 30, 33)
    assert data["finished"] is False
    assert data["download_url"] == ""
    page = client.get(reverse("exports:detail", args=[job.pk]))
    assert b'id="export-progress"' in page.content
    assert b'data-percent="33"' in page.content
    assert b'id="export-refresh"' in page.content  # without JavaScript
    assert b"exports/js/export-progress.js" in page.content
    assert b"style=" not in page.content

    client.force_login(colleague)
    for name in ("detail", "status", "download"):
        assert client.get(reverse(f"exports:{name}", args=[job.pk])).status_code == 404


def test_only_the_owner_downloads(client, officer, colleague, kanim_supervisor, thirty, queued):
    job = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
    )
    services.export_job_run(job_id=job.pk)
    for other in (colleague, kanim_supervisor):
        client.force_login(other)
        assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT_DOWNLOADED).exists()
    client.force_login(officer)
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(read_csv(content(response))) == 31


def test_the_task_uses_the_access_the_owner_has_when_it_runs(
    client, pks, officer, bp3mi, bp3mi_officer, queued
):
    reports = many_reports(officer, 30)
    for report in reports:
        report_services.report_share(actor=officer, report=report, agencies=[bp3mi])
    job = services.export_job_create(
        actor=bp3mi_officer,
        dataset=get_dataset("shared"),
        params={},
        options=services.ExportOptions(fmt="csv"),
        total=30,
    )
    # Before the worker gets to it, ten shares are withdrawn.
    withdrawn = reports[:10]
    Share.objects.filter(report__in=withdrawn).update(status=Share.Status.REFUSED)
    services.export_job_run(job_id=job.pk)
    client.force_login(bp3mi_officer)
    rows = read_csv(content(client.get(reverse("exports:download", args=[job.pk]))))
    assert {row[0] for row in rows[1:]} == {r.number for r in reports[10:]}


def test_download_refused_when_the_owner_changed_agency_or_role(client, officer, cilegon, thirty):
    job = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
    )
    services.export_job_run(job_id=job.pk)
    officer.agency = cilegon
    officer.save()
    client.force_login(officer)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    page = client.get(reverse("exports:detail", args=[job.pk]))
    assert b'id="export-access-changed"' in page.content


def test_invalid_filters_at_run_time_fail_the_job_with_a_message(client, officer, thirty):
    job = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={"date_from": ["kemarin"]},
        options=services.ExportOptions(fmt="csv"),
    )
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == ExportJob.Error.INVALID_FILTERS
    assert "date_from" in job.error_detail
    assert not job.file
    client.force_login(officer)
    page = client.get(reverse("exports:detail", args=[job.pk]))
    assert page.status_code == 200
    assert b'id="export-error"' in page.content
    status = client.get(reverse("exports:status", args=[job.pk])).json()
    assert status["finished"] is True
    assert status["error"]
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_an_unexpected_error_fails_the_job_and_is_logged(officer, thirty, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "export_write", broken)
    job = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
    )
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "internal")
    assert "export job" in caplog.text


def test_a_job_runs_once(officer, thirty):
    job = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
    )
    assert services.export_job_run(job_id=job.pk) is not None
    assert services.export_job_run(job_id=job.pk) is None  # a redelivered message
    assert services.export_job_run(job_id=job.pk + 1000) is None  # gone
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT_CREATED).count() == 1


def test_a_running_job_that_lost_its_worker_is_taken_over(officer, thirty):
    job = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
    )
    ExportJob.objects.filter(pk=job.pk).update(status="running")
    assert services.export_job_run(job_id=job.pk) is None  # still being written
    ExportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - services.STALE_AFTER - dt.timedelta(seconds=1)
    )
    assert services.export_job_run(job_id=job.pk).status == "done"


def test_housekeeping_deletes_expired_files_and_requeues_stranded_jobs(
    client, officer, thirty, queued
):
    done = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
    )
    services.export_job_run(job_id=done.pk)
    done.refresh_from_db()
    path = Path(done.file.path)
    assert path.is_file()
    stranded = services.export_job_create(
        actor=officer,
        dataset=get_dataset("reports"),
        params={},
        options=services.ExportOptions(fmt="csv"),
    )
    ExportJob.objects.filter(pk=stranded.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=30)
    )

    assert services.exports_housekeeping() == {"expired": 0, "requeued": 1}
    assert queued == [stranded.pk]
    assert path.is_file()

    later = timezone.now() + dt.timedelta(days=7, minutes=1)
    assert tasks.exports_housekeeping.run is not None
    result = services.exports_housekeeping(now=later)
    assert result["expired"] == 2
    assert not path.exists()
    done.refresh_from_db()
    assert done.status == ExportJob.Status.EXPIRED
    assert not done.file
    client.force_login(officer)
    assert client.get(reverse("exports:download", args=[done.pk])).status_code == 404
    assert client.get(reverse("exports:detail", args=[done.pk])).status_code == 200


def test_beat_schedules_housekeeping(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["exports-housekeeping"]
    assert entry["task"] == "portal.exports.tasks.exports_housekeeping"
    assert entry["task"] in app.tasks


def test_the_services_queue_the_task_by_its_name():
    assert tasks.run_export.name == services.RUN_EXPORT_TASK
    assert services.RUN_EXPORT_TASK in app.tasks


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_with_an_eager_celery_the_job_is_done_when_the_page_answers(
    client, officer, thirty, eager, django_capture_on_commit_callbacks
):
    job = make_job(client, officer, django_capture_on_commit_callbacks, part="persons")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    data = content(client.get(reverse("exports:download", args=[job.pk])))
    assert len(read_csv(data)) == 31  # header + one person per report
    assert data.count(b"3671********0002") == 29  # identifiers not asked for: masked
    assert f.NIK_FEMALE.encode() not in data


def test_my_exports_lists_my_jobs_only(client, officer, colleague):
    for owner in (officer, colleague):
        ExportJob.objects.create(
            owner=owner,
            agency=owner.agency,
            role=owner.role,
            dataset="villages",
            format="csv",
            expires_at=timezone.now() + dt.timedelta(days=7),
        )
    client.force_login(officer)
    response = client.get(reverse("exports:list"))
    assert [job.owner for job in response.context["page"]] == [officer]

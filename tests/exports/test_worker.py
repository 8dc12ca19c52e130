"""A big export through the real broker (Redis) and a real Celery worker: the page queues the
job after its transaction commits, the worker writes the file, the owner downloads it."""

import time

import pytest
from django.urls import reverse

from portal.exports.models import ExportJob
from tests.core.test_celery import celery_worker_on_private_queue  # noqa: F401 (fixture)
from tests.exports.builders import many_reports
from tests.exports.helpers import content, export, read_csv

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_writes_the_job_the_page_queued(
    client,
    officer,
    celery_worker_on_private_queue,  # noqa: F811
):
    reports = many_reports(officer, 30)
    client.force_login(officer)
    response = export(client, "reports", "source=passport_interview")
    job = ExportJob.objects.get()
    assert response.url == reverse("exports:detail", args=[job.pk])
    deadline = time.monotonic() + 300  # a bound for a loaded machine, not an expectation
    while job.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == "done", job.error_detail
    rows = read_csv(content(client.get(reverse("exports:download", args=[job.pk]))))
    assert {row[0] for row in rows[1:]} == {r.number for r in reports}

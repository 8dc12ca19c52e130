"""A real Celery worker against the real Redis broker (the embedded one under `make test`,
the machine's in CI) runs the health task and reaches PostgreSQL."""

import os
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from portal.celery import app
from portal.core.tasks import health_check


@pytest.fixture
def celery_worker_on_private_queue():
    """An in-process worker consuming a queue of this test process only, so parallel test
    processes sharing one Redis never take each other's tasks."""
    queue = f"sinergi-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
        ) as worker:
            yield worker
    finally:
        app.conf.task_default_queue = previous


@pytest.mark.django_db(transaction=True)
def test_worker_consumes_from_redis_and_reaches_the_database(celery_worker_on_private_queue):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    token = uuid.uuid4().hex
    result = health_check.delay(token).get(timeout=30)
    assert result["token"] == token
    assert result["db_time"]
    assert result["worker_time"]


def test_tasks_are_acknowledged_late_so_a_killed_worker_loses_nothing():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1

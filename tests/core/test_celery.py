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
            app, pool="solo", perform_ping_check=False, shutdown_timeout=60, queues=[queue]
        ) as worker:
            yield worker
    finally:
        app.conf.task_default_queue = previous


@pytest.mark.django_db(transaction=True)
def test_worker_consumes_from_redis_and_reaches_the_database(celery_worker_on_private_queue):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    token = uuid.uuid4().hex
    result = health_check.delay(token).get(timeout=300)  # a bound for a loaded machine
    assert result["token"] == token
    assert result["db_time"]
    assert result["worker_time"]


def test_tasks_are_acknowledged_late_so_a_killed_worker_loses_nothing():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert "agreements-daily" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db
def test_a_lost_email_queueing_is_picked_up_by_the_sweep(officer, monkeypatch):
    """Broker down at commit time: the row stays unsent and the sweep queues it again."""
    import datetime as dt

    from django.utils import timezone

    from portal.notifications import tasks
    from portal.notifications.models import Notification
    from portal.notifications.services import notify

    [notification] = notify(recipients=[officer], kind="t", message="Pesan uji", dedupe_key="k1")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    queued = []
    monkeypatch.setattr(tasks.send_notification_email, "delay", queued.append)
    assert tasks.send_pending_notification_emails() == 1
    assert queued == [notification.pk]
    tasks.send_notification_email(notification.pk)
    assert tasks.send_pending_notification_emails() == 0


@pytest.mark.django_db
def test_broker_outage_at_commit_does_not_break_the_request(
    officer, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from portal.notifications import tasks
    from portal.notifications.models import Notification
    from portal.notifications.services import notify

    def down(*args, **kwargs):
        raise OperationalError("Redis is down")

    monkeypatch.setattr(tasks.send_notification_email, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[officer], kind="t", message="Pesan uji", dedupe_key="k2")
    assert Notification.objects.get(dedupe_key="k2").emailed_at is None

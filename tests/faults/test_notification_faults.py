"""Nothing is lost and nothing is sent twice, proved with real processes: a Redis server that is
stopped while a report is shared and referred, Celery workers (subprocesses, tests/faults/
worker_settings.py) that are SIGKILLed in the middle of sending an e-mail, tasks delivered and
retried more than once. The e-mails are files written by the workers (tests/faults/mail.py),
one per message, named by the notification's Message-ID.

The data is committed (transaction=True) so that the workers, other processes, see it."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest
from django.urls import reverse

from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver, notify
from portal.notifications.tasks import (
    deliver_event,
    deliver_pending_events,
    send_notification_email,
    send_pending_notification_emails,
)
from referrals import services
from referrals.models import Referral, Share
from tests.faults.conftest import Mailbox, wait_for, wait_until_idle

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# A bound, not an expectation: worker start-up included, on a loaded two-core machine.
DELIVERY_TIMEOUT = 300.0
# Filing with the broker down must not wait on it: Celery gives up publishing within a second
# or two (retry policy); a request held by broker retries (or a connect hanging) would take
# minutes. The bound leaves room for a loaded machine.
FILING_BOUND_SECONDS = 60.0


def assert_emailed_once(mailbox: Mailbox, notifications) -> None:
    """Each of `notifications` was e-mailed exactly once and is stamped so; and no e-mail at
    all went out twice."""
    sent = mailbox.sent()
    for notification in notifications:
        notification.refresh_from_db()
        assert sent[mailbox.key(notification)] == 1, notification.recipient.username
        assert notification.emailed_at is not None
    assert all(count == 1 for count in sent.values()), sent


def test_redis_down_while_filing_loses_nothing_and_the_sweep_sends_once(
    celery_app, exchange, redis_server, queue, workers, mailbox, client, caplog
):
    """Redis (broker and result store) stops. A report is shared (a real request: view, middleware, the
    service's transaction and its on_commit hooks) and then referred to a partner: both are
    saved, the request succeeds at once, and the outbox events wait unprocessed. Redis comes
    back (empty: it kept nothing), the outbox sweep runs through the broker (twice, so every
    event is delivered twice) and each partner user gets exactly one notification and one
    e-mail per event. Sweeping again afterwards sends nothing more.

    (The cache and the sessions are those of the test settings here, not Redis: see
    test_a_signed_in_officer_shares_a_report_while_redis_is_down.)"""
    client.force_login(exchange.officer)
    report, partner = exchange.report, exchange.partner_agency
    before = set(OutboxEvent.objects.values_list("pk", flat=True))
    redis_server.stop()

    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
        response = client.post(
            reverse("referrals:share", args=[report.pk]), {"agencies": [partner.pk]}
        )
        referral = services.referral_send(
            actor=exchange.officer,
            report=report,
            to_agency=partner,
            requested_action="victim_protection",
            urgency="urgent",
            message="Mohon pendampingan korban.",
        )
    filing_seconds = time.monotonic() - started

    # Saved, and quickly: the failed enqueueing (the broker refuses the connection, retried a
    # few times within a second) did not hold the request.
    assert response.status_code == 302
    assert response.url.startswith(f"{report.get_absolute_url()}#share-")
    share = Share.objects.get(report=report, agency=partner)
    assert share.status == Share.Status.ACTIVE
    assert Referral.objects.filter(pk=referral.pk, report=report).exists()
    assert filing_seconds < FILING_BOUND_SECONDS, f"filing took {filing_seconds:.1f}s, Redis down"
    events = list(OutboxEvent.objects.exclude(pk__in=before))
    assert len(events) >= 2
    assert f"share:{share.pk}" in {e.dedupe_key for e in events}
    assert all(e.processed_at is None for e in events)
    failed_enqueues = [r for r in caplog.records if "in on_commit()" in r.getMessage()]
    assert len(failed_enqueues) == len(events), "each deliver_event.delay() met the dead broker"
    keys = [e.dedupe_key for e in events]
    assert not Notification.objects.filter(dedupe_key__in=keys).exists()

    redis_server.start()
    for _ in range(2):  # two sweeps overlap: each queues every pending event
        deliver_pending_events.apply_async(kwargs={"older_than_seconds": 0})
    worker = workers.start()
    told = Notification.objects.filter(dedupe_key__in=keys)
    wait_for(
        lambda: (
            told.count() == len(keys) * len(exchange.partners)
            and not told.filter(emailed_at__isnull=True).exists()
        ),
        "the notifications and their e-mails",
        timeout=DELIVERY_TIMEOUT,
        workers=[worker],
    )
    # Both sweeps again, through the broker: nothing is pending, nothing may be sent again.
    deliver_pending_events.apply_async(kwargs={"older_than_seconds": 0})
    send_pending_notification_emails.apply_async(kwargs={"older_than_seconds": 0})
    wait_until_idle(redis_server, queue, workers=[worker])

    for user in exchange.partners:  # one per event, each
        mine = told.filter(recipient=user).values_list("dedupe_key", flat=True)
        assert sorted(mine) == sorted(keys), user.username
    assert told.count() == len(keys) * len(exchange.partners)  # nobody else (not the sharer)
    assert not OutboxEvent.objects.filter(pk__in=[e.pk for e in events], processed_at=None)
    assert_emailed_once(mailbox, told)
    assert deliver_pending_events(older_than_seconds=0) == 0
    assert send_pending_notification_emails(older_than_seconds=0) == 0


def test_a_signed_in_officer_shares_a_report_while_redis_is_down(
    celery_app, exchange, redis_server, client, settings
):
    """As in production, Redis is the broker, the result store, the cache and the session
    cache, and it is down: sharing a report must still work (and notify later, as above).
    The cache degrades to misses (portal/core/cache.py), so sessions come from PostgreSQL."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "sinergi",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(exchange.officer)  # while Redis is up: the session is cached
    client.raise_request_exception = False
    report, partner = exchange.report, exchange.partner_agency
    redis_server.stop()

    started = time.monotonic()
    response = client.post(reverse("referrals:share", args=[report.pk]), {"agencies": [partner.pk]})
    assert time.monotonic() - started < FILING_BOUND_SECONDS
    assert response.status_code == 302
    share = Share.objects.get(report=report, agency=partner)
    assert share.status == Share.Status.ACTIVE
    assert OutboxEvent.objects.get(dedupe_key=f"share:{share.pk}").processed_at is None


def parent_pid(pid: int) -> int:
    # /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, not ")".
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.parametrize("victim", ["worker", "pool-process"])
def test_worker_killed_while_sending_the_email_is_sent_once(
    victim, celery_app, make_user, bp3mi, redis_server, queue, workers, mailbox
):
    """The process sending an e-mail is SIGKILLed while the mail server has not answered yet:
    nothing was sent, the notification is not stamped (its transaction died with the
    process), and the task comes back until it is done, once.

    worker: the whole worker dies (a crashed machine or container; solo pool, the task runs
    in the worker process). Its task was never acknowledged; Redis hands it to a new worker
    once the visibility timeout (3 s here) has passed.
    pool-process: the prefork child running the task dies (the kernel's OOM killer). The
    worker sees it lost and, as tasks are acknowledged late and rejected when their process
    is lost, puts the task back in the queue at once for its next child."""
    user = make_user("officer", bp3mi, username="bp3miofficer")
    [notification] = notify(
        recipients=[user], kind="report_shared", message="Uji kegagalan", dedupe_key="fault:kill"
    )
    key = mailbox.key(notification)

    if victim == "worker":
        first = workers.start(pool="solo", stall_first=True, visibility=3)
    else:
        first = workers.start(pool="prefork", stall_first=True)
    wait_for(
        lambda: mailbox.attempts()[key] == 1,
        "a worker to start sending",
        timeout=DELIVERY_TIMEOUT,
        workers=[first],
    )
    [sending] = mailbox.attempt_pids(key)
    if victim == "worker":
        assert sending == first.proc.pid
        first.kill()
        assert first.proc.returncode == -signal.SIGKILL
    else:
        assert parent_pid(sending) == first.proc.pid  # a pool process of our worker
        os.kill(sending, signal.SIGKILL)
    assert not mailbox.sent()
    notification.refresh_from_db()
    assert notification.emailed_at is None

    finisher = workers.start(pool="solo", visibility=3) if victim == "worker" else first
    wait_for(
        lambda: mailbox.sent()[key] == 1,
        "the e-mail to be sent after the kill",
        timeout=DELIVERY_TIMEOUT,
        workers=[finisher],
    )
    wait_until_idle(redis_server, queue, workers=[finisher])

    pids = mailbox.attempt_pids(key)
    assert len(pids) == 2  # killed once, sent once
    assert pids[0] != pids[1]  # by another process
    assert_emailed_once(mailbox, [notification])


def test_deliveries_and_emails_retried_and_repeated_are_done_once(
    celery_app, exchange, redis_server, queue, workers, mailbox
):
    """A report is shared while no worker runs: its delivery waits in the queue. Then two
    workers side by side; the outbox event is delivered twice (its task queued again,
    as a sweep does) and every e-mail task is queued twice more; the mail server refuses the
    first attempt of each message, so each e-mail task is retried by Celery (autoretry on
    OSError). Still one notification per partner user and one e-mail per notification: the
    first attempt failed, exactly one more reached the mail server."""
    (share,) = services.report_share(
        actor=exchange.officer, report=exchange.report, agencies=[exchange.partner_agency]
    )
    event = OutboxEvent.objects.get(dedupe_key=f"share:{share.pk}")
    deliver_event.delay(event.pk)  # the on_commit hook queued it once already

    pool = [workers.start(fail_first=True, mail_delay=0.5) for _ in range(2)]
    told = Notification.objects.filter(dedupe_key=event.dedupe_key)
    wait_for(
        lambda: told.count() == len(exchange.partners),
        "the notifications",
        timeout=DELIVERY_TIMEOUT,
        workers=pool,
    )
    for notification in told:
        send_notification_email.delay(notification.pk)
        send_notification_email.delay(notification.pk)
    wait_for(
        lambda: not told.filter(emailed_at__isnull=True).exists(),
        "the e-mails",
        timeout=DELIVERY_TIMEOUT,
        workers=pool,
    )
    wait_until_idle(redis_server, queue, workers=pool)

    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        u.username for u in exchange.partners
    )
    assert_emailed_once(mailbox, told)
    attempts = mailbox.attempts()
    assert {mailbox.key(n): attempts[mailbox.key(n)] for n in told} == {
        mailbox.key(n): 2
        for n in told  # the refused one, the sent one; the rest did nothing
    }
    # And once more in this process, as a late duplicate would run: nothing to do.
    assert deliver(event_id=event.pk) == 0
    assert all(send_notification_email(n.pk) is False for n in told)

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.notifications import services
from portal.notifications.models import Notification, OutboxEvent

logger = logging.getLogger(__name__)
MESSAGE_ID_DOMAIN = "sinergi.local"


# The two tasks queued from on_commit hooks ignore their results (nobody reads them): with a
# result, .delay() first subscribes the caller to the result in the Redis result backend, and a
# process that has not done so before and finds Redis down retries that for ~20 s per call
# before failing, holding the request that saved the change (see tests/faults/).
@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification, once: the row is locked and stamped in the same transaction,
    so a second delivery of this task finds it sent and does nothing."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        with translation.override(notification.recipient.language or settings.LANGUAGE_CODE):
            subject = f"[Sinergi] {notification.text}"[:200]
            body = render_to_string(
                "notifications/email.txt",
                {"notification": notification, "base_url": settings.PORTAL_BASE_URL},
            )
        # One Message-ID per notification: should a worker die between handing the message to
        # the mail server and recording it, the copy sent again is recognisably the same.
        EmailMessage(
            subject,
            body,
            None,
            [notification.recipient.email],
            headers={"Message-ID": f"<notification-{notification.pk}@{MESSAGE_ID_DOMAIN}>"},
        ).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(acks_late=True, ignore_result=True)
def send_pending_notification_emails(older_than_seconds: int = 120) -> int:
    """Queue again the e-mails whose first queueing was lost (broker down at commit time).
    Safe to overlap with the original: send_notification_email sends each row once."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = Notification.objects.filter(
        emailed_at__isnull=True, created_at__lt=cutoff, recipient__is_active=True
    ).exclude(recipient__email="")
    ids = list(pending.values_list("pk", flat=True)[:1000])
    for pk in ids:
        send_notification_email.delay(pk)
    return len(ids)


@shared_task(
    acks_late=True,
    ignore_result=True,  # see send_notification_email
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def deliver_event(event_id: int) -> int:
    """Notify the users an outbox event concerns (see services.deliver)."""
    return services.deliver(event_id=event_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_pending_events(older_than_seconds: int = 30) -> int:
    """Queue again the events whose delivery task was lost (broker down at commit time, or a
    worker killed before it finished). Overlapping with the original is harmless."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    ids = list(
        OutboxEvent.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        deliver_event.delay(pk)
    return len(ids)

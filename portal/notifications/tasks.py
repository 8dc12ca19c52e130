import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.notifications.models import Notification

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
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
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"[Sinergi] {notification.text}"[:200]
            body = render_to_string(
                "notifications/email.txt",
                {"notification": notification, "base_url": settings.PORTAL_BASE_URL},
            )
        send_mail(subject, body, None, [notification.recipient.email])
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

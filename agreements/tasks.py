from celery import shared_task
from django.utils import timezone

from agreements import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def agreements_daily() -> dict:
    """Run by beat every morning: expire agreements past their end, send expiry reminders.
    Both steps are idempotent, so a retry or a second run the same day changes nothing."""
    today = timezone.localdate()
    expired = services.agreements_expire_due(today=today)
    reminded = services.agreements_send_expiry_reminders(today=today)
    return {"expired": [a.pk for a in expired], "reminded": [r.agreement_id for r in reminded]}

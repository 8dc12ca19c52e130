from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from referrals.stats import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def refresh_report_stats(full: bool = False) -> None:
    """Beat: every minute the dirty buckets, every night everything."""
    services.refresh_report_stats(full=full)

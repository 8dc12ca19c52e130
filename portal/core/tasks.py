import logging

from celery import shared_task
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def health_check(token: str) -> dict:
    """Answer with the token, the database's clock and the worker's: proof that a worker is
    consuming from the broker and can reach PostgreSQL."""
    with connection.cursor() as cur:
        cur.execute("SELECT now()")
        db_now = cur.fetchone()[0]
    return {
        "token": token,
        "db_time": db_now.isoformat(),
        "worker_time": timezone.now().isoformat(),
    }


@shared_task(acks_late=True, ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat every five minutes; its log line shows worker and beat are alive."""
    logger.info("heartbeat at %s", timezone.now().isoformat())

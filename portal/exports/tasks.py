from celery import shared_task
from django.db import OperationalError

from portal.exports import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_export(job_id: int) -> None:
    """Write one export job's file. Takes the job's id; a job already taken or gone is left
    alone, so a redelivered or repeated message writes nothing twice."""
    services.export_job_run(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def exports_housekeeping() -> dict[str, int]:
    """Run by beat: expired files deleted, stranded jobs queued again."""
    return services.exports_housekeeping()

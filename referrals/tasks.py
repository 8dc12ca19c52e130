from celery import shared_task

from referrals import services


@shared_task(acks_late=True, ignore_result=True)
def referrals_daily() -> int:
    """Remind the receiving supervisors of referrals past their due date (once a day each)."""
    return services.remind_overdue_referrals()

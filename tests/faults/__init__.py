"""Fault injection: the notification pipeline against real Redis servers and real Celery worker
processes that are stopped and killed while it runs (see test_notification_faults.py)."""

"""Settings of the Celery worker processes the fault tests start (DJANGO_SETTINGS_MODULE of
the subprocess). The test settings, plus what only these workers need, from their environment:

FAULTS_QUEUE        the private queue the worker consumes and its own tasks are sent to (the
                    tasks it enqueues, e.g. the e-mails of an outbox event, must come back to
                    it, not to the default queue that nobody of this test consumes)
FAULTS_MAIL_DIR, FAULTS_MAIL_DELAY, FAULTS_MAIL_FAIL_FIRST, FAULTS_MAIL_STALL_FIRST
                    for tests.faults.mail.FileBackend, the e-mail backend (see there)
FAULTS_VISIBILITY_TIMEOUT  seconds after which Redis redelivers an unacknowledged task
"""

import os

from portal.settings_test import *  # noqa: F403

EMAIL_BACKEND = "tests.faults.mail.FileBackend"
FAULTS_MAIL_DIR = os.environ["FAULTS_MAIL_DIR"]
FAULTS_MAIL_DELAY = float(os.environ.get("FAULTS_MAIL_DELAY", "0"))
FAULTS_MAIL_FAIL_FIRST = os.environ.get("FAULTS_MAIL_FAIL_FIRST") == "1"
FAULTS_MAIL_STALL_FIRST = os.environ.get("FAULTS_MAIL_STALL_FIRST") == "1"

CELERY_TASK_DEFAULT_QUEUE = os.environ["FAULTS_QUEUE"]
# kombu looks for unacknowledged messages older than the visibility timeout every
# unacked_restore_interval * unacked_restore_throttle seconds (10 * 10 by default): scan every
# second so that a short timeout takes effect within seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": float(os.environ.get("FAULTS_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

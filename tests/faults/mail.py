"""An e-mail backend for the workers of the fault tests: each message becomes a file in
FAULTS_MAIL_DIR/sent that the test process counts. Each call is first recorded in
FAULTS_MAIL_DIR/attempts, named by Message-ID and process id, so the test sees that a task has
started sending, in which process, and how often. Then, on the first attempt for a message
(claimed atomically in FAULTS_MAIL_DIR/firsts, across processes):

FAULTS_MAIL_FAIL_FIRST   raise ConnectionRefusedError, the OSError smtplib raises when the mail
                         server does not answer (the task retries on OSError);
FAULTS_MAIL_STALL_FIRST  hang for a minute, a mail server that does not answer yet: time for
                         the test to kill the process mid-task.

Every attempt that gets through waits FAULTS_MAIL_DELAY seconds (a slow mail server)."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

STALL_SECONDS = 600  # "until killed": longer than any wait of the tests (their bounds)


def file_key(message_id: str) -> str:
    """A file-name-safe form of a Message-ID (there is one per notification)."""
    return re.sub(r"[^A-Za-z0-9.-]", "_", message_id)


def claim_first(path: Path) -> bool:
    """True for the one caller, in any process, that creates `path`."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    return True


class FileBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        root = Path(settings.FAULTS_MAIL_DIR)
        sent = 0
        for message in email_messages:
            key = file_key(message.extra_headers.get("Message-ID", "none"))
            attempt = f"{key}~{os.getpid()}~{uuid.uuid4().hex}"
            (root / "attempts" / attempt).touch()
            if (settings.FAULTS_MAIL_FAIL_FIRST or settings.FAULTS_MAIL_STALL_FIRST) and (
                claim_first(root / "firsts" / key)
            ):
                if settings.FAULTS_MAIL_FAIL_FIRST:
                    raise ConnectionRefusedError("mail server not answering (injected)")
                time.sleep(STALL_SECONDS)
            time.sleep(settings.FAULTS_MAIL_DELAY)
            partial = root / "sent" / f".{attempt}.tmp"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(root / "sent" / f"{attempt}.eml")  # atomic: never counted half-written
            sent += 1
        return sent

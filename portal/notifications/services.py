"""Creating and reading notifications. Creation is idempotent per (recipient, dedupe_key);
the e-mail goes out after the commit, through Celery, at most once per row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.notifications.models import Notification

if TYPE_CHECKING:
    from portal.accounts.models import User


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    message: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    dedupe_key: str,
    email: bool = True,
) -> list[Notification]:
    """Create one notification per active recipient unless it exists already; return the new
    ones. `message` is an untranslated string with %(name)s placeholders filled from `params`."""
    from portal.notifications.tasks import send_notification_email

    created: list[Notification] = []
    for user in recipients:
        if not user.is_active:
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    message=message,
                    params=params or {},
                    url=url,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            continue  # already told: the unique (recipient, dedupe_key) row exists
        created.append(notification)
        if email and user.email:
            # robust: a broker outage must not turn a saved change into an error page; the
            # row stays unsent and send_pending_notification_emails picks it up later.
            transaction.on_commit(
                lambda pk=notification.pk: send_notification_email.delay(pk), robust=True
            )
    return created


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of `user` read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

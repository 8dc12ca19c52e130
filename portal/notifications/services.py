"""Creating and reading notifications. Creation is idempotent per (recipient, dedupe_key);
the e-mail goes out after the commit, through Celery, at most once per row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import CASE_WORKER_ROLES
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from portal.notifications.kinds import EMAIL_KINDS
from portal.notifications.models import Notification, OutboxEvent

# The attribute a user loaded with `unread_count_subquery()` (the session's user: see
# portal.accounts.backends) carries their unread count in; `unread_count()` reads it.
UNREAD_COUNT_ATTR = "unread_notification_count"

# Queued by name: portal.notifications.tasks calls this module, so this module does not import
# it (NotificationsConfig.ready() registers the tasks in every process).
SEND_EMAIL_TASK = "portal.notifications.tasks.send_notification_email"
DELIVER_EVENT_TASK = "portal.notifications.tasks.deliver_event"


def _queue_on_commit(task_name: str, object_id: int) -> None:
    """Queue the task once the transaction commits. robust: a broker outage must not undo the
    change; the row stays pending and the periodic sweep picks it up."""

    # A named function, not a partial: Django logs a robust callback's failure by __qualname__.
    def queue() -> None:
        current_app.tasks[task_name].delay(object_id)

    transaction.on_commit(queue, robust=True)


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
    created: list[Notification] = []
    for user in recipients:
        if not user.is_active:
            continue
        wants_email = email and bool(user.email) and kind not in (user.muted_email_kinds or [])
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    message=message,
                    params=params or {},
                    url=url,
                    dedupe_key=dedupe_key,
                    # No e-mail due (muted kind, no address): marked done, so that the sweep
                    # of unsent e-mails never sends it either.
                    emailed_at=None if wants_email else timezone.now(),
                )
        except IntegrityError:
            continue  # already told: the unique (recipient, dedupe_key) row exists
        created.append(notification)
        if wants_email:
            # Unsent until the task runs; send_pending_notification_emails sweeps up the rest.
            _queue_on_commit(SEND_EMAIL_TASK, notification.pk)
    return created


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of `user` read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    marked = qs.update(read_at=timezone.now())
    # The count loaded with the user is out of date now: the page of this request counts anew.
    # (delattr, not __dict__: request.user is a lazy object that forwards only attributes.)
    if getattr(user, UNREAD_COUNT_ATTR, None) is not None:
        delattr(user, UNREAD_COUNT_ATTR)
    return marked


def unread_count(*, user: User) -> int:
    """The user's unread notifications: as loaded with the user when it was (the session's
    user, in the same query), else counted."""
    loaded = getattr(user, UNREAD_COUNT_ATTR, None)
    if loaded is not None:
        return loaded
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_subquery(recipient: Any) -> Coalesce:
    """`unread_count()` as an expression, to annotate users with (`recipient`: OuterRef("pk"))."""
    counted = (
        Notification.objects.filter(recipient=recipient, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def publish(
    *,
    kind: str,
    message: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    dedupe_key: str,
    agency_ids: Iterable[int],
    roles: Iterable[str] = CASE_WORKER_ROLES,
    exclude_user: User | None = None,
) -> OutboxEvent | None:
    """Record, inside the caller's transaction, that the users with `roles` of `agency_ids`
    must be told; after the commit a task delivers it (see OutboxEvent). The same
    `dedupe_key` twice is one event. `message` is untranslated (gettext_noop)."""
    event, created = OutboxEvent.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "message": message,
            "params": params or {},
            "url": url,
            "agency_ids": sorted(set(agency_ids)),
            "roles": list(roles),
            "exclude_user_id": exclude_user.pk if exclude_user is not None else None,
        },
    )
    if not created:
        return None
    _queue_on_commit(DELIVER_EVENT_TASK, event.pk)
    return event


def deliver(*, event_id: int) -> int:
    """Turn an outbox event into notifications (and e-mails), once. Returns how many users
    were newly told."""
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, processed_at__isnull=True)
            .first()
        )
        if event is None:
            return 0  # done already, or being done by another worker right now
        recipients = User.objects.filter(
            agency_id__in=event.agency_ids, role__in=event.roles, is_active=True
        )
        if event.exclude_user_id:
            recipients = recipients.exclude(pk=event.exclude_user_id)
        created = notify(
            recipients=recipients,
            kind=event.kind,
            message=event.message,
            params=event.params,
            url=event.url,
            dedupe_key=event.dedupe_key,
        )
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at"])
    return len(created)


def preferences_update(
    *,
    actor: User,
    muted_email_kinds: list[str],
    language: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """A user's own choices: which events e-mail them (in-app is always on), and language."""
    unknown = set(muted_email_kinds) - set(EMAIL_KINDS)
    if unknown:
        raise ValidationError({"muted_email_kinds": [_("Unknown kind of event.")]})
    actor.muted_email_kinds = sorted(set(muted_email_kinds))
    fields = ["muted_email_kinds"]
    if language:
        actor.language = language
        fields.append("language")
    actor.save(update_fields=fields)
    audit_record(
        action=AuditEntry.Action.PREFERENCES_UPDATED,
        actor=actor,
        request=request,
        target=actor,
        data={"muted": actor.muted_email_kinds},
    )
    return actor

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user, shown in the portal and sent by e-mail. Stored untranslated with its
    parameters and translated when shown, so each reader gets their own language; `dedupe_key`
    makes "the same event to the same person" one row, however often the job runs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # When the e-mail went out, or when it was decided that none is due (muted, no address).
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notif_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        # Text parameters that are labels (a requested action, a status) are stored in their
        # source language and translated here too; names and numbers pass through unchanged.
        params = {k: gettext(v) if isinstance(v, str) and v else v for k, v in self.params.items()}
        try:
            return gettext(self.message) % params
        except (KeyError, TypeError, ValueError):
            return gettext(self.message)


class OutboxEvent(models.Model):
    """Something that happened and that agencies must be told about, written in the same
    transaction as the change itself (a transactional outbox). After the commit a Celery task
    turns it into one Notification per user of the recipient agencies (and their e-mails); a
    periodic sweep re-queues events whose task never ran (broker down, worker killed). An
    event is processed once: its notifications are deduplicated per (recipient, dedupe_key)."""

    kind = models.CharField(max_length=60)
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    agency_ids = ArrayField(models.IntegerField(), default=list)
    roles = ArrayField(models.CharField(max_length=20), default=list)
    exclude_user_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(processed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.dedupe_key

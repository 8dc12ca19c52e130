import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One thing that happened, who did it, when and from where. Append-only: a database
    trigger refuses UPDATE and DELETE, so not even a bug or a shell session can rewrite it."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset")
        MFA_ENABLED = "mfa_enabled", _("Two-factor authentication enabled")
        MFA_DISABLED = "mfa_disabled", _("Two-factor authentication removed")
        MFA_RESET = "mfa_reset", _("Two-factor authentication reset by an admin")
        USER_CREATED = "user_created", _("Account created")
        USER_UPDATED = "user_updated", _("Account changed")
        USER_DEACTIVATED = "user_deactivated", _("Account deactivated")
        USER_REACTIVATED = "user_reactivated", _("Account reactivated")
        AGENCY_CREATED = "agency_created", _("Agency created")
        AGENCY_UPDATED = "agency_updated", _("Agency changed")
        AGREEMENT_CREATED = "agreement_created", _("Agreement created")
        AGREEMENT_UPDATED = "agreement_updated", _("Agreement changed")
        AGREEMENT_ACTIVATED = "agreement_activated", _("Agreement activated")
        AGREEMENT_TERMINATED = "agreement_terminated", _("Agreement terminated")
        AGREEMENT_EXPIRED = "agreement_expired", _("Agreement expired")
        PARTY_ADDED = "party_added", _("Party added")
        PARTY_UPDATED = "party_updated", _("Party changed")
        PARTY_REMOVED = "party_removed", _("Party removed")
        AGREEMENT_SCOPE_ADDED = "agreement_scope_added", _("Scope added to agreement")
        AGREEMENT_SCOPE_UPDATED = "agreement_scope_updated", _("Agreement scope changed")
        AGREEMENT_SCOPE_REMOVED = "agreement_scope_removed", _("Scope removed from agreement")
        SCOPE_CREATED = "scope_created", _("Scope created")
        SCOPE_UPDATED = "scope_updated", _("Scope changed")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Document downloaded")
        EXPIRY_REMINDER_SENT = "expiry_reminder_sent", _("Expiry reminder sent")
        PII_REVEALED = "pii_revealed", _("Personal data revealed")
        VILLAGE_CREATED = "village_created", _("Desa Binaan designated")
        VILLAGE_UPDATED = "village_updated", _("Desa Binaan changed")
        VILLAGE_PARTNER_ADDED = "village_partner_added", _("Desa Binaan partner added")
        VILLAGE_PARTNER_REMOVED = "village_partner_removed", _("Desa Binaan partner removed")
        VILLAGE_FIGURES_SAVED = "village_figures_saved", _("Desa Binaan figures saved")
        ACTIVITY_CREATED = "activity_created", _("Activity recorded")
        ACTIVITY_UPDATED = "activity_updated", _("Activity changed")
        FILE_UPLOADED = "file_uploaded", _("File uploaded")
        FILE_DOWNLOADED = "file_downloaded", _("File downloaded")
        FILE_REMOVED = "file_removed", _("File removed")
        REPORT_CREATED = "report_created", _("Report created")
        REPORT_UPDATED = "report_updated", _("Report changed")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_REVIEW_STARTED = "report_review_started", _("Review of report started")
        REPORT_CLOSED = "report_closed", _("Report closed")
        REPORT_DELETED = "report_deleted", _("Draft report deleted")
        PREVENTION_RECORDED = "prevention_recorded", _("Prevention action recorded")
        PREVENTION_UPDATED = "prevention_updated", _("Prevention action changed")
        SHARE_REQUESTED = "share_requested", _("Sharing requested")
        REPORT_SHARED = "report_shared", _("Report shared")
        SHARE_REFUSED = "share_refused", _("Sharing not approved")
        REFERRAL_SENT = "referral_sent", _("Referral sent")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("Referral declined")
        REFERRAL_ASSIGNED = "referral_assigned", _("Referral assigned")
        REFERRAL_STARTED = "referral_started", _("Work on referral started")
        REFERRAL_COMPLETED = "referral_completed", _("Referral completed")
        REFERRAL_COMMENTED = "referral_commented", _("Comment on referral")
        AGENCY_SETTINGS_UPDATED = "agency_settings_updated", _("Agency settings changed")
        PREFERENCES_UPDATED = "preferences_updated", _("Notification preferences changed")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        EXPORT_CREATED = "export_created", _("Data exported")
        EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
        PDF_PRINTED = "pdf_printed", _("Document printed (PDF)")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Snapshots, so the entry still reads right after a rename or when no account matched.
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
        help_text=_("The agency the entry belongs to, for agency admins' view of the log."),
    )
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=40, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="audit_agency_time_idx"),
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.actor_label}"

"""Cooperation agreements (PKS/MoU), their parties and scopes: the legal basis of every
exchange of data in the portal. agreements/sharing_policy.py turns them into sharing rules."""

import datetime as dt

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.core.categories import ReportCategory


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="ScopeEvent")
class Scope(models.Model):
    """A kind of cooperation an agreement can cover; a vocabulary system admins manage."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    allows_data_exchange = models.BooleanField(
        _("allows data exchange"),
        default=False,
        help_text=_(
            "Agencies covered by an active agreement with this scope may share indication "
            "reports of the scope's categories with each other."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive scopes cannot be added to agreements.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scope")
        verbose_name_plural = _("scopes")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding (MoU)")
    PKS = "pks", _("Cooperation agreement (PKS)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class AgreementQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> "AgreementQuerySet":
        """The SQL form of Agreement.is_in_force_on(): keep the two identical."""
        return (
            self.exclude(status=AgreementStatus.DRAFT)
            .filter(effective_from__lte=day)
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=day))
            .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gt=day))
        )


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="AgreementEvent",
)
class Agreement(models.Model):
    Kind = AgreementKind
    Status = AgreementStatus

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=AgreementKind.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.CharField(_("signed at (place)"), max_length=200, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(
        _("effective until"), null=True, blank=True, help_text=_("Empty: open-ended.")
    )
    summary = models.TextField(_("summary"), blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-effective_from", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgreementKind.values), name="agreement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=F("effective_from")),
                name="agreement_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.TERMINATED)
                | (Q(terminated_on__isnull=False) & ~Q(termination_reason="")),
                name="agreement_termination_documented",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "effective_until"], name="agreement_status_end_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    def is_in_force_on(self, day: dt.date) -> bool:
        """Whether the agreement bound its parties on `day` (see sharing_policy): not a draft,
        `day` within its period, not terminated by then. AgreementQuerySet.in_force_on() is
        the same rule in SQL."""
        if self.status == AgreementStatus.DRAFT:
            return False
        if day < self.effective_from:
            return False
        if self.effective_until is not None and day > self.effective_until:
            return False
        return not (self.terminated_on is not None and day >= self.terminated_on)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="PartyEvent",
)
class Party(models.Model):
    """An agency that signed an agreement. Each party numbers the same agreement its own way."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("agency"),
    )
    agreement_number = models.CharField(
        _("agreement number"), max_length=120, blank=True, help_text=_("This party's own number.")
    )
    signatory_name = models.CharField(_("signatory"), max_length=150, blank=True)
    signatory_position = models.CharField(_("signatory's position"), max_length=200, blank=True)
    role = models.CharField(
        _("role in the agreement"),
        max_length=300,
        blank=True,
        help_text=_('e.g. "pengawasan dan penegakan hukum", "pelindungan PMI".'),
    )
    covers_child_offices = models.BooleanField(
        _("covers child offices"),
        default=False,
        help_text=_(
            "The agreement also binds the offices below this agency (e.g. the Kantor Imigrasi "
            "under a Kanwil)."
        ),
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "agency"], name="party_once_per_agreement"
            ),
        ]

    def __str__(self) -> str:
        return str(self.agency)


def categories_default() -> list[str]:
    return list(ReportCategory.values)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="AgreementScopeEvent",
)
class AgreementScope(models.Model):
    """A scope as agreed in one agreement: possibly for some parties only, and, for data
    exchange, for some report categories only."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="scopes", verbose_name=_("agreement")
    )
    scope = models.ForeignKey(
        Scope, on_delete=models.PROTECT, related_name="agreement_scopes", verbose_name=_("scope")
    )
    parties = models.ManyToManyField(
        Party,
        blank=True,
        related_name="scopes",
        verbose_name=_("parties"),
        help_text=_("Leave empty when the scope binds every party of the agreement."),
    )
    categories = ArrayField(
        models.CharField(max_length=20, choices=ReportCategory.choices),
        default=categories_default,
        blank=True,
        verbose_name=_("report categories"),
        help_text=_("For data exchange: the kinds of indication report that may be shared."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agreement scope")
        verbose_name_plural = _("agreement scopes")
        ordering = ["scope__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "scope"], name="scope_once_per_agreement"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.scope}"


def agreement_document_path(instance: "AgreementDocument", filename: str) -> str:
    # The stored name never comes from the uploader: no traversal, no clash.
    return f"agreements/{instance.agreement_id}/{instance.sha256[:16]}.pdf"


class AgreementDocument(models.Model):
    """A signed copy of the agreement (PDF). Stored under MEDIA_ROOT, which is never served:
    downloads go through a view that checks access and writes the audit log."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=agreement_document_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "sha256"], name="document_once_per_agreement"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ExpiryReminder(models.Model):
    """That the parties of an agreement were reminded N days before its end: one row per
    (agreement, N), so each reminder goes out exactly once however often the job runs."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    effective_until = models.DateField(help_text="The end date the reminder was about.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "days_before", "effective_until"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} -{self.days_before}d"

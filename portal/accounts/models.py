from __future__ import annotations

import re
from collections.abc import Collection
from typing import ClassVar

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    IMMIGRATION = "immigration", _("Immigration")
    POLICE = "police", _("Police")
    MIGRANT_WORKER_PROTECTION = "migrant_worker_protection", _("Migrant-worker protection")
    YOUTH_ORGANISATION = "youth_organisation", _("Youth organisation")
    MANPOWER_OFFICE = "manpower_office", _("Manpower office")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    OTHER = "other", _("Other")


AGENCY_CODE_MAX = 12
AGENCY_CODE_RE = r"^[A-Z0-9]{2,12}$"  # AGENCY_CODE_MAX


def agency_code_from(short_name: str, taken: Collection[str] = ()) -> str:
    """The code an agency gets when none is typed: its short name in capitals without spaces
    or punctuation, cut at 12 characters ("Polres Cilegon" → POLRESCILEGO), with a digit at
    the end when another agency holds it already."""
    base = (re.sub(r"[^A-Z0-9]", "", short_name.upper()) or "AGENCY")[:AGENCY_CODE_MAX]
    base = base.ljust(2, "0")
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base[: AGENCY_CODE_MAX - len(str(n))]}{n}"
    return code


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="AgencyEvent",
)
class Agency(models.Model):
    """A government body or organisation party to the cooperation agreements."""

    Kind = AgencyKind

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, unique=True)
    # In the agency's report numbers (referrals.services.next_report_number), which carry a
    # sequence of their own per code and year, so no agency learns another's volume.
    code = models.CharField(
        _("code"),
        max_length=AGENCY_CODE_MAX,
        unique=True,
        validators=[
            RegexValidator(
                AGENCY_CODE_RE,
                _("Use 2 to 12 capital letters or digits, without spaces."),
            )
        ],
        help_text=_(
            "In the agency's report numbers, e.g. IND-36-POLRESCLG-2026-000001. Capital "
            "letters and digits. A change applies to reports numbered afterwards."
        ),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
        help_text=_("The office above this one, e.g. the Kanwil for a Kantor Imigrasi."),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The province or regency/city the agency covers."),
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Settings the agency's own admin keeps (referrals and sharing).
    share_requires_approval = models.BooleanField(
        _("sharing needs a supervisor's approval"),
        default=False,
        help_text=_("When set, reports are shared with partners only once a supervisor approves."),
    )
    referral_days_normal = models.PositiveSmallIntegerField(
        _("working days to act on a normal referral"), default=5
    )
    referral_days_urgent = models.PositiveSmallIntegerField(
        _("working days to act on an urgent referral"), default=1
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AgencyKind.values), name="agency_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:agency_detail", args=[self.pk])


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    SYSTEM_ADMIN = "system_admin", _("System admin")


class SinergiUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The password hash and the last sign-in time change on their own; sign-ins are audited
    # as events of their own, and hashes do not belong in a history table.
    exclude=["password", "last_login"],
    model_name="UserEvent",
)
class User(AbstractUser):
    """A person working for one agency, with one role in the portal."""

    Role = Role

    # Roles whose power warrants a second factor before anything else can be done.
    MFA_REQUIRED_ROLES = frozenset({Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN})
    ADMIN_ROLES = frozenset({Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN})

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", verbose_name=_("agency")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.OFFICER, db_index=True
    )
    position = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("Job title (jabatan).")
    )
    employee_number = models.CharField(_("employee number (NIP/NRP)"), max_length=30, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Of e-mails; the language menu changes it too."),
    )
    muted_email_kinds = ArrayField(
        models.CharField(max_length=60),
        default=list,
        blank=True,
        verbose_name=_("events not sent by e-mail"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[SinergiUserManager] = SinergiUserManager()

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email", "full_name", "agency"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="user_agency_role_idx")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    @property
    def requires_mfa(self) -> bool:
        return self.role in self.MFA_REQUIRED_ROLES

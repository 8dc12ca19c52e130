"""Indication reports (laporan indikasi) of TPPO/TPPM: persons, indicators, evidence, prevention
actions, shares and referrals. Identifiers are encrypted at rest, NIK and passport with a blind
index (portal.core.crypto) to find the same person without decrypting; history never copies them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.categories import ReportCategory
from portal.core.fields import CountryField, EncryptedTextField, mask
from portal.core.uploads import StoredUpload
from referrals.vocabularies import (
    OPEN_REFERRAL_STATUSES,
    Checkpoint,
    ControlMethod,
    ExploitationType,
    Industry,
    Outcome,
    PerpetratorRole,
    PersonRole,
    PreventionKind,
    RecruitmentMethod,
    ReferralOutcome,
    ReferralStatus,
    RegistryResult,
    ReportStatus,
    RequestedAction,
    RiskLevel,
    Sex,
    ShareStatus,
    Source,
    SuspectedMode,
    Urgency,
    VictimStatus,
)

NUMBER_PREFIX = "IND-36"  # 36: Banten's province code, as in the agencies' paper registers
# A report number as typed in a search: IND-36-CODE-YYYY-N…, or the former IND-36-YYYY-N…
# (one sequence for all agencies, until agencies had codes; those reports keep them).
NUMBER_RE = re.compile(r"^IND-\d{2}-(?:[A-Z0-9]{2,12}-)?\d{4}-\d{1,6}$", re.IGNORECASE)


REPORT_SERIES = "IND"
REFERRAL_SERIES = "RJK"


def format_report_number(*, code: str, year: int, serial: int) -> str:
    return f"{NUMBER_PREFIX}-{code}-{year}-{serial:06d}"


def format_referral_number(*, code: str, year: int, serial: int) -> str:
    """The sending agency's code and its own sequence per year, as for reports. Referrals
    sent before carry RJK-<id> (their letters' numbers, which stay valid)."""
    return f"{REFERRAL_SERIES}-{code}-{year}-{serial:04d}"


def normalise_report_number(text: str) -> str:
    """A number matched by NUMBER_RE as it is stored: capitals, the serial on six digits."""
    head, _sep, serial = text.strip().upper().rpartition("-")
    return f"{head}-{int(serial):06d}"


# "Highest risk first": the list sorts by this expression, and an index holds it per agency
# (report_agency_risk_idx), so the sort reads 25 index entries instead of sorting every row.
RISK_RANK = models.Case(
    models.When(risk_level="high", then=models.Value(3)),
    models.When(risk_level="medium", then=models.Value(2)),
    default=models.Value(1),
    output_field=models.IntegerField(),
)


def _codes(choices: type[models.TextChoices], max_length: int = 60, **kwargs: Any) -> ArrayField:
    return ArrayField(
        models.CharField(max_length=max_length, choices=choices.choices),
        default=list,
        blank=True,
        **kwargs,
    )


class NumberCounter(models.Model):
    """The last number given out in a series (reports, referrals) under an agency code in a
    year: IND-36-CODE-YYYY-NNNNNN, RJK-CODE-YYYY-NNNN. Keyed by the code, not the agency, so
    that numbers are unique by construction even when codes are changed or reused."""

    series = models.CharField(max_length=3)
    code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "referrals_numbercounter"  # named in services.next_serial's SQL
        constraints = [
            models.UniqueConstraint(
                fields=["series", "code", "year"], name="numbercounter_series_code_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.code} {self.year}: {self.last}"


def numbered_in(year: int) -> models.Q:
    """Reports numbered in `year`, in the current format or the former one."""
    return models.Q(number__regex=rf"^{NUMBER_PREFIX}-([A-Z0-9]+-)?{year}-[0-9]+$")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["search_vector", "updated_at"],
    model_name="ReportEvent",
)
class Report(models.Model):
    Status = ReportStatus

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("reporting agency"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("reporting officer"),
    )
    occurred_at = models.DateTimeField(_("date and time of the indication"))
    source = models.CharField(_("how it came to light"), max_length=30, choices=Source.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    place_detail = models.CharField(_("place details"), max_length=250, blank=True)
    desa = models.ForeignKey(
        "villages.DesaBinaan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("Desa Binaan"),
    )
    destination_country = CountryField(_("destination country"), blank=True)
    route = models.CharField(_("route and transit"), max_length=300, blank=True)
    mode = models.CharField(
        _("suspected mode"), max_length=30, choices=SuspectedMode.choices, blank=True
    )
    narrative = models.TextField(_("narrative"), blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    indicators = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("indicators")
    )
    suggested_categories = _codes(
        ReportCategory, max_length=20, verbose_name=_("suggested category")
    )
    categories = _codes(ReportCategory, max_length=20, verbose_name=_("category"))
    category_reason = models.TextField(_("reason for the category"), blank=True)
    recruitment_methods = _codes(RecruitmentMethod, verbose_name=_("methods of recruitment"))
    control_methods = _codes(ControlMethod, verbose_name=_("methods of control"))
    exploitation_types = _codes(ExploitationType, verbose_name=_("types of exploitation"))
    industries = _codes(Industry, verbose_name=_("industries"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome details"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    person_count = models.PositiveSmallIntegerField(_("persons"), default=0)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indication report")
        verbose_name_plural = _("indication reports")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.CLOSED) | ~Q(outcome=""),
                name="report_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="report_submitted_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-occurred_at", "-id"], name="report_agency_time_idx"),
            models.Index(fields=["agency", "status", "-occurred_at"], name="report_queue_idx"),
            # Counting a list (pagination) reads only this index: agency, drafts' authors.
            models.Index(fields=["agency", "status", "created_by"], name="report_scope_idx"),
            # Newest first across agencies: supervisors' and shared lists stop after a page.
            models.Index(fields=["-occurred_at", "-id"], name="report_time_idx"),
            models.Index(
                models.F("agency"),
                RISK_RANK.desc(),
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="report_agency_risk_idx",
            ),
            models.Index(fields=["region"], name="report_region_idx"),
            models.Index(fields=["desa"], name="report_desa_idx"),
            GinIndex(fields=["categories"], name="report_categories_gin"),
            GinIndex(fields=["search_vector"], name="report_search_gin"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def category_labels(self) -> list[str]:
        names = dict(ReportCategory.choices)
        return [str(names.get(c, c)) for c in self.categories]

    @property
    def category_overridden(self) -> bool:
        return bool(self.categories) and set(self.categories) != set(self.suggested_categories)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Personal identifiers never go into history rows, not even encrypted or hashed.
    exclude=["nik", "nik_index", "passport_number", "passport_index", "phone"],
    model_name="ReportPersonEvent",
)
class ReportPerson(models.Model):
    Role = PersonRole
    # Blind-index column: (kind, source field), for `manage.py rotate_keys --reindex`.
    BLIND_INDEXES = {"nik_index": ("nik", "nik"), "passport_index": ("passport", "passport_number")}

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="persons")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    full_name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, help_text=_("When the date of birth is not known.")
    )
    nik = EncryptedTextField(_("NIK"), blank=True)
    nik_index = models.CharField(max_length=64, blank=True, editable=False)
    passport_number = EncryptedTextField(_("passport number"), blank=True)
    passport_index = models.CharField(max_length=64, blank=True, editable=False)
    nationality = CountryField(_("nationality"), blank=True, default="ID")
    address_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home address"),
    )
    phone = EncryptedTextField(_("telephone"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    victim_status = models.CharField(
        _("victim status"), max_length=20, choices=VictimStatus.choices, blank=True
    )
    victim_status_by = models.CharField(_("victim status decided by"), max_length=200, blank=True)
    perpetrator_roles = _codes(PerpetratorRole, verbose_name=_("role in the process"))
    nik_warnings = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["report", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=PersonRole.values), name="report_person_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=120), name="report_person_age_sane"
            ),
        ]
        indexes = [
            models.Index(
                fields=["nik_index"], condition=~Q(nik_index=""), name="person_nik_index_idx"
            ),
            models.Index(
                fields=["passport_index"],
                condition=~Q(passport_index=""),
                name="person_passport_index_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def nik_masked(self) -> str:
        return mask(self.nik)

    @property
    def passport_masked(self) -> str:
        return mask(self.passport_number, keep_start=2, keep_end=2)

    @property
    def phone_masked(self) -> str:
        return mask(self.phone)

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on `day`: from the birth date, else the recorded age."""
        if self.birth_date:
            b = self.birth_date
            return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
        return self.age

    @property
    def is_suspect(self) -> bool:
        return self.role in (PersonRole.RECRUITER, PersonRole.SMUGGLER)


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document (PDF)")
    SCAN = "scan", _("Scanned document")
    SCREENSHOT = "screenshot", _("Screenshot (chat, advertisement)")
    OTHER = "other", _("Other")


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.report_id}/{instance.sha256[:24]}.{instance.extension}"


class Evidence(StoredUpload):
    """An uploaded file of a report. Stored outside the web root (MEDIA_ROOT); served only
    through a view that applies the report's access rules, and every download is audited."""

    Kind = EvidenceKind

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    file = models.FileField(upload_to=evidence_path, max_length=300)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sha256"], name="evidence_once"),
            models.CheckConstraint(condition=Q(size__gt=0) & ~Q(sha256=""), name="evidence_real"),
        ]

    def __str__(self) -> str:
        return self.description or self.original_name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="PreventionEvent")
class PreventionAction(models.Model):
    """A passport application deferred, suspended or refused after the interview, or a
    departure deferred at a checkpoint after the four steps (DOMAIN.md) — and later, whether
    and when it was lifted, on what documents."""

    Kind = PreventionKind

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="prevention_actions")
    person = models.ForeignKey(
        ReportPerson,
        on_delete=models.PROTECT,
        related_name="prevention_actions",
        verbose_name=_("person"),
    )
    office = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="prevention_actions",
        verbose_name=_("office"),
    )
    kind = models.CharField(_("action"), max_length=30, choices=PreventionKind.choices)
    date = models.DateField(_("date"), db_index=True)
    checkpoint = models.CharField(_("where"), max_length=20, choices=Checkpoint.choices)
    place = models.CharField(
        _("place"), max_length=200, help_text=_("e.g. Soekarno-Hatta airport, Terminal 3.")
    )
    destination_country = CountryField(_("intended destination"), blank=True)
    interviewed = models.BooleanField(_("interview held"), default=False)
    statement_signed = models.BooleanField(_("statement signed"), default=False)
    registry_result = models.CharField(
        _("migrant-worker registry (SISKOP2MI)"),
        max_length=20,
        choices=RegistryResult.choices,
        default=RegistryResult.NOT_CHECKED,
    )
    coordinated_with_bp3mi = models.BooleanField(_("coordinated with BP3MI"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_documents = models.TextField(_("documents shown to lift it"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("prevention action")
        verbose_name_plural = _("prevention actions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PreventionKind.values), name="prevention_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=models.F("date")),
                name="prevention_lifted_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def is_lifted(self) -> bool:
        return self.lifted_on is not None


# --- Sharing and referrals -----------------------------------------------------------------


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="ShareEvent")
class Share(models.Model):
    """A report made visible, read-only, to a partner agency under an agreement that allows
    it (agreements.sharing_policy). Kept when the agreement later ends: the partner still
    reads what it received, and the page says the agreement has ended."""

    Status = ShareStatus

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="received_shares",
        verbose_name=_("shared with"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="shares",
        verbose_name=_("under agreement"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ShareStatus.choices, default=ShareStatus.ACTIVE
    )
    note = models.TextField(_("note to the partner"), blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "agency"], name="share_once_per_agency"),
            models.CheckConstraint(
                condition=Q(status__in=ShareStatus.values), name="share_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ShareStatus.ACTIVE) | Q(shared_at__isnull=False),
                name="share_active_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "-shared_at"], name="share_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.agency}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="ReferralEvent")
class Referral(models.Model):
    """A request to one partner agency to act on a report. It goes to the agency's inbox;
    the agency's supervisors accept or decline it and assign it to one of their officers."""

    Status = ReferralStatus

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="referrals")
    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="sent_referrals",
        verbose_name=_("from"),
    )
    to_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="received_referrals",
        verbose_name=_("to"),
    )
    requested_action = models.CharField(
        _("requested action"), max_length=30, choices=RequestedAction.choices
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    due_on = models.DateField(_("due on"))
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        verbose_name=_("assigned to"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=ReferralOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("outcome details"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("completed or declined at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.COMPLETED) | ~Q(outcome=""),
                name="referral_completed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")), name="referral_to_another_agency"
            ),
        ]
        indexes = [
            models.Index(fields=["to_agency", "status", "due_on"], name="referral_inbox_idx"),
            models.Index(fields=["from_agency", "status", "due_on"], name="referral_outbox_idx"),
            # The statistics' referral figures: those sent by or to some agencies in a period
            # (docs/benchmarks.md).
            models.Index(fields=["from_agency", "sent_at"], name="referral_sent_from_idx"),
            models.Index(fields=["to_agency", "sent_at"], name="referral_sent_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report.number}: {self.get_requested_action_display()}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:referral_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class ReferralComment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


def referral_attachment_path(instance: ReferralAttachment, filename: str) -> str:
    return f"referrals/{instance.referral_id}/{instance.sha256[:24]}.{instance.extension}"


class ReferralAttachment(StoredUpload):
    """A file either side adds to a referral (a photo, a letter, a scanned statement)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=referral_attachment_path, max_length=300)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "sha256"], name="referral_attachment_once"),
        ]

    def __str__(self) -> str:
        return self.original_name

"""Desa Binaan: villages adopted by an immigration office for outreach and early detection of
TPPO/TPPM, with their partners, yearly figures and outreach activities."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.fields import EncryptedTextField
from portal.core.uploads import StoredUpload


class VillageStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    # Phone numbers are personal data: never copied, even encrypted, into history rows.
    exclude=["village_head_phone", "contact_phone"],
    model_name="DesaBinaanEvent",
)
class DesaBinaan(models.Model):
    Status = VillageStatus

    village = models.OneToOneField(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="desa_binaan",
        verbose_name=_("village"),
        limit_choices_to={"level": 4},
    )
    designating_office = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="designated_villages",
        verbose_name=_("designating office"),
    )
    designated_on = models.DateField(_("designated on"))
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    liaison_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="liaison_villages",
        verbose_name=_("liaison officers (PIMPASA)"),
    )
    village_head_name = models.CharField(_("village head"), max_length=150, blank=True)
    village_head_phone = EncryptedTextField(_("village head's telephone"), blank=True)
    contact_name = models.CharField(_("local contact"), max_length=150, blank=True)
    contact_role = models.CharField(_("local contact's role"), max_length=150, blank=True)
    contact_phone = EncryptedTextField(_("local contact's telephone"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VillageStatus.choices, default=VillageStatus.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Desa Binaan")
        verbose_name_plural = _("Desa Binaan")
        ordering = ["village__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VillageStatus.values), name="village_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["designating_office", "status"], name="village_office_status_idx"),
        ]

    def __str__(self) -> str:
        return self.village.name

    def get_absolute_url(self) -> str:
        return reverse("villages:detail", args=[self.pk])


class DesaBinaanPartner(models.Model):
    """An agency that co-manages a Desa Binaan, under the agreement that makes it a partner."""

    desa = models.ForeignKey(DesaBinaan, on_delete=models.CASCADE, related_name="partners")
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="partner_villages",
        verbose_name=_("agency"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("under agreement"),
    )
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("Desa Binaan partner")
        verbose_name_plural = _("Desa Binaan partners")
        constraints = [
            models.UniqueConstraint(fields=["desa", "agency"], name="village_partner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.desa}: {self.agency}"


class VillageFigure(models.Model):
    """The yearly figures the officers keep for a village."""

    desa = models.ForeignKey(DesaBinaan, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("year"))
    procedural_abroad = models.PositiveIntegerField(
        _("residents working abroad procedurally"), default=0
    )
    nonprocedural_departures = models.PositiveIntegerField(
        _("known non-procedural departures"), default=0
    )
    returnees = models.PositiveIntegerField(_("returnees"), default=0)
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("village figures")
        verbose_name_plural = _("village figures")
        ordering = ["desa", "year"]
        constraints = [
            models.UniqueConstraint(fields=["desa", "year"], name="village_figure_once_a_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="village_figure_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desa} {self.year}"


class ActivityKind(models.TextChoices):
    SOSIALISASI = "sosialisasi", _("Outreach (sosialisasi)")
    DISEMINASI = "diseminasi", _("Information dissemination (diseminasi)")
    JOINT_TRAINING = "joint_training", _("Joint training")
    COORDINATION_MEETING = "coordination_meeting", _("Coordination meeting")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door visit")


class Audience(models.TextChoices):
    CAMAT_LURAH = "camat_lurah", _("Heads of district and village (camat, lurah)")
    VILLAGE_OFFICIALS = "village_officials", _("Village officials")
    RESIDENTS = "residents", _("Residents")
    CALON_PMI = "calon_pmi", _("Prospective migrant workers (calon PMI)")
    PMI_FAMILIES = "pmi_families", _("Families of migrant workers")
    STUDENTS = "students", _("Students")
    YOUTH = "youth", _("Youth")
    OFFICERS = "officers", _("Officers of partner agencies")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), model_name="ActivityEvent")
class Activity(models.Model):
    Kind = ActivityKind

    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=250)
    date = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=250)
    organiser = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="organised_activities",
        verbose_name=_("organising agency"),
    )
    co_organisers = models.ManyToManyField(
        "accounts.Agency",
        blank=True,
        related_name="co_organised_activities",
        verbose_name=_("co-organisers"),
    )
    agreement_scope = models.ForeignKey(
        "agreements.AgreementScope",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("agreement and scope it fulfils"),
    )
    villages = models.ManyToManyField(
        DesaBinaan, blank=True, related_name="activities", verbose_name=_("Desa Binaan reached")
    )
    area = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area reached"),
        help_text=_("A regency, city or district when the activity addressed a whole area."),
    )
    audience = ArrayField(
        models.CharField(max_length=30, choices=Audience.choices),
        default=list,
        blank=True,
        verbose_name=_("audience"),
    )
    audience_notes = models.CharField(_("audience details"), max_length=300, blank=True)
    participants_male = models.PositiveIntegerField(_("participants (men)"), default=0)
    participants_female = models.PositiveIntegerField(_("participants (women)"), default=0)
    speakers = models.TextField(
        _("speakers"), blank=True, help_text=_("One per line: name — institution.")
    )
    summary = models.TextField(_("summary"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["organiser", "-date"], name="activity_organiser_date_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("villages:activity_detail", args=[self.pk])

    @property
    def participants(self) -> int:
        return self.participants_male + self.participants_female


class ActivityFileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    MATERIAL = "material", _("Material")


def activity_file_path(instance: "ActivityFile", filename: str) -> str:
    return f"activities/{instance.activity_id}/{instance.sha256[:24]}.{instance.extension}"


class ActivityFile(StoredUpload):
    """A photo or material of an activity. Stored outside the web root; served only through
    a view that checks access."""

    Kind = ActivityFileKind

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityFileKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(upload_to=activity_file_path, max_length=300)

    class Meta:
        ordering = ["kind", "uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "sha256"], name="activity_file_once"),
            models.CheckConstraint(
                condition=Q(size__gt=0) & ~Q(sha256=""), name="activity_file_real"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.original_name

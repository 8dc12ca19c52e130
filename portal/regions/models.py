from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri administrative region: province, regency/city, district or village.

    The code is the official one with dots (`36`, `36.71`, `36.71.01`, `36.71.01.1001`); its
    number of parts is the level, and the code without its last part is the parent's code.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        DISTRICT = 3, _("District")
        VILLAGE = 4, _("Village")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "name"], name="region_level_name_idx"),
            # Substring search by name (ILIKE '%…%') through pg_trgm; see selectors.region_search.
            GinIndex(fields=["name"], name="region_name_trgm", opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="region_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class FormerRegionCode(models.Model):
    """A province, regency/city or district code from an earlier Kemendagri edition (2018-2023)
    that the current list no longer has, mostly from the Papua splits. A NIK keeps the district
    code of its first registration, so NIK validation accepts these codes too."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    last_seen_in = models.PositiveSmallIntegerField(_("last seen in edition"))

    class Meta:
        verbose_name = _("former region code")
        verbose_name_plural = _("former region codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, until {self.last_seen_in})"

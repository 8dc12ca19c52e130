"""What the codes villages store in audit entries mean (portal/audit/details.py), registered
by VillagesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.audit.details import register_key, register_values
from portal.audit.models import AuditEntry
from portal.regions.models import Region
from villages.models import DesaBinaan, VillageFigure

Action = AuditEntry.Action


def _region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def register() -> None:
    register_key("village", _("Village"))
    register_key("partner", _("Partner"))
    register_values("village", _region_names)
    register_values(
        "field",
        {
            f.name: f.verbose_name
            for f in DesaBinaan._meta.concrete_fields
            if f.name in ("village_head_phone", "contact_phone")
        },
    )
    for field in VillageFigure._meta.concrete_fields:
        if field.name in ("year", "procedural_abroad", "nonprocedural_departures", "returnees"):
            register_key(field.name, field.verbose_name, actions=[Action.VILLAGE_FIGURES_SAVED])
    register_key("new", _("First figures of the year"), actions=[Action.VILLAGE_FIGURES_SAVED])

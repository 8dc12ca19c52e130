"""What the codes agreements store in audit entries mean (portal/audit/details.py),
registered by AgreementsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from agreements.models import Party, Scope
from portal.audit.details import register_key, register_values


def _scope_names(codes: set[str]) -> dict[str, str]:
    return {s.code: s.name for s in Scope.objects.filter(code__in=codes)}


def register() -> None:
    register_key("scope", _("Scope"))
    register_key("party", _("Party"))
    register_key("parties", _("Parties"))
    register_key("covers_child_offices", Party._meta.get_field("covers_child_offices").verbose_name)
    register_values("scope", _scope_names)
    register_values("parties", {"all": _("All parties")})

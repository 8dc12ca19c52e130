from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # Sign-in events reach us only as signals from Django and allauth; the receivers
        # do nothing but call audit_record(). Imported here: they load models.
        from portal.audit import receivers  # noqa: F401

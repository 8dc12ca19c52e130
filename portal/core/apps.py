from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Sinergi core")

    def ready(self) -> None:
        # Registers the django-rules permissions, the one place access rules live.
        from portal import access  # noqa: F401

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Sinergi core")

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        # Registers the django-rules permissions, the one place access rules live.
        from portal import access  # noqa: F401
        from portal.core.errors import note_database_unavailable

        # A failed database connection answers 503 even with DEBUG on (portal/core/errors.py).
        got_request_exception.connect(note_database_unavailable, dispatch_uid="sinergi-503")
        # Each app's dashboard.py registers the home page's panels of its data.
        autodiscover_modules("dashboard")

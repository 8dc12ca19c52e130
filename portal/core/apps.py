from django.apps import AppConfig
from django.core.signals import got_request_exception
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from portal.core.errors import note_database_unavailable


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Sinergi core")

    def ready(self) -> None:
        # Registers the django-rules permissions, the one place access rules live; imported
        # here because it loads models, which the app registry has not yet when apps.py loads.
        from portal import access  # noqa: F401

        # A failed database connection answers 503 even with DEBUG on (portal/core/errors.py).
        got_request_exception.connect(note_database_unavailable, dispatch_uid="sinergi-503")
        # Each app's dashboard.py registers the home page's panels of its data.
        autodiscover_modules("dashboard")

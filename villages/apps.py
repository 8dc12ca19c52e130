from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Desa Binaan")

    def ready(self) -> None:
        # Imported here: these load models, which the app registry has not yet at import time.
        from villages import (
            audit_details,
            permissions,  # noqa: F401  (registers the rules)
        )

        audit_details.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import register


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # Imported here: these load models, which the app registry has not yet at import time.
        from agreements import (
            audit_details,
            permissions,  # noqa: F401  (registers the rules)
        )

        audit_details.register()
        from agreements.signals import connect

        connect(self)  # the sharing policy's cache follows every write to its inputs
        register("agreement_expiry", _("An agreement of my agency is about to end"))

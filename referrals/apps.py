from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import register


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Indication reports")

    def ready(self) -> None:
        # Imported here: these load models, which the app registry has not yet at import time.
        from referrals import (
            audit_details,
            permissions,  # noqa: F401  (registers the rules)
        )
        from referrals.services import EVENT_KINDS

        for kind, label in EVENT_KINDS.items():
            register(kind, label)
        audit_details.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Agencies and accounts")

    def ready(self) -> None:
        # Imported once the app registry is ready: signals.py loads the models.
        from portal.accounts.signals import connect

        connect(self)  # the cached agency tree follows every write to an agency

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Desa Binaan")

    def ready(self) -> None:
        from villages import permissions  # noqa: F401  (registers the rules)

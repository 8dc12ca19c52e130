from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "portal.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        # Every app adds its datasets to portal.exports.registry in its exports.py (as with the
        # admin's admin.py); an error in one of them stops the start.
        autodiscover_modules("exports")
        # The services queue these tasks by name (tasks.py imports the services): register them
        # in the web processes too, where Celery does not look for tasks modules.
        from portal.exports import tasks  # noqa: F401

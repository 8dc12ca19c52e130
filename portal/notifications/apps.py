from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The services queue these tasks by name (tasks.py imports the services): register them
        # in the web processes too, where Celery does not look for tasks modules.
        from portal.notifications import tasks  # noqa: F401

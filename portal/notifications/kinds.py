"""The kinds of event users are notified of, and their labels for the preferences page. Each
app registers its own (in AppConfig.ready) so that this lower app never imports a higher one."""

from django.utils.functional import Promise

EMAIL_KINDS: dict[str, Promise | str] = {}


def register(kind: str, label: Promise | str) -> None:
    EMAIL_KINDS[kind] = label

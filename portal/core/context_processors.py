from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """What the base layout needs on every page: the navigation entries this user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from portal.notifications.services import unread_count

    return {
        "nav": {
            "users": user.has_perm("accounts.list_users"),
            "audit": user.has_perm("audit.view_auditentry"),
            "scopes": user.has_perm("agreements.manage_scopes"),
        },
        "unread_notifications": unread_count(user=user),
    }

import rules
from django.http import HttpRequest

from portal.notifications.services import unread_count


def portal(request: HttpRequest) -> dict:
    """What the base layout needs on every page: the navigation entries this user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The rules themselves (portal/access.py), not user.has_perm(): for a "no" that would ask
    # Django's ModelBackend too, two queries on every page for permissions nobody grants.
    return {
        "nav": {
            "users": rules.has_perm("accounts.list_users", user),
            "audit": rules.has_perm("audit.view_auditentry", user),
            "scopes": rules.has_perm("agreements.manage_scopes", user),
            "cases": rules.has_perm("referrals.read_case_files", user),
            "review": rules.has_perm("referrals.view_review_queue", user),
        },
        "unread_notifications": unread_count(user=user),
    }

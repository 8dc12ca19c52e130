"""Django's and allauth's authentication backends, loading a session's user with what every
page asks about them (agency, unread notification count, TOTP enrolment) in one query instead
of four. Readers of those annotations fall back to a query of their own for a user loaded
otherwise (a token's user, `refresh_from_db`)."""

from __future__ import annotations

import functools

from allauth.account import auth_backends as allauth_backends
from allauth.mfa.models import Authenticator
from asgiref.sync import sync_to_async
from django.contrib.auth import backends as django_backends
from django.db.models import Exists, OuterRef, QuerySet

from portal.accounts.models import User
from portal.notifications.services import UNREAD_COUNT_ATTR, unread_count_subquery

# Whether the user has a TOTP authenticator, as RequireMfaMiddleware asks it.
TOTP_ENROLLED_ATTR = "totp_enrolled"

# Sessions signed in before these backends existed name the ones they replace; Django signs
# out a session whose backend is not configured any more, so the request that meets such a
# session renames its backend (SessionBackendUpgradeMiddleware). Sessions end after
# SESSION_IDLE_MINUTES of inactivity: once that long has passed since the deploy, no session
# names an old backend and the renaming can go.
LEGACY_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "portal.accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "portal.accounts.backends.AuthenticationBackend"
    ),
}


@functools.cache
def session_user_queryset() -> QuerySet[User]:
    """Users with their agency, unread notification count and TOTP enrolment. Built once per
    process, as resolving its sub-selects costs (docs/benchmarks.md); each use filters a clone."""
    return User._default_manager.select_related("agency").annotate(
        **{
            UNREAD_COUNT_ATTR: unread_count_subquery(OuterRef("pk")),
            TOTP_ENROLLED_ATTR: Exists(
                Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        }
    )


class SessionUserMixin:
    """`get_user` (the user of a session) from `session_user_queryset()`; the rest, including
    the check that the user may still sign in (inactive users get no user), as inherited."""

    def get_user(self, user_id: int) -> User | None:
        try:
            user = session_user_queryset().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]

    async def aget_user(self, user_id: int) -> User | None:
        return await sync_to_async(self.get_user)(user_id)


class ModelBackend(SessionUserMixin, django_backends.ModelBackend):
    """Django's username and password backend."""


class AuthenticationBackend(SessionUserMixin, allauth_backends.AuthenticationBackend):
    """allauth's backend (sign-in by e-mail or username; the one allauth's login records)."""

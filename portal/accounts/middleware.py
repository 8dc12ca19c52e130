"""Supervisors and admins must enrol a TOTP authenticator before they can use the portal:
allauth has no "require MFA for role X" switch, so this middleware sends them to enrol first."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.backends import LEGACY_BACKENDS, TOTP_ENROLLED_ATTR
from portal.accounts.models import User

ALLOWED_URL_NAMES = (
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "set_language",
    "health",
)


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed_paths: frozenset[str] | None = None
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def allowed_paths(self) -> frozenset[str]:
        if self._allowed_paths is None:
            self._allowed_paths = frozenset(reverse(name) for name in ALLOWED_URL_NAMES)
        return self._allowed_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "requires_mfa", False)
            and request.path not in self.allowed_paths()
            and not request.path.startswith(self.static_prefix)
            and not self.totp_enrolled(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor authentication must be set up first.")}, status=403
                )
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set it up to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def totp_enrolled(user: User) -> bool:
        # Loaded with the session's user (portal.accounts.backends), else asked.
        enrolled = getattr(user, TOTP_ENROLLED_ATTR, None)
        if enrolled is not None:
            return enrolled
        return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class SessionBackendUpgradeMiddleware:
    """A session signed in with one of the backends that portal.accounts.backends replaced
    names the replacement from now on (one write of the session), instead of being signed out
    by Django for naming a backend no longer configured. See LEGACY_BACKENDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replacement = LEGACY_BACKENDS.get(request.session.get(BACKEND_SESSION_KEY, ""))
        if replacement is not None and replacement in settings.AUTHENTICATION_BACKENDS:
            request.session[BACKEND_SESSION_KEY] = replacement
        return self.get_response(request)

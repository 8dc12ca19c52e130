"""allauth adapters: closed sign-up, failed sign-ins counted per account, and TOTP secrets
encrypted at rest."""

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from portal.accounts.selectors import account_id_for_login
from portal.core.crypto import decrypt_str, encrypt_str


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by agency admins (portal.accounts.services.user_create).
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of ACCOUNT_RATE_LIMITS["login_failed"]'s per-key rule: the account the typed
        login names, however typed (allauth keys on the lower-cased text, so a username and its
        e-mail counted apart). An unknown login keys on its normalised text: nothing is revealed."""
        login = str(credentials.get("email") or credentials.get("username") or "")
        login = login.strip().lower()
        account_id = account_id_for_login(login)
        who = f"account:{account_id}" if account_id is not None else f"login:{login}"
        return f"{get_current_site(request).domain}:{who}"

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A supervisor sent to enrol TOTP right after signing in has just typed the password:
        asking for it again would only confuse. Every other sensitive step (removing a factor,
        changing the password) still asks, as allauth does by default."""
        request = self.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            user = request.user
            if not Authenticator.objects.filter(user_id=user.pk).exists():
                records = get_authentication_records(request, user)
                timeout = account_settings.REAUTHENTICATION_TIMEOUT
                if records and time.time() - records[-1]["at"] < timeout:
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MfaAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_str(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_str(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # A supervisor or admin may not switch off the second factor their role requires;
        # an admin can reset it for them (accounts:user_mfa_reset) when a phone is lost.
        if authenticator.type == Authenticator.Type.TOTP:
            return not getattr(authenticator.user, "requires_mfa", False)
        return True

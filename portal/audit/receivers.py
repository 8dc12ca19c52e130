"""Sign-in events, which only arrive as signals. Each receiver just calls audit_record()."""

from typing import Any

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authentication_failed as mfa_authentication_failed
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _login(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    audit_record(action=AuditEntry.Action.LOGIN, actor=user, request=request, target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logout(sender: object, request: HttpRequest, user: User | None, **kwargs: object) -> None:
    if user is not None:
        audit_record(action=AuditEntry.Action.LOGOUT, actor=user, request=request, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: object,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    # Django has already replaced the password with asterisks; keep only the login name.
    login = str(credentials.get("username") or credentials.get("email") or "")[:150]
    user_model = get_user_model()
    account = (
        user_model.objects.filter(username__iexact=login).first()
        or user_model.objects.filter(email__iexact=login).first()
        if login
        else None
    )
    audit_record(
        action=AuditEntry.Action.LOGIN_FAILED,
        actor_label=login,
        request=request,
        target=account,
        data={"login": login},
    )


@receiver(password_changed, dispatch_uid="audit_password_changed")
def _password_changed(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    audit_record(
        action=AuditEntry.Action.PASSWORD_CHANGED, actor=user, request=request, target=user
    )


@receiver(password_reset, dispatch_uid="audit_password_reset")
def _password_reset(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    audit_record(
        action=AuditEntry.Action.PASSWORD_RESET,
        actor_label=f"{user} ({user.username})",
        request=request,
        target=user,
    )


@receiver(authenticator_added, dispatch_uid="audit_mfa_added")
def _mfa_added(
    sender: object, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: object
) -> None:
    audit_record(
        action=AuditEntry.Action.MFA_ENABLED,
        actor=user,
        request=request,
        target=user,
        data={"type": authenticator.type},
    )


@receiver(authenticator_removed, dispatch_uid="audit_mfa_removed")
def _mfa_removed(
    sender: object, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: object
) -> None:
    audit_record(
        action=AuditEntry.Action.MFA_DISABLED,
        actor=user,
        request=request,
        target=user,
        data={"type": authenticator.type},
    )


@receiver(mfa_authentication_failed, dispatch_uid="audit_mfa_failed")
def _mfa_failed(
    sender: object, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: object
) -> None:
    audit_record(
        action=AuditEntry.Action.LOGIN_FAILED,
        actor_label=f"{user} ({user.username})",
        request=request,
        target=user,
        data={"stage": "mfa", "type": authenticator.type},
    )

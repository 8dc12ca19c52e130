"""Writes to agencies and accounts. Each service checks the actor's right, validates, saves,
and appends an audit entry in the same transaction."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portal import access
from portal.accounts.hierarchy import agencies_at_or_below
from portal.accounts.models import Agency, User, agency_code_from
from portal.audit.models import AuditEntry
from portal.audit.services import apply_changes, audit_record

USER_FIELDS = [
    "username",
    "full_name",
    "email",
    "agency",
    "role",
    "position",
    "employee_number",
    "phone",
]
AGENCY_FIELDS = [
    "name",
    "short_name",
    "code",
    "kind",
    "parent",
    "region",
    "email",
    "phone",
    "address",
]


def agency_code_for(short_name: str) -> str:
    """A free code derived from the short name (models.agency_code_from), for agencies created
    without one typed."""
    taken = set(Agency.objects.values_list("code", flat=True))
    return agency_code_from(short_name, taken)


def _check_role_and_agency(*, actor: User, role: str, agency: Agency) -> None:
    if role not in access.assignable_roles(actor):
        raise PermissionDenied(_("You may not give this role."))
    if not access.assignable_agencies(actor).filter(pk=agency.pk).exists():
        raise PermissionDenied(_("You may not place accounts in this agency."))


def sync_email_address(user: User) -> None:
    """allauth signs in and resets passwords by the addresses it knows: keep one, verified
    (an admin typed it), primary, and equal to the account's."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    email: str,
    agency: Agency,
    role: str,
    position: str = "",
    employee_number: str = "",
    phone: str = "",
    password: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create an account. Without a password the account can only be entered after its owner
    sets one through the e-mailed link (send it with user_send_password_link)."""
    if not actor.has_perm("accounts.add_user"):
        raise PermissionDenied
    _check_role_and_agency(actor=actor, role=role, agency=agency)
    user = User(
        username=username,
        full_name=full_name,
        email=email.strip(),
        agency=agency,
        role=role,
        position=position,
        employee_number=employee_number,
        phone=phone,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    sync_email_address(user)
    audit_record(
        action=AuditEntry.Action.USER_CREATED,
        actor=actor,
        request=request,
        target=user,
        data={"role": role, "agency": str(agency)},
    )
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, request: HttpRequest | None = None, **changes: Any
) -> User:
    """Change an account's profile, role or agency."""
    if not actor.has_perm("accounts.change_user", user):
        raise PermissionDenied
    diff = apply_changes(user, changes, USER_FIELDS)
    if "role" in diff or "agency" in diff:
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot change your own role or agency."))
        _check_role_and_agency(actor=actor, role=user.role, agency=user.agency)
    user.full_clean()
    if not diff:
        return user
    user.save(update_fields=[*diff.keys(), "updated_at"])
    if "email" in diff:
        sync_email_address(user)
    audit_record(
        action=AuditEntry.Action.USER_UPDATED,
        actor=actor,
        request=request,
        target=user,
        data={"changes": diff},
    )
    return user


@transaction.atomic
def user_set_active(
    *, actor: User, user: User, active: bool, request: HttpRequest | None = None
) -> User:
    """Deactivate (the account can no longer sign in; its records stay) or reactivate."""
    if not actor.has_perm("accounts.change_user", user):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active", "updated_at"])
    # No session needs ending: Django's authentication backend refuses inactive accounts on
    # their next request, which signs them out.
    audit_record(
        action=AuditEntry.Action.USER_REACTIVATED if active else AuditEntry.Action.USER_DEACTIVATED,
        actor=actor,
        request=request,
        target=user,
    )
    return user


def user_send_password_link(*, actor: User, user: User, request: HttpRequest) -> None:
    """E-mail the account's owner a link to set a new password (also how new accounts are
    handed over: the admin never knows the password)."""
    if not actor.has_perm("accounts.change_user", user):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("The account is deactivated."))
    form = ResetPasswordForm(data={"email": user.email})
    if not form.is_valid():
        raise ValidationError(form.errors.as_text())
    form.save(request)
    audit_record(
        action=AuditEntry.Action.PASSWORD_RESET_REQUESTED,
        actor=actor,
        request=request,
        target=user,
    )


@transaction.atomic
def user_mfa_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """Remove an account's authenticators (lost phone). A supervisor or admin must enrol again
    at the next sign-in. Returns how many were removed."""
    if not actor.has_perm("accounts.change_user", user) or user.pk == actor.pk:
        raise PermissionDenied
    removed, _detail = Authenticator.objects.filter(user=user).delete()
    audit_record(
        action=AuditEntry.Action.MFA_RESET,
        actor=actor,
        request=request,
        target=user,
        data={"removed": removed},
    )
    return removed


def _check_parent(agency: Agency) -> None:
    """Refuse a parent that is the agency itself or lies below it (a cycle)."""
    if agency.parent_id is None or agency.pk is None:
        return
    if agency.parent_id in agencies_at_or_below({agency.pk}):
        raise ValidationError(
            {"parent": _("An agency cannot be placed under itself or one of its own offices.")}
        )


@transaction.atomic
def agency_create(*, actor: User, request: HttpRequest | None = None, **fields: Any) -> Agency:
    if not actor.has_perm("accounts.add_agency"):
        raise PermissionDenied
    unknown = set(fields) - set(AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    agency = Agency(**fields)
    if not agency.code:
        agency.code = agency_code_for(agency.short_name)
    agency.full_clean()
    agency.save()
    audit_record(
        action=AuditEntry.Action.AGENCY_CREATED, actor=actor, request=request, target=agency
    )
    return agency


@transaction.atomic
def agency_update(
    *, actor: User, agency: Agency, request: HttpRequest | None = None, **changes: Any
) -> Agency:
    if not actor.has_perm("accounts.change_agency"):
        raise PermissionDenied
    diff = apply_changes(agency, changes, [*AGENCY_FIELDS, "is_active"])
    _check_parent(agency)
    agency.full_clean()
    if not diff:
        return agency
    agency.save(update_fields=[*diff.keys(), "updated_at"])
    audit_record(
        action=AuditEntry.Action.AGENCY_UPDATED,
        actor=actor,
        request=request,
        target=agency,
        data={"changes": diff},
    )
    return agency


AGENCY_SETTINGS_FIELDS = ["share_requires_approval", "referral_days_normal", "referral_days_urgent"]


@transaction.atomic
def agency_settings_update(
    *, actor: User, agency: Agency, request: HttpRequest | None = None, **changes: Any
) -> Agency:
    """The settings an agency's own admin keeps: sharing approval and referral deadlines."""
    if not actor.has_perm("accounts.change_agency_settings", agency):
        raise PermissionDenied
    diff = apply_changes(agency, changes, AGENCY_SETTINGS_FIELDS)
    errors = {}
    for name in ("referral_days_normal", "referral_days_urgent"):
        if not 1 <= getattr(agency, name) <= 60:
            errors[name] = [_("Enter between 1 and 60 working days.")]
    if not errors and agency.referral_days_urgent > agency.referral_days_normal:
        errors["referral_days_urgent"] = [
            _("An urgent referral cannot have more time than a normal one.")
        ]
    if errors:
        raise ValidationError(errors)
    if diff:
        agency.save()
        audit_record(
            action=AuditEntry.Action.AGENCY_SETTINGS_UPDATED,
            actor=actor,
            request=request,
            target=agency,
            data={"changes": diff},
        )
    return agency

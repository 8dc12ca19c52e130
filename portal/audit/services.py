"""Writing the audit log. Every service that changes something calls audit_record()."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from portal.audit.models import AuditEntry

if TYPE_CHECKING:
    from portal.accounts.models import Agency, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address; the first X-Forwarded-For hop only behind a trusted proxy."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
    target: models.Model | None = None,
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. The agency defaults to the target's agency (or the target itself if
    it is an agency), else the actor's, so that agency admins find what concerns them."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if agency is None and target is not None:
        if target._meta.label == "accounts.Agency":
            agency = target  # type: ignore[assignment]
        else:
            agency = getattr(target, "agency", None)
    if agency is None and actor is not None:
        agency = actor.agency
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label or (f"{actor} ({actor.username})" if actor else ""),
        agency=agency,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        data=data or {},
    )


def apply_changes(instance: models.Model, changes: dict[str, Any], allowed: list[str]) -> dict:
    """Set `changes` on `instance` (only fields in `allowed`; anything else is a programming
    error) and return {field: [old, new]} for the values that really changed. Validation and
    saving stay with the calling service."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = {name: getattr(instance, name) for name in allowed}
    for name, value in changes.items():
        setattr(instance, name, value)
    return model_changes(before, instance, allowed)


def model_changes(before: dict[str, Any], after: models.Model, fields: list[str]) -> dict:
    """{field: [old, new]} for the fields whose value changed, as strings for the log."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(after, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)

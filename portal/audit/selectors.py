"""Reads of the audit log, scoped: system admins see everything, agency admins what concerns
their agency, anyone else only entries about themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet

from portal import access
from portal.audit.models import AuditEntry

if TYPE_CHECKING:
    from portal.accounts.models import User


def visible_audit_entries(user: User) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor", "agency")
    if access.is_system_admin(user):
        return qs
    if access.is_agency_admin(user):
        return qs.filter(agency_id=user.agency_id)
    return qs.filter(Q(actor=user) | Q(target_type="accounts.User", target_id=str(user.pk)))


@dataclass(frozen=True)
class AuditFilters:
    q: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_list(*, user: User, filters: AuditFilters) -> QuerySet[AuditEntry]:
    qs = visible_audit_entries(user)
    if filters.q:
        qs = qs.filter(
            Q(actor_label__icontains=filters.q)
            | Q(target_label__icontains=filters.q)
            | Q(ip_address__startswith=filters.q)
        )
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs


def audit_list_for_target(*, user: User, target: models.Model) -> QuerySet[AuditEntry]:
    return visible_audit_entries(user).filter(
        target_type=target._meta.label, target_id=str(target.pk)
    )

"""Reads of agreements, always starting from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from agreements.models import (
    Agreement,
    AgreementQuerySet,
    AgreementScope,
    AgreementStatus,
    Party,
    Scope,
)
from portal import access
from portal.accounts.hierarchy import agency_ancestor_ids
from portal.accounts.models import Agency
from portal.audit.models import AuditEntry

if TYPE_CHECKING:
    from portal.accounts.models import User


def visible_agreements(user: User) -> AgreementQuerySet:
    """System admins see every agreement. Everyone else sees the agreements, other than
    drafts, that bind an agency whose records they see: a party agency itself, or an office
    below a party whose agreement covers its child offices."""
    qs = Agreement.objects.all()
    if access.is_system_admin(user):
        return qs
    own = access.visible_agency_ids(user)
    if not own:
        return qs.none()
    ancestors = getattr(user, "_agency_ancestor_ids", None)
    if ancestors is None:  # memoised for the request: lists ask more than once
        ancestors = agency_ancestor_ids(own)
        user._agency_ancestor_ids = ancestors  # type: ignore[attr-defined]
    binds_us = Party.objects.filter(agreement=OuterRef("pk")).filter(
        Q(agency_id__in=own) | Q(agency_id__in=ancestors, covers_child_offices=True)
    )
    return qs.exclude(status=AgreementStatus.DRAFT).filter(Exists(binds_us))


def get_agreement_for(user: User, pk: int) -> Agreement:
    """The agreement if `user` may see it; the same 404 whether missing or not theirs."""
    agreement = access.get_for(user, visible_agreements, pk)
    return agreement


@dataclass(frozen=True)
class AgreementFilters:
    q: str = ""
    status: str = ""
    partner_id: int | None = None
    scope_id: int | None = None


def agreement_list(*, user: User, filters: AgreementFilters) -> QuerySet[Agreement]:
    qs = visible_agreements(user)
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(parties__agreement_number__icontains=filters.q)
            | Q(summary__icontains=filters.q)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.partner_id:
        qs = qs.filter(parties__agency_id=filters.partner_id)
    if filters.scope_id:
        qs = qs.filter(scopes__scope_id=filters.scope_id)
    return (
        qs.distinct()
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.select_related("agency").order_by("id")),
            Prefetch(
                "scopes",
                queryset=AgreementScope.objects.select_related("scope").order_by(
                    "scope__sort_order"
                ),
            ),
        )
        .order_by("-effective_from", "title")
    )


def agreement_detail(*, agreement: Agreement) -> Agreement:
    """The agreement with its parties, scopes and documents loaded for the detail page."""
    return (
        Agreement.objects.filter(pk=agreement.pk)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.select_related("agency", "agency__parent").order_by("id"),
            ),
            Prefetch(
                "scopes",
                queryset=AgreementScope.objects.select_related("scope")
                .prefetch_related(
                    Prefetch("parties", queryset=Party.objects.select_related("agency"))
                )
                .order_by("scope__sort_order"),
            ),
            "documents",
        )
        .get()
    )


def agreement_timeline(*, agreement: Agreement) -> QuerySet[AuditEntry]:
    """Every recorded change to the agreement, its parties, scopes and documents."""
    return AuditEntry.objects.filter(
        target_type=Agreement._meta.label, target_id=str(agreement.pk)
    ).select_related("actor")


def partner_agencies_in_agreements(user: User) -> QuerySet[Agency]:
    """Agencies appearing as parties in the agreements `user` sees (for the partner filter)."""
    return (
        Agency.objects.filter(agreement_parties__agreement__in=visible_agreements(user))
        .distinct()
        .order_by("name")
    )


def scope_list(*, active_only: bool = False) -> QuerySet[Scope]:
    qs = Scope.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "code")

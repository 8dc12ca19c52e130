"""Reads of agencies and accounts, always starting from the access module."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils.functional import Promise

from portal import access
from portal.accounts.models import Agency, User


def account_id_for_login(login: str) -> int | None:
    """The account a typed sign-in login names (lower-cased and stripped already): by e-mail
    address or by username, as allauth's backend tries them (the e-mail first), on the two
    lower-case unique indexes."""
    if not login:
        return None
    matches = (
        User.objects.alias(email_lower=Lower("email"), username_lower=Lower("username"))
        .filter(Q(email_lower=login) | Q(username_lower=login))
        .order_by(Case(When(email_lower=login, then=Value(0)), default=Value(1)))
    )
    return matches.values_list("pk", flat=True).first()


@dataclass(frozen=True)
class UserFilters:
    q: str = ""
    role: str = ""
    agency_id: int | None = None
    active: bool | None = None


def user_list(*, user: User, filters: UserFilters) -> QuerySet[User]:
    qs = access.manageable_users(user)
    if filters.q:
        qs = qs.filter(
            Q(full_name__icontains=filters.q)
            | Q(username__icontains=filters.q)
            | Q(email__icontains=filters.q)
            | Q(employee_number__icontains=filters.q)
        )
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.agency_id:
        qs = qs.filter(agency_id=filters.agency_id)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.order_by("agency__name", "full_name", "username")


@dataclass(frozen=True)
class AgencyFilters:
    q: str = ""
    kind: str = ""


def agency_list(*, filters: AgencyFilters) -> QuerySet[Agency]:
    """The directory of agencies. Names, kinds and contacts of agencies are not case data:
    every signed-in user may read them."""
    qs = Agency.objects.select_related("parent", "region").annotate(
        active_users=Count("users", filter=Q(users__is_active=True))
    )
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(short_name__icontains=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("name")


def agency_get(*, pk: int) -> Agency | None:
    return Agency.objects.select_related("parent", "region").filter(pk=pk).first()


def agency_offices(*, agency: Agency) -> QuerySet[Agency]:
    return agency.children.order_by("name")


def agency_role_counts(*, agency: Agency) -> list[tuple[str | Promise, int]]:
    """(role label, number of active accounts) for every role, in one query."""
    counts = dict(
        agency.users.filter(is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return [(label, counts.get(value, 0)) for value, label in User.Role.choices]

"""THE access rules of Sinergi, in one place.

Two kinds of question are answered here, and nowhere else:

* *Which records may this user see?* — `visible_agency_ids(user)` names the agencies a user
  sees as their own: their agency, and for a supervisor of a parent agency (a Kanwil, a Polda)
  every agency below it (the cached agency tree, portal/accounts/hierarchy.py). Their
  villages, agreements and aggregate figures follow it. Case files (reports, persons,
  evidence, shares, referrals and their exports) follow `case_file_agency_ids(user)`, which
  is the same set for whoever `reads_case_files(user)` and empty for a system admin: running
  the portal gives no right to read a case, not even of its own agency. Shares under
  agreements (agreements app) add to this for single records; they never widen it.
* *May this user do X to this object?* — one idiom: a typed predicate function decorated with
  `@rules.predicate`, here or (when it needs a domain's models) in that app's `permissions.py`,
  and registered with `rules.add_perm("<app>.<action>_<model>", predicate)`. Python (views,
  forms, serializers, services, DRF permission classes in portal.api.permissions) calls the
  predicate itself; templates read a flag the view computed from it or `{% has_perm %}`.
  Nothing else compares a role or an agency's kind (tests/security/test_access_idiom.py holds this).
  The matching querysets (`manageable_users`) keep lists, counts and exports on the same rule.

Lookups of guarded objects go through `get_for(user, selector, pk)`, which raises the same
Http404 for "does not exist" and "not yours", so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import rules
from django.db.models import Manager, Model, QuerySet
from django.http import Http404

from portal.accounts.hierarchy import agencies_at_or_below
from portal.accounts.models import Agency, AgencyKind, User

M = TypeVar("M", bound=Model)

# The roles that work on case files: write reports, share, refer, be assigned a referral.
CASE_WORKER_ROLES = ("officer", "supervisor")


# --- Which agencies' records a user may see ------------------------------------------------


def visible_agency_ids(user: User) -> frozenset[int]:
    """Agencies whose records `user` sees as their own. Memoised on the user object for the
    request, since every list and detail asks."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_visible_agency_ids", None)
    if cached is not None:
        return cached
    ids = {user.agency_id}
    if is_supervisor(user):
        ids = agencies_at_or_below(ids)
    result = frozenset(ids)
    user._visible_agency_ids = result  # type: ignore[attr-defined]
    return result


# --- Predicates (django-rules) -------------------------------------------------------------


@rules.predicate
def is_system_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == "system_admin")


@rules.predicate
def reads_case_files(user: User) -> bool:
    """May `user` read case files at all — reports, persons, evidence, shares, referrals and
    their exports? Every active account but a system admin's: a technical role keeps agencies,
    accounts, agreements, scopes, audit and aggregate statistics, and reads no case, whatever
    its agency."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and not is_system_admin(user)
    )


def case_file_agency_ids(user: User) -> frozenset[int]:
    """The agencies whose case files `user` reads as their own: `visible_agency_ids(user)` for
    those who `reads_case_files`, none otherwise. The root of every case-file selector
    (referrals.selectors), so that pages, API, exports and counts all follow it."""
    return visible_agency_ids(user) if reads_case_files(user) else frozenset()


@rules.predicate
def is_agency_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == "agency_admin")


@rules.predicate
def is_supervisor(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == "supervisor")


@rules.predicate
def is_case_worker(user: User) -> bool:
    """An active officer or supervisor: who writes reports, shares and refers them."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in CASE_WORKER_ROLES
    )


@rules.predicate
def works_at_immigration_office(user: User) -> bool:
    """A case worker of an immigration office (Kanim): who records prevention actions."""
    return is_case_worker(user) and user.agency.kind == AgencyKind.IMMIGRATION


@rules.predicate
def same_agency(user: User, target: User | None) -> bool:
    return target is not None and target.agency_id == user.agency_id


@rules.predicate
def is_own_agency(user: User, agency: Agency | None) -> bool:
    return agency is not None and agency.pk == user.agency_id


@rules.predicate
def target_is_not_system_admin(user: User, target: User | None) -> bool:
    return target is not None and target.role != "system_admin"


is_admin = is_system_admin | is_agency_admin

rules.add_perm("accounts.list_users", is_admin)
rules.add_perm("accounts.add_user", is_admin)
rules.add_perm("accounts.list_agency_users", is_system_admin | (is_agency_admin & is_own_agency))
rules.add_perm(
    "accounts.change_user",
    is_system_admin | (is_agency_admin & same_agency & target_is_not_system_admin),
)
rules.add_perm("accounts.add_agency", is_system_admin)
rules.add_perm("accounts.change_agency", is_system_admin)
rules.add_perm(
    "accounts.change_agency_settings", is_system_admin | (is_agency_admin & is_own_agency)
)
rules.add_perm("audit.view_auditentry", is_admin)
rules.add_perm("referrals.read_case_files", reads_case_files)
rules.add_perm("referrals.add_report", is_case_worker)
rules.add_perm("referrals.view_review_queue", is_supervisor)


def assignable_roles(user: User) -> list[str]:
    """Roles `user` may give to the accounts they manage."""
    if is_system_admin(user):
        return [r.value for r in User.Role]
    if is_agency_admin(user):
        return [r.value for r in User.Role if r != User.Role.SYSTEM_ADMIN]
    return []


# --- Querysets and guarded lookups ---------------------------------------------------------


def get_for(
    user: User, selector: Callable[[User], QuerySet[M]] | QuerySet[M] | Manager[M], pk: Any
) -> M:
    """The object `pk` among those `selector(user)` (or the queryset) holds; the same Http404
    whether it does not exist or `user` may not see it, so nothing leaks."""
    # A queryset or manager is used as it is; anything else is a selector taking the user.
    queryset = selector.all() if isinstance(selector, QuerySet | Manager) else selector(user)
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def manageable_users(user: User) -> QuerySet[User]:
    """Accounts `user` may list and change: all for a system admin, their own agency's (less
    system admins) for an agency admin, none for anyone else."""
    qs = User.objects.select_related("agency")
    if is_system_admin(user):
        return qs
    if is_agency_admin(user):
        return qs.filter(agency_id=user.agency_id).exclude(role=User.Role.SYSTEM_ADMIN)
    return qs.none()


def get_user_for(user: User, pk: int) -> User:
    """The account `pk` if `user` may manage it; Http404 alike when missing or not theirs."""
    return get_for(user, manageable_users, pk)


def manageable_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose profile `user` may change."""
    if is_system_admin(user):
        return Agency.objects.all()
    return Agency.objects.none()


def assignable_agencies(user: User) -> QuerySet[Agency]:
    """Agencies `user` may place an account in."""
    if is_system_admin(user):
        return Agency.objects.filter(is_active=True)
    if is_agency_admin(user):
        return Agency.objects.filter(pk=user.agency_id)
    return Agency.objects.none()

"""Reads of villages and activities, always starting from what the user may see
(`visible_villages`, `visible_activities`); who may change them is villages.permissions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from agreements.sharing_policy import cooperating_agency_ids, party_coverage
from portal import access
from villages.models import Activity, DesaBinaan, DesaBinaanPartner, VillageFigure

if TYPE_CHECKING:
    from agreements.models import Agreement
    from portal.accounts.models import User


REACH_ATTR = "_village_reach"  # on the user: memoised for the request


def _reach(user: User) -> frozenset[int]:
    """The user's own agencies and those cooperating with them, memoised for the request."""
    cached = getattr(user, REACH_ATTR, None)
    if cached is None:
        own = set(access.visible_agency_ids(user))
        cached = frozenset(own | cooperating_agency_ids(agencies=own))
        setattr(user, REACH_ATTR, cached)
    return cached


def visible_villages(user: User) -> QuerySet[DesaBinaan]:
    qs = DesaBinaan.objects.all()
    if access.is_system_admin(user):
        return qs
    reach = _reach(user)
    if not reach:
        return qs.none()
    own = access.visible_agency_ids(user)
    # A co-managing partner sees the village; its own agreements do not open it to its partners.
    partnered = DesaBinaanPartner.objects.filter(agency_id__in=own).values("desa_id")
    return qs.filter(Q(designating_office_id__in=reach) | Q(pk__in=partnered))


def editable_villages(user: User) -> QuerySet[DesaBinaan]:
    qs = DesaBinaan.objects.all()
    if access.is_system_admin(user):
        return qs
    own = access.visible_agency_ids(user)
    partnered = DesaBinaanPartner.objects.filter(agency_id__in=own).values("desa_id")
    return qs.filter(Q(designating_office_id__in=own) | Q(pk__in=partnered))


def get_village_for(user: User, pk: int) -> DesaBinaan:
    return access.get_for(user, visible_villages, pk)


@dataclass(frozen=True)
class VillageFilters:
    q: str = ""
    regency: str = ""
    district: str = ""
    agency_id: int | None = None
    status: str = ""


def village_list(*, user: User, filters: VillageFilters) -> QuerySet[DesaBinaan]:
    qs = visible_villages(user)
    if filters.q:
        qs = qs.filter(
            Q(village__name__icontains=filters.q)
            | Q(village__parent__name__icontains=filters.q)
            | Q(decree_number__icontains=filters.q)
        )
    if filters.district:
        qs = qs.filter(village__parent_id=filters.district)
    elif filters.regency:
        qs = qs.filter(village__code__startswith=filters.regency + ".")
    if filters.agency_id:
        qs = qs.filter(
            Q(designating_office_id=filters.agency_id) | Q(partners__agency_id=filters.agency_id)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    return (
        qs.select_related("village__parent__parent", "designating_office")
        .annotate(activity_count=Count("activities", distinct=True))
        .order_by("village__name")
        .distinct()
    )


def village_profile(*, desa: DesaBinaan) -> DesaBinaan:
    return (
        DesaBinaan.objects.filter(pk=desa.pk)
        .select_related("village__parent__parent__parent", "designating_office")
        .prefetch_related(
            "liaison_officers",
            Prefetch(
                "partners", queryset=DesaBinaanPartner.objects.select_related("agency", "agreement")
            ),
            Prefetch("figures", queryset=VillageFigure.objects.order_by("year")),
        )
        .get()
    )


# --- Activities ----------------------------------------------------------------------------


def visible_activities(user: User) -> QuerySet[Activity]:
    qs = Activity.objects.all()
    if access.is_system_admin(user):
        return qs
    reach = _reach(user)
    if not reach:
        return qs.none()
    own = access.visible_agency_ids(user)
    # As for villages: the organiser's agreements open an activity; a co-organiser sees it,
    # but the co-organiser's own agreements do not pass it on.
    return qs.filter(
        Q(organiser_id__in=reach)
        | Q(
            pk__in=Activity.co_organisers.through.objects.filter(agency_id__in=own).values(
                "activity_id"
            )
        )
        | Q(
            pk__in=Activity.villages.through.objects.filter(
                desabinaan__in=visible_villages(user)
            ).values("activity_id")
        )
    )


def get_activity_for(user: User, pk: int) -> Activity:
    return access.get_for(user, visible_activities, pk)


@dataclass(frozen=True)
class ActivityFilters:
    q: str = ""
    kind: str = ""
    agency_id: int | None = None
    village_id: int | None = None
    year: int | None = None
    month: int | None = None


def activity_list(*, user: User, filters: ActivityFilters) -> QuerySet[Activity]:
    qs = visible_activities(user)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(place__icontains=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.agency_id:
        qs = qs.filter(Q(organiser_id=filters.agency_id) | Q(co_organisers__id=filters.agency_id))
    if filters.village_id:
        qs = qs.filter(villages__id=filters.village_id)
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    if filters.month:
        qs = qs.filter(date__month=filters.month)
    return (
        qs.select_related("organiser", "agreement_scope__scope", "agreement_scope__agreement")
        .prefetch_related("villages__village")
        .order_by("-date", "-id")
        .distinct()
    )


def activity_detail(*, activity: Activity) -> Activity:
    return (
        Activity.objects.filter(pk=activity.pk)
        .select_related(
            "organiser",
            "area",
            "agreement_scope__scope",
            "agreement_scope__agreement",
            "created_by",
        )
        .prefetch_related("co_organisers", "villages__village", "files")
        .get()
    )


# --- Agreement implementation (realisasi PKS) ---------------------------------------------


@dataclass
class Implementation:
    scopes: list[dict]
    parties: list[dict]
    quarters: list[str]
    total_activities: int
    total_participants: int


def agreement_implementation(
    *, agreement: Agreement, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Implementation:
    """How an agreement's scopes are carried out: activities and participants per scope and
    per quarter, and per party (as organiser or co-organiser)."""
    qs = Activity.objects.filter(agreement_scope__agreement=agreement)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    rows = list(
        qs.values(
            "pk",
            "date",
            "agreement_scope__scope__name_id",
            "agreement_scope__scope__name_en",
            "agreement_scope_id",
            "organiser_id",
            "participants_male",
            "participants_female",
        )
    )
    quarters = sorted({f"{r['date'].year}-Q{(r['date'].month - 1) // 3 + 1}" for r in rows})
    by_scope: dict[int, dict] = {}
    for scope in agreement.scopes.select_related("scope").order_by("scope__sort_order"):
        by_scope[scope.pk] = {
            "scope": scope.scope,
            "per_quarter": defaultdict(int),
            "activities": 0,
            "participants": 0,
        }
    for r in rows:
        entry = by_scope.get(r["agreement_scope_id"])
        if entry is None:
            continue
        quarter = f"{r['date'].year}-Q{(r['date'].month - 1) // 3 + 1}"
        entry["per_quarter"][quarter] += 1
        entry["activities"] += 1
        entry["participants"] += r["participants_male"] + r["participants_female"]
    for entry in by_scope.values():
        entry["quarters"] = [entry["per_quarter"].get(q, 0) for q in quarters]

    # A party is credited with what the offices it covers did (a Kanwil with its Kantor
    # Imigrasi when its covers-child-offices flag is set).
    coverage = party_coverage(agreement=agreement)
    organisers = dict(qs.values_list("organiser_id").annotate(n=Count("pk")))
    co_organisers = dict(
        Activity.co_organisers.through.objects.filter(activity__in=qs)
        .values_list("agency_id")
        .annotate(n=Count("pk"))
    )
    parties = [
        {
            "agency": party.agency,
            "organised": sum(n for pk, n in organisers.items() if pk in coverage[party.pk]),
            "co_organised": sum(n for pk, n in co_organisers.items() if pk in coverage[party.pk]),
        }
        for party in agreement.parties.select_related("agency").order_by("id")
    ]
    totals = qs.aggregate(m=Sum("participants_male"), f=Sum("participants_female"))
    return Implementation(
        scopes=list(by_scope.values()),
        parties=parties,
        quarters=quarters,
        total_activities=len(rows),
        total_participants=(totals["m"] or 0) + (totals["f"] or 0),
    )

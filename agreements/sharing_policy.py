"""THE sharing policy: may agency A share a report of categories C with agency B on day D,
and under which agreement(s)?

The rule, in full:

* An agreement counts on day D when it is not a draft, D lies within its effective period,
  and it had not been terminated by D (`Agreement.is_in_force_on`). An expired agreement
  therefore still answers for days inside its period; for today it does not.
* It must have at least one scope that allows data exchange (`Scope.allows_data_exchange`).
* For every category of the report, one such scope must cover that category and bind a party
  that covers A and a *different* party that covers B. A scope binds the parties it lists,
  or every party when it lists none.
* A party covers its own agency and, when its `covers_child_offices` flag is set, every agency
  below it (at any depth). Two offices covered by the same party are one side of the
  agreement: the agreement is no basis for exchanges between them.
* Inactive agencies receive nothing.

Everything that shares, lists partners or offers recipients calls this module; nothing else
decides it. It reads a handful of rows (agencies, the agreements in force, their parties and
data-exchange scopes) into a snapshot of plain data, cached per day and per version of the
policy (see "The inputs, as a snapshot" below), and decides in Python, so the rule reads as
written above.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, Q
from django.utils import timezone

from agreements.models import Agreement, AgreementScope, Party, Scope
from portal.accounts import hierarchy
from portal.accounts.hierarchy import AgencyTree
from portal.accounts.models import Agency
from portal.core.categories import ReportCategory
from portal.core.versioned_cache import VersionedCache

_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class ShareBasis:
    """One agreement under which a share is allowed, and the scope(s) that allow it."""

    agreement: Agreement
    scopes: tuple[AgreementScope, ...]


# --- The inputs, as a snapshot ---------------------------------------------------------------
#
# The rule reads few rows (40 agencies, some 15 agreements in force) that change rarely and
# are the same for every user on a given day, yet every report page and list needs them. So
# they are read once into plain, immutable data and kept in the cache under a version that
# every write to an input replaces (portal/core/versioned_cache.py: why that is correct):
#
#   sharing-policy:<format>:<version>:<tree version>:<yyyy-mm-dd>
#       agreements in force that day, with parties (and whom each covers) and data scopes
#
# The agencies (who is below whom, who is active) come from the agency tree, which has its
# own version (portal/accounts/hierarchy.py); a snapshot's key names it, so that a snapshot is
# never read after the tree changed. Writes to Agreement, Party, Scope, AgreementScope and its
# parties renew the policy's version (agreements/signals.py, and policy_changed() called by
# the few bulk writers). Days are keys of their own: an agreement starts and ends at midnight
# in TIME_ZONE, with no write at all.

SNAPSHOT_TTL = 300  # seconds; a backstop, not the invalidation (see above)
_CACHE = VersionedCache("sharing-policy", ttl=SNAPSHOT_TTL, fmt=2)
VERSION_KEY = _CACHE.version_key


def _covered(tree: AgencyTree, agency_id: int, covers_child_offices: bool) -> frozenset[int]:
    """Whom a party of `agency_id` stands for: itself, and its child offices when its flag
    says so."""
    if covers_child_offices:
        return frozenset(tree.at_or_below({agency_id}))
    return frozenset({agency_id})


class _PartyRow(NamedTuple):
    id: int
    agency_id: int
    covers: frozenset[int]  # the agencies this party stands for in its agreement


class _ScopeRow(NamedTuple):
    id: int
    categories: frozenset[str]
    party_ids: tuple[int, ...]  # the parties it binds; empty: every party
    sort_key: tuple[int, int]  # (scope's sort order, id): the order bases list scopes in
    values: tuple  # AgreementScope's fields in _LOADED, to build the instance
    scope_values: tuple  # its Scope's


class _AgreementRow(NamedTuple):
    id: int
    parties: tuple[_PartyRow, ...]
    data_scopes: tuple[_ScopeRow, ...]  # those allowing data exchange; may be none
    values: tuple  # Agreement's fields in _LOADED, to build the instance


class _Snapshot(NamedTuple):
    day: dt.date
    active: frozenset[int]
    agreements: tuple[_AgreementRow, ...]  # in force on `day`, in Agreement's order
    built_at: float


# What callers read of the instances a decision returns (titles, periods, a scope's name and
# order). The other fields are left deferred: read on access, from the database, so that
# nothing outside the policy's inputs (a creator set to NULL by a cascade) can be stale.
_LOADED = {
    Agreement: (
        "id",
        "title",
        "kind",
        "status",
        "signed_on",
        "effective_from",
        "effective_until",
        "terminated_on",
    ),
    AgreementScope: ("id", "agreement", "scope", "categories"),
    Scope: ("id", "code", "name_id", "name_en", "allows_data_exchange", "is_active", "sort_order"),
}


def _fields(model: type[Model]) -> list[str]:
    """The loaded fields of `model`, in the order Model.from_db() takes them."""
    return [f.name for f in model._meta.concrete_fields if f.name in _LOADED[model]]


def _instance(model: type[_M], values: tuple[Any, ...]) -> _M:
    names = [f.attname for f in model._meta.concrete_fields if f.name in _LOADED[model]]
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


def _build_snapshot(day: dt.date, tree: AgencyTree) -> _Snapshot:
    """Two queries: the parties of the agreements in force with their agreement (one without
    a party binds nobody), and the data-exchange scopes of those with their parties."""
    in_force = Agreement.objects.in_force_on(day)
    agreement_fields = _fields(Agreement)
    # Agreement's own order (Meta.ordering), in which bases have always been listed.
    party_rows = (
        Party.objects.filter(agreement__in=in_force)
        .order_by("-agreement__effective_from", "agreement__title", "agreement_id", "id")
        .values_list(
            "id",
            "agency_id",
            "covers_child_offices",
            *(f"agreement__{name}" for name in agreement_fields),
        )
    )
    scope_fields, own_fields = _fields(Scope), _fields(AgreementScope)
    scope_rows = (
        AgreementScope.objects.filter(agreement__in=in_force, scope__allows_data_exchange=True)
        .annotate(bound=ArrayAgg("parties__id", filter=Q(parties__isnull=False), default=[]))
        .order_by("scope__sort_order", "id")
        .values_list("bound", *own_fields, *(f"scope__{name}" for name in scope_fields))
    )
    scopes: dict[int, list[_ScopeRow]] = defaultdict(list)
    for bound, *values in scope_rows:
        own, scope = tuple(values[: len(own_fields)]), tuple(values[len(own_fields) :])
        row = dict(zip(own_fields, own, strict=True))
        scopes[row["agreement"]].append(
            _ScopeRow(
                id=row["id"],
                categories=frozenset(row["categories"]),
                party_ids=tuple(sorted(bound)),
                sort_key=(scope[scope_fields.index("sort_order")], row["id"]),
                values=own,
                scope_values=scope,
            )
        )
    parties: dict[int, list[_PartyRow]] = {}
    agreement_values: dict[int, tuple[Any, ...]] = {}
    for party_id, agency_id, covers_child_offices, *agreement in party_rows:
        agreement_id = agreement[agreement_fields.index("id")]
        agreement_values[agreement_id] = tuple(agreement)
        parties.setdefault(agreement_id, []).append(
            _PartyRow(party_id, agency_id, _covered(tree, agency_id, covers_child_offices))
        )
    return _Snapshot(
        day=day,
        active=tree.active,
        agreements=tuple(
            _AgreementRow(
                id=pk,
                parties=tuple(rows),
                data_scopes=tuple(scopes.get(pk, ())),
                values=agreement_values[pk],
            )
            for pk, rows in parties.items()
        ),
        built_at=min(time.time(), tree.built_at),
    )


def _snapshot(on: dt.date | None) -> _Snapshot:
    """The inputs for day `on` (today in TIME_ZONE by default)."""
    day = on or timezone.localdate()
    tree_version = hierarchy.tree_version()
    # A transaction that wrote agencies or the policy's inputs reads them from the database.
    version = None if tree_version is None else _CACHE.current_version()

    def build() -> _Snapshot:
        return _build_snapshot(day, hierarchy.agency_tree_under(tree_version))

    if version is None:
        return build()
    return _CACHE.get(version, f"{tree_version}:{day.isoformat()}", build)


def policy_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """The inputs of the policy changed (or may have): give it a new version now and again
    when the current transaction commits, and until then let this transaction read them from
    the database. Signals call this for every save and delete; callers that write with
    QuerySet.update(), bulk_create() or SQL must call it themselves. Agencies are inputs too
    (through their tree), so this renews the tree's version as well."""
    _CACHE.changed(using=using)
    hierarchy.agency_tree_changed(using=using)


# --- Deciding ----------------------------------------------------------------------------------


class _Instances:
    """Model instances for the rows one call returns (built once per call, never shared:
    callers may keep them, as they kept the ones a query returned)."""

    def __init__(self) -> None:
        self.agreements: dict[int, Agreement] = {}
        self.scopes: dict[int, AgreementScope] = {}

    def agreement(self, row: _AgreementRow) -> Agreement:
        if row.id not in self.agreements:
            self.agreements[row.id] = _instance(Agreement, row.values)
        return self.agreements[row.id]

    def scope(self, row: _ScopeRow, agreement: Agreement) -> AgreementScope:
        if row.id not in self.scopes:
            instance = _instance(AgreementScope, row.values)
            scope = _instance(Scope, row.scope_values)
            AgreementScope._meta.get_field("scope").set_cached_value(instance, scope)
            AgreementScope._meta.get_field("agreement").set_cached_value(instance, agreement)
            self.scopes[row.id] = instance
        return self.scopes[row.id]


def _recipients_under(
    agreement: _AgreementRow, source_id: int, categories: frozenset[str], active: frozenset[int]
) -> dict[int, set[int]]:
    """{recipient agency id: ids of the scopes used} for one agreement."""
    coverage = {party.id: party.covers for party in agreement.parties}
    every_party = tuple(coverage)
    per_category: list[dict[int, set[int]]] = []
    for category in categories:
        reachable: dict[int, set[int]] = defaultdict(set)
        for agreement_scope in agreement.data_scopes:
            if category not in agreement_scope.categories:
                continue
            bound = agreement_scope.party_ids or every_party
            # A party listed that is not one of the agreement's covers nobody under it.
            senders = [p for p in bound if source_id in coverage.get(p, ())]
            for sender in senders:
                for receiver in bound:
                    if receiver == sender:
                        continue
                    for agency_id in coverage.get(receiver, ()):
                        reachable[agency_id].add(agreement_scope.id)
        per_category.append(reachable)
    if not per_category:
        return {}
    common = set.intersection(*(set(r) for r in per_category))
    common.discard(source_id)
    common &= active
    return {agency_id: set().union(*(r[agency_id] for r in per_category)) for agency_id in common}


def _entitled(
    snapshot: _Snapshot, source_id: int, cats: frozenset[str], instances: _Instances
) -> dict[int, list[ShareBasis]]:
    result: dict[int, list[ShareBasis]] = defaultdict(list)
    for row in snapshot.agreements:
        if not row.data_scopes:
            continue
        reached = _recipients_under(row, source_id, cats, snapshot.active)
        if not reached:
            continue
        agreement = instances.agreement(row)
        for agency_id, scope_ids in reached.items():
            used = sorted(
                (s for s in row.data_scopes if s.id in scope_ids), key=lambda s: s.sort_key
            )
            result[agency_id].append(
                ShareBasis(
                    agreement=agreement,
                    scopes=tuple(instances.scope(s, agreement) for s in used),
                )
            )
    return dict(result)


def _normalise(categories: str | Iterable[str]) -> frozenset[str]:
    cats = frozenset([categories] if isinstance(categories, str) else categories)
    if not cats:
        raise ValueError("a report has at least one category")
    return cats


def entitled_recipients(
    *, source: Agency | int, categories: str | Iterable[str], on: dt.date | None = None
) -> dict[int, list[ShareBasis]]:
    """Every agency that `source` may share a report of `categories` with on day `on`
    (today by default), each with the agreements that allow it."""
    source_id = source if isinstance(source, int) else source.pk
    cats = _normalise(categories)
    return _entitled(_snapshot(on), source_id, cats, _Instances())


def share_bases(
    *,
    source: Agency | int,
    target: Agency | int,
    categories: str | Iterable[str],
    on: dt.date | None = None,
) -> list[ShareBasis]:
    """The agreements under which `source` may share a report of `categories` with `target`
    on day `on`; empty when it may not."""
    target_id = target if isinstance(target, int) else target.pk
    return entitled_recipients(source=source, categories=categories, on=on).get(target_id, [])


def may_share(
    *,
    source: Agency | int,
    target: Agency | int,
    categories: str | Iterable[str],
    on: dt.date | None = None,
) -> bool:
    return bool(share_bases(source=source, target=target, categories=categories, on=on))


@dataclass(frozen=True)
class Partner:
    agency: Agency
    categories: tuple[str, ...]
    bases: tuple[ShareBasis, ...]


def partner_map(*, agency: Agency | int, on: dt.date | None = None) -> list[Partner]:
    """The agencies `agency` may exchange data with on `on`, for which categories, and why."""
    source_id = agency if isinstance(agency, int) else agency.pk
    snapshot, instances = _snapshot(on), _Instances()
    by_partner: dict[int, dict[str, list[ShareBasis]]] = defaultdict(dict)
    for category in ReportCategory.values:
        entitled = _entitled(snapshot, source_id, frozenset([category]), instances)
        for partner_id, bases in entitled.items():
            by_partner[partner_id][category] = bases
    agencies = Agency.objects.in_bulk(list(by_partner))
    partners = []
    for partner_id, per_category in by_partner.items():
        seen: dict[int, ShareBasis] = {}
        for bases in per_category.values():
            for basis in bases:
                seen.setdefault(basis.agreement.pk, basis)
        partners.append(
            Partner(
                agency=agencies[partner_id],
                categories=tuple(c for c in ReportCategory.values if c in per_category),
                bases=tuple(seen.values()),
            )
        )
    return sorted(partners, key=lambda p: p.agency.name)


def cooperating_agency_ids(*, agencies: Iterable[int], on: dt.date | None = None) -> set[int]:
    """Agencies bound with any of `agencies` by an agreement in force on `on`, whatever its
    scopes, on another side of it (the same coverage rules as sharing). Villages and
    activities are visible along these links; case data is not: that needs sharing."""
    wanted = set(agencies)
    if not wanted:
        return set()
    snapshot = _snapshot(on)
    found: set[int] = set()
    for agreement in snapshot.agreements:
        coverage = {party.id: party.covers for party in agreement.parties}
        ours = {pk for pk, covered in coverage.items() if covered & wanted}
        for pk, covered in coverage.items():
            if ours - {pk}:
                found |= covered
    return (found - wanted) & snapshot.active


def party_coverage(*, agreement: Agreement) -> dict[int, set[int]]:
    """{party id: agencies it covers} for one agreement (itself, and its child offices when
    the party's flag says so)."""
    tree = hierarchy.agency_tree()
    return {
        party.pk: set(_covered(tree, party.agency_id, party.covers_child_offices))
        for party in agreement.parties.all()
    }


def agreement_binds(*, agreement: Agreement, first: int, second: int) -> bool:
    """Whether `agreement` binds both agencies, on different sides (coverage as above)."""
    coverage = list(party_coverage(agreement=agreement).values())
    return any(
        first in a and second in b
        for i, a in enumerate(coverage)
        for j, b in enumerate(coverage)
        if i != j
    )


def scope_binds(*, agreement_scope: AgreementScope, agency_id: int) -> bool:
    """Whether `agency_id` is covered by a party this scope binds (the parties it lists, or
    every party of the agreement when it lists none)."""
    coverage = party_coverage(agreement=agreement_scope.agreement)
    bound = list(agreement_scope.parties.values_list("pk", flat=True)) or list(coverage)
    return any(agency_id in coverage.get(pk, ()) for pk in bound)


@dataclass(frozen=True)
class ScopeAttribution:
    """Which data-exchange scopes of one agreement allow an exchange from one agency to
    another of reports of some categories (the rule above, for one agreement, whatever the
    day): for counting exchanges per scope in the agreement's implementation report."""

    scopes: tuple[AgreementScope, ...]
    coverage: dict[int, set[int]]

    def scopes_for(
        self, *, source_id: int, target_id: int, categories: Iterable[str]
    ) -> list[AgreementScope]:
        """The scopes that cover at least one of `categories` and bind a party covering the
        source and a different party covering the target, in the scopes' order."""
        wanted = set(categories)
        found = []
        for agreement_scope in self.scopes:
            if not wanted & set(agreement_scope.categories):
                continue
            bound = [p.pk for p in agreement_scope.parties.all()] or list(self.coverage)
            if any(
                source_id in self.coverage[a] and target_id in self.coverage[b]
                for a in bound
                for b in bound
                if a != b
            ):
                found.append(agreement_scope)
        return found


def scope_attribution(*, agreement: Agreement) -> ScopeAttribution:
    """The data-exchange scopes of `agreement` with what decides between them (four queries)."""
    scopes = (
        AgreementScope.objects.filter(agreement=agreement, scope__allows_data_exchange=True)
        .select_related("scope")
        .prefetch_related("parties")
        .order_by("scope__sort_order", "id")
    )
    return ScopeAttribution(scopes=tuple(scopes), coverage=party_coverage(agreement=agreement))

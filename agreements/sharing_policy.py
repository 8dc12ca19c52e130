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
decides it. It reads a handful of rows (agreements of the agency, their parties and scopes)
and decides in Python, so the rule reads as written above.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from agreements.models import Agreement, AgreementScope, Party
from portal.accounts.models import Agency


@dataclass(frozen=True)
class ShareBasis:
    """One agreement under which a share is allowed, and the scope(s) that allow it."""

    agreement: Agreement
    scopes: tuple[AgreementScope, ...]


@dataclass
class _Hierarchy:
    children: dict[int | None, set[int]] = field(default_factory=lambda: defaultdict(set))
    active: set[int] = field(default_factory=set)

    @classmethod
    def load(cls) -> _Hierarchy:
        h = cls()
        for pk, parent_id, is_active in Agency.objects.values_list("id", "parent_id", "is_active"):
            h.children[parent_id].add(pk)
            if is_active:
                h.active.add(pk)
        return h

    def below(self, agency_id: int) -> set[int]:
        found: set[int] = set()
        frontier = {agency_id}
        while frontier:
            nxt: set[int] = set()
            for pk in frontier:
                nxt |= self.children.get(pk, set())
            frontier = nxt - found - {agency_id}
            found |= frontier
        return found

    def covered_by(self, party: Party) -> set[int]:
        covered = {party.agency_id}
        if party.covers_child_offices:
            covered |= self.below(party.agency_id)
        return covered


def _agreements_in_force(day: dt.date) -> list[Agreement]:
    """Agreements binding on `day` that have a data-exchange scope, with what we need."""
    qs = (
        Agreement.objects.in_force_on(day)
        .filter(scopes__scope__allows_data_exchange=True)
        .distinct()
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("id")),
            Prefetch(
                "scopes",
                queryset=AgreementScope.objects.filter(scope__allows_data_exchange=True)
                .select_related("scope")
                .prefetch_related("parties"),
                to_attr="data_scopes",
            ),
        )
    )
    return list(qs)


def _recipients_under(
    agreement: Agreement, source_id: int, categories: frozenset[str], hierarchy: _Hierarchy
) -> dict[int, set[AgreementScope]]:
    """{recipient agency id: scopes used} for one agreement."""
    all_parties = list(agreement.parties.all())
    coverage = {party.pk: hierarchy.covered_by(party) for party in all_parties}
    per_category: list[dict[int, set[AgreementScope]]] = []
    for category in categories:
        reachable: dict[int, set[AgreementScope]] = defaultdict(set)
        for agreement_scope in agreement.data_scopes:
            if category not in agreement_scope.categories:
                continue
            bound = list(agreement_scope.parties.all()) or all_parties
            senders = [p for p in bound if source_id in coverage[p.pk]]
            for sender in senders:
                for receiver in bound:
                    if receiver.pk == sender.pk:
                        continue
                    for agency_id in coverage[receiver.pk]:
                        reachable[agency_id].add(agreement_scope)
        per_category.append(reachable)
    if not per_category:
        return {}
    common = set.intersection(*(set(r) for r in per_category))
    common.discard(source_id)
    common &= hierarchy.active
    return {agency_id: set().union(*(r[agency_id] for r in per_category)) for agency_id in common}


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
    day = on or timezone.localdate()
    hierarchy = _Hierarchy.load()
    result: dict[int, list[ShareBasis]] = defaultdict(list)
    for agreement in _agreements_in_force(day):
        for agency_id, scopes in _recipients_under(agreement, source_id, cats, hierarchy).items():
            ordered = tuple(sorted(scopes, key=lambda s: (s.scope.sort_order, s.pk)))
            result[agency_id].append(ShareBasis(agreement=agreement, scopes=ordered))
    return dict(result)


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
    from portal.core.categories import ReportCategory

    by_partner: dict[int, dict[str, list[ShareBasis]]] = defaultdict(dict)
    for category in ReportCategory.values:
        for partner_id, bases in entitled_recipients(
            source=agency, categories=category, on=on
        ).items():
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
    day = on or timezone.localdate()
    hierarchy = _Hierarchy.load()
    found: set[int] = set()
    agreements = Agreement.objects.in_force_on(day).prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("id"))
    )
    for agreement in agreements:
        coverage = {party.pk: hierarchy.covered_by(party) for party in agreement.parties.all()}
        ours = {pk for pk, covered in coverage.items() if covered & wanted}
        for pk, covered in coverage.items():
            if ours - {pk}:
                found |= covered
    return (found - wanted) & hierarchy.active


def agreement_binds(*, agreement: Agreement, first: int, second: int) -> bool:
    """Whether `agreement` binds both agencies, on different sides (coverage as above)."""
    hierarchy = _Hierarchy.load()
    coverage = [hierarchy.covered_by(party) for party in agreement.parties.all()]
    return any(
        first in a and second in b
        for i, a in enumerate(coverage)
        for j, b in enumerate(coverage)
        if i != j
    )


def party_coverage(*, agreement: Agreement) -> dict[int, set[int]]:
    """{party id: agencies it covers} for one agreement (itself, and its child offices when
    the party's flag says so)."""
    hierarchy = _Hierarchy.load()
    return {party.pk: hierarchy.covered_by(party) for party in agreement.parties.all()}


def scope_binds(*, agreement_scope: AgreementScope, agency_id: int) -> bool:
    """Whether `agency_id` is covered by a party this scope binds (the parties it lists, or
    every party of the agreement when it lists none)."""
    coverage = party_coverage(agreement=agreement_scope.agreement)
    bound = list(agreement_scope.parties.values_list("pk", flat=True)) or list(coverage)
    return any(agency_id in coverage[pk] for pk in bound)


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

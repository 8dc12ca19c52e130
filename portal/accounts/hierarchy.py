"""The agency tree: which agencies lie below (or above) which, however deep.

A supervisor's reach (portal.access.visible_agency_ids), the agreements that bind an office
through a party above it (agreements.selectors) and the parties that cover their child offices
(agreements.sharing_policy) all read it, on nearly every page. It is a handful of rows that
change rarely, so it is read once into plain data and cached under a version that every write
to an agency replaces (portal/core/versioned_cache.py explains why that is always correct;
portal/accounts/signals.py renews it). Code that writes agencies with QuerySet.update(),
bulk_create() or SQL calls agency_tree_changed() itself.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS

from portal.accounts.models import Agency
from portal.core.versioned_cache import VersionedCache

TREE_TTL = 300  # seconds; a backstop, not the invalidation (see portal/core/versioned_cache.py)
_CACHE = VersionedCache("agency-tree", ttl=TREE_TTL)


class AgencyTree(NamedTuple):
    below: dict[int, frozenset[int]]  # agency id: every agency under it, at any depth
    active: frozenset[int]
    built_at: float

    def at_or_below(self, agency_ids: Iterable[int]) -> set[int]:
        """The given agencies and every agency below them."""
        found = set(agency_ids)
        for pk in list(found):
            found |= self.below.get(pk, frozenset())
        return found

    def above(self, agency_ids: Iterable[int]) -> set[int]:
        """Every agency above any of `agency_ids` (parent, grandparent, ...)."""
        wanted = set(agency_ids)
        return {pk for pk, under in self.below.items() if under & wanted}


def descendants(tree: Iterable[tuple[int, int | None]]) -> dict[int, frozenset[int]]:
    """{agency id: every agency below it, at any depth} from (agency id, parent id) pairs."""
    children: dict[int, set[int]] = defaultdict(set)
    ids = []
    for pk, parent_id in tree:
        ids.append(pk)
        if parent_id is not None:
            children[parent_id].add(pk)
    below = {}
    for agency_id in ids:
        found: set[int] = set()
        frontier = {agency_id}
        while frontier:
            # A cycle (which agency services refuse) would end here rather than loop.
            frontier = set().union(*(children[pk] for pk in frontier)) - found - {agency_id}
            found |= frontier
        below[agency_id] = frozenset(found)
    return below


def _build() -> AgencyTree:
    rows = list(Agency.objects.order_by().values_list("id", "parent_id", "is_active"))
    return AgencyTree(
        below=descendants((pk, parent_id) for pk, parent_id, _active in rows),
        active=frozenset(pk for pk, _parent_id, is_active in rows if is_active),
        built_at=time.time(),
    )


def tree_version() -> str | None:
    """The tree's current version; None when it is read from the database (this transaction
    wrote an agency, or the cache is unreachable). Caches built from the tree name it in
    their keys, so that they are never read after it changed."""
    return _CACHE.current_version()


def agency_tree() -> AgencyTree:
    """The whole tree, with which agencies are active."""
    return agency_tree_under(tree_version())


def agency_tree_under(version: str | None) -> AgencyTree:
    """The tree under `version`, as tree_version() gave it: from the database when None."""
    return _build() if version is None else _CACHE.get(version, "tree", _build)


def agencies_at_or_below(agency_ids: Iterable[int]) -> set[int]:
    """The given agencies and every agency below them, however deep."""
    return agency_tree().at_or_below(agency_ids)


def agency_ancestor_ids(agency_ids: Iterable[int]) -> set[int]:
    """Every agency above any of `agency_ids` (parent, grandparent, ...)."""
    return agency_tree().above(agency_ids)


def agency_tree_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Agencies were written (or may have been): renew the tree's version now and when the
    current transaction commits; until then this transaction reads the tree from the
    database."""
    _CACHE.changed(using=using)

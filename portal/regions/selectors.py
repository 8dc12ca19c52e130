"""Read-only queries on the region list: the children of a region, search by name, and the
"name › parent › province" label of a region. Regions are public reference data: no access
rule applies beyond being signed in (checked by the views)."""  # noqa: RUF002

import re
from collections.abc import Iterable
from typing import Any, TypedDict

from django.contrib.postgres.search import TrigramSimilarity
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, ExpressionWrapper, F, Lookup, Q, Value
from django.db.models.sql.compiler import SQLCompiler

from portal.regions.models import Region

# The official code with dots: 2 digits per level, 4 for the village (`36.72.01.1001`).
CODE_RE = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?")
SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 20
PATH_SEPARATOR = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "


class RegionOption(TypedDict):
    code: str
    name: str


class RegionMatch(TypedDict):
    code: str
    name: str
    level: int
    path: str


class _ILike(Lookup):
    """`lhs ILIKE rhs`, used as a filter expression. Django's own `icontains` compiles to
    `UPPER(name) LIKE UPPER(…)` on PostgreSQL, which the trigram index on the bare column
    cannot serve; ILIKE can (see the region_name_trgm index)."""

    lookup_name = "sinergi_ilike"

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def is_region_code(code: str | None) -> bool:
    if not code:
        return False
    return CODE_RE.fullmatch(code) is not None


def code_level(code: str) -> int:
    return code.count(".") + 1


def code_ancestors(code: str) -> list[str]:
    """The codes of the region's ancestors and of the region itself, province first:
    `36.72.01` → [`36`, `36.72`, `36.72.01`]."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def region_children(parent_code: str | None) -> list[RegionOption]:
    """The children of the region `parent_code`, ordered by name; with no parent, the
    provinces. An unknown or malformed code has no children."""
    if not parent_code:
        qs = Region.objects.filter(level=Region.Level.PROVINCE)
    elif is_region_code(parent_code) and code_level(parent_code) < Region.Level.VILLAGE:
        qs = Region.objects.filter(parent_id=parent_code)
    else:
        return []
    return list(qs.order_by("name", "code").values("code", "name"))


def region_chain_options(code: str, depth: int = 4) -> dict[int, list[RegionOption]]:
    """The option lists of a cascading picker that has the region `code` chosen and goes down
    to level `depth`, keyed by level: the provinces, then the children of each region on the
    chain (its ancestors and itself) down to level `depth`. With no code, the provinces only.
    One query."""
    chain = code_ancestors(code)[:depth] if is_region_code(code) else []
    parents = [c for c in chain if code_level(c) < depth]
    qs = Region.objects.filter(level=Region.Level.PROVINCE)
    if parents:
        qs = Region.objects.filter(Q(level=Region.Level.PROVINCE) | Q(parent_id__in=parents))
    options: dict[int, list[RegionOption]] = {
        level: [] for level in range(1, min(len(parents) + 1, depth) + 1)
    }
    for row in qs.order_by("name", "code").values("code", "name", "level"):
        options[row["level"]].append({"code": row["code"], "name": row["name"]})
    return options


def region_paths(codes: Iterable[str]) -> dict[str, str]:
    """`{code: "Cilegon › Kota Cilegon › Banten"}` for each code: the region's name, then its
    ancestors' up to the province. One query, whatever the number of codes; unknown codes
    are left out."""  # noqa: RUF002
    codes = [c for c in set(codes) if is_region_code(c)]
    if not codes:
        return {}
    wanted = {a for c in codes for a in code_ancestors(c)}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    return {
        code: PATH_SEPARATOR.join(names[a] for a in reversed(code_ancestors(code)) if a in names)
        for code in codes
        if code in names
    }


def region_path(code: str) -> str:
    """The label of one region (see region_paths); "" when the code is unknown."""
    return region_paths([code]).get(code, "")


def region_search(q: str, level: int | None = None, within: str | None = None) -> list[RegionMatch]:
    """Up to SEARCH_LIMIT regions whose name contains `q` (any case): the exact names first,
    then the larger regions (provinces, regencies/cities, …), the closest names first within a
    level; optionally only of one `level` and only inside the region `within` (not the region
    itself). Two queries: the matches, then the names on their paths. Under two characters,
    or with a bad level or `within` code: nothing."""
    q = " ".join((q or "").split())
    if len(q) < SEARCH_MIN_LENGTH:
        return []
    qs = Region.objects.filter(_ILike(F("name"), Value(f"%{_like_escape(q)}%")))
    if level is not None:
        if level not in Region.Level.values:
            return []
        qs = qs.filter(level=level)
    if within:
        if not is_region_code(within):
            return []
        qs = qs.filter(code__startswith=f"{within}.")
    rows = list(
        qs.annotate(
            exact=ExpressionWrapper(Q(name__iexact=q), output_field=BooleanField()),
            similarity=TrigramSimilarity("name", q),
        )
        .order_by("-exact", "level", "-similarity", "name", "code")
        .values("code", "name", "level")[:SEARCH_LIMIT]
    )
    paths = region_paths(r["code"] for r in rows)
    return [{**r, "path": paths.get(r["code"], r["name"])} for r in rows]

"""A report's search document (`Report.search_vector`) and the queries against it.

Number and names weigh A, the narrative B, the route C, in the 'simple' configuration (names
and Indonesian words stay as typed), plus a lexeme `@agency:<id>` that no search can type
(`to_tsquery` drops the `@` and `:`): a search of own reports ANDs it in, so the GIN index alone
finds the agency's matches (docs/benchmarks.md). It only narrows: the scope is still
`selectors.own_reports`' condition. A report's agency never changes, so the lexeme cannot go
stale."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.db.models import Expression, Func, Value

CONFIG = "simple"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


AGENCY_PREFIX = "@agency:"


def agency_lexeme(agency_id: int) -> str:
    return f"{AGENCY_PREFIX}{int(agency_id)}"


def agency_lexeme_sql(column: str) -> str:
    """`agency_lexeme()` of an SQL column."""
    return f"'{AGENCY_PREFIX}' || {column}"


def document_sql(*, number: str, names: str, route: str, narrative: str, agency: str) -> str:
    """The document as an SQL expression over the given columns (for bulk writes)."""
    return (
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({number}, '')), 'A')"
        f" || setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({names}, '')), 'A')"
        f" || setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({route}, '')), 'C')"
        f" || setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({narrative}, '')), 'B')"
        f" || array_to_tsvector(ARRAY[{agency_lexeme_sql(agency)}])"
    )


class AgencyVector(SearchVectorCombinable, Func):
    """The one-lexeme document of an agency: `array_to_tsvector(ARRAY['@agency:<id>'])`."""

    template = "array_to_tsvector(ARRAY[%(expressions)s::text])"
    output_field = SearchVectorField()

    def __init__(self, agency_id: int) -> None:
        super().__init__(Value(agency_lexeme(agency_id)))


def document(*, number: str, names: str, route: str, narrative: str, agency_id: int) -> Expression:
    """The document as a Django expression (for one report's update)."""
    return (
        SearchVector(Value(number), weight="A", config=CONFIG)
        + SearchVector(Value(names), weight="A", config=CONFIG)
        + SearchVector(Value(route), weight="C", config=CONFIG)
        + SearchVector(Value(narrative), weight="B", config=CONFIG)
        + AgencyVector(agency_id)
    )


# As Django's SearchQuery; its stubs give the two bases different __and__ and __or__.
class LexemeQuery(SearchQueryCombinable, Func):  # type: ignore[misc]
    """A tsquery of exact lexemes, cast rather than parsed (`to_tsquery` would split them)."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()

    def __init__(self, lexemes: Iterable[str]) -> None:
        super().__init__(Value(any_of(lexemes)))


def any_of(lexemes: Iterable[str]) -> str:
    """The text of a tsquery matching any of `lexemes` (`'a' | 'b'`), to be cast, not parsed."""
    quoted = [f"'{lexeme}'" for lexeme in lexemes]
    if not quoted or any("'" in q[1:-1] or "\\" in q for q in quoted):
        raise ValueError("LexemeQuery needs plain lexemes")
    return " | ".join(quoted)


def words_query(text: str) -> SearchQuery | None:
    """Every word of `text` as a prefix (`sit nur` finds "Siti Nurhaliza"); None without words."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=CONFIG)


def agencies_query(agency_ids: Iterable[int]) -> LexemeQuery:
    """Matches the documents of reports of any of these agencies."""
    return LexemeQuery(agency_lexeme(a) for a in sorted(set(agency_ids)))

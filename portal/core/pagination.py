from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, F, QuerySet, Window
from django.http import HttpRequest

PAGE_SIZE = 25
MAX_PAGE = 10**9


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest page
    instead of an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def paginate_search(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """`paginate()` for a full-text search: the same page, with one pass over the matches
    instead of two (Django's counts, then reads, each paying for the word lookups and the access
    check). An ordering other than plain field names falls back to `paginate()`."""
    order = _plain_ordering(queryset)
    if order is None:
        return paginate(request, queryset, per_page)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1  # as Paginator.get_page: not a number, the first page
    paginator = Paginator(queryset, per_page)
    in_range = 1 <= number <= MAX_PAGE  # a bigger OFFSET is an error in PostgreSQL
    ids, total = _page_ids(queryset, order, number, per_page) if in_range else ([], 0)
    if not ids and number != 1:  # past the end, or below 1: the last page, as get_page
        number = paginator.num_pages  # counts the queryset
        ids, total = _page_ids(queryset, order, number, per_page) if paginator.count else ([], 0)
    paginator.count = total  # a cached_property: known already, not counted again
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
    return Page([rows[pk] for pk in ids if pk in rows], number, paginator)


def _plain_ordering(queryset: QuerySet) -> list[tuple[str, bool]] | None:
    """The queryset's ordering as (field or annotation name, descending), or None."""
    order = []
    for item in queryset.query.order_by:
        if not isinstance(item, str) or item == "?" or "__" in item:
            return None
        order.append((item.lstrip("-"), item.startswith("-")))
    return order or None


def _page_ids(
    queryset: QuerySet, order: list[tuple[str, bool]], number: int, per_page: int
) -> tuple[list, int]:
    matches = (
        queryset.order_by()
        .annotate(_matches=Window(Count("pk")))
        .values(
            "_matches", _pk=F("pk"), **{f"_o{i}": F(name) for i, (name, _d) in enumerate(order)}
        )
    )
    sql, params = matches.query.sql_with_params()
    by = ", ".join(f'"_o{i}" {"DESC" if desc else "ASC"}' for i, (_n, desc) in enumerate(order))
    with connections[queryset.db].cursor() as cursor:
        # `OFFSET 0` keeps PostgreSQL from merging the subquery: merged, it costs the window as
        # if it could stop after a page and walks the time index through every report.
        cursor.execute(
            # Only aliases of our own are formatted in; the values are parameters.
            f'SELECT "_pk", "_matches" FROM ({sql} OFFSET 0) AS matches '  # noqa: S608
            f"ORDER BY {by} LIMIT %s OFFSET %s",
            (*params, per_page, (number - 1) * per_page),
        )
        found = cursor.fetchall()
    return [pk for pk, _n in found], (found[0][1] if found else 0)

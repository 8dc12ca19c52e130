"""The home page's dashboard: the machinery, not the panels.

Each app shows its own data: its `dashboard.py` registers providers (`@register`), found by
CoreConfig.ready() (autodiscover_modules), each with the access predicate that decides who
gets it — never a comparison of roles. The home page runs the providers the user passes, in
the order of their `order`, and each adds to the board: panels (a count and the first rows of
a list) and other cards in the row of panels, or summaries above it.

Reads only: every panel starts from the scoping selectors of its app, so the dashboard shows
nothing a list page would not. Each panel costs one or two queries however many records lie
behind it (a count and the first few rows), so the home page stays fast at any size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from portal.accounts.models import User

PANEL_ROWS = 5

Build = Callable[[User, "Dashboard", dt.date], None]


@dataclass
class Panel:
    """A count and the first rows of a queryset the user may see, with what the template
    needs to show them: a title, the line for an empty panel, the list it summarises and the
    template of one row (which receives it as `row`)."""

    rows: list[Any]
    count: int
    title: str = ""
    empty: str = ""
    url: str = ""
    row_template: str = ""
    template: str = "core/_panel.html"

    @classmethod
    def of(cls, qs: QuerySet, *, limit: int = PANEL_ROWS, **meta: str) -> Panel:
        # One query for the rows; the count only when the rows fill the panel.
        rows = list(qs[: limit + 1])
        if len(rows) <= limit:
            return cls(rows=rows, count=len(rows), **meta)
        return cls(rows=rows[:limit], count=qs.count(), **meta)


@dataclass
class Card:
    """Anything else a provider shows: its template, which receives the card as `panel`
    (in the row of panels) or `section` (among the summaries), and the figures it shows."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Dashboard:
    summaries: dict[str, Card] = field(default_factory=dict)  # above the panels
    panels: dict[str, Panel | Card] = field(default_factory=dict)  # in order

    def add(
        self, key: str, qs: QuerySet, *, title: str, empty: str, url: str, row_template: str
    ) -> None:
        self.panels[key] = Panel.of(
            qs, title=title, empty=empty, url=url, row_template=row_template
        )


@dataclass(frozen=True)
class Provider:
    name: str
    order: int  # smaller first; ties by name, so that the page never reshuffles
    shown_to: Callable[[User], bool]  # an access predicate (portal/access.py, permissions.py)
    build: Build


_providers: dict[str, Provider] = {}


def register(
    name: str, *, order: int, shown_to: Callable[[User], bool]
) -> Callable[[Build], Build]:
    """Decorate `build(user, board, today)` to add its panels to the home page of the users
    `shown_to` accepts. Registering a name again replaces it."""

    def decorate(build: Build) -> Build:
        _providers[name] = Provider(name=name, order=order, shown_to=shown_to, build=build)
        return build

    return decorate


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.name))


def dashboard_for(user: User, *, today: dt.date | None = None) -> Dashboard:
    """The board of `user`: what every provider they pass adds, in order."""
    today = today or timezone.localdate()
    board = Dashboard()
    for provider in providers():
        if provider.shown_to(user):
            provider.build(user, board, today)
    return board

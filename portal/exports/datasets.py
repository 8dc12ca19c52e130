"""What a dataset is: the list it comes from (the same selector and filter form as the list
page, so that an export is exactly the filtered list the user sees), its sheets, their columns
(translatable headers) and a row function. The apps define their datasets in their `exports.py`
and add them to portal.exports.registry.

A row function receives a chunk of the list's objects (a few hundred at a time) and yields
rows; whatever it needs beside the objects (persons, which reports' identifiers the user may
reveal, referral counts) it fetches for the whole chunk at once, so the number of queries of
an export grows with the number of chunks, never with the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.fields import mask
from portal.exports.models import Dataset as DatasetName

if TYPE_CHECKING:
    from portal.accounts.models import User

# Rows fetched and written at a time; also the step of the progress bar.
CHUNK = 250

# Query parameters of the list pages that are not filters.
NOT_FILTERS = {"page"}


@dataclass
class ExportRun:
    """One export while it is written: who asks, with which options, and what it revealed."""

    user: User
    identifiers: bool = False
    revealed: int = 0  # identifier values written in full
    revealed_records: set[int] = field(default_factory=set)  # reports / villages concerned
    cache: dict[str, Any] = field(default_factory=dict)
    today: Any = field(default_factory=timezone.localdate)

    def reveal(self, record_id: int, value: str, allowed: bool, **mask_kwargs: int) -> str:
        """The value in full when allowed (counted), masked otherwise."""
        if not value:
            return ""
        if allowed:
            self.revealed += 1
            self.revealed_records.add(record_id)
            return value
        return mask(value, **mask_kwargs)


RowFunction = Callable[[ExportRun, list[Any]], Iterable[list[Any]]]


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Any  # translatable
    columns: tuple[tuple[str, Any], ...]  # (key, translatable header)
    rows: RowFunction

    @property
    def headers(self) -> list[str]:
        return [str(header) for _key, header in self.columns]

    @property
    def keys(self) -> list[str]:
        return [key for key, _header in self.columns]


def querydict(params: dict[str, list[str]]) -> QueryDict:
    """A job's kept filters as the QueryDict the list page's filter form reads."""
    data = QueryDict(mutable=True)
    for key, values in params.items():
        data.setlist(key, [str(v) for v in values])
    return data


def filter_params(query: QueryDict) -> dict[str, list[str]]:
    """The filters of a list page's query string, as kept on an export job."""
    return {
        key: values
        for key, values in query.lists()
        if key not in NOT_FILTERS and any(v != "" for v in values)
    }


def invalid_filters(form: Form) -> ValidationError:
    """A filter form's errors as the ValidationError `Dataset.queryset` raises."""
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def chunks(queryset: QuerySet) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        batch.append(obj)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


class Dataset:
    """A list that can be exported. Subclasses name the list page, parse its filters into the
    selector's, and give their sheets."""

    name: str
    list_url_name: str
    identifiers = False  # offers "include identifiers"
    case_files = (
        False  # exports case files: none for a role that reads none (access.reads_case_files)
    )
    parts: tuple[str, ...] = ("main",)  # CSV parts (one file each); XLSX has every sheet

    @property
    def title(self) -> str:
        return str(DatasetName(self.name).label)

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        """The filtered list; ValidationError({field: messages}) when a filter is invalid."""
        raise NotImplementedError

    def sheets(self) -> list[Sheet]:
        raise NotImplementedError

    def sheets_for(self, fmt: str, part: str = "main") -> list[Sheet]:
        sheets = self.sheets()
        if fmt == "csv":
            index = self.parts.index(part) if part in self.parts else 0
            return [sheets[index]]
        return sheets

    def list_url(self, params: dict[str, list[str]]) -> str:
        query = querydict(params).urlencode()
        return reverse(self.list_url_name) + (f"?{query}" if query else "")

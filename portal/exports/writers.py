"""CSV and XLSX writers: header row first, then rows as they come, so that a big export never
sits in memory whole.

CSV is UTF-8 with a byte-order mark (so Excel opens it as UTF-8), comma-separated, quoted as
RFC 4180 says, CRLF line ends. A text cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) gets a leading apostrophe: CSV injection. XLSX cells
are typed (numbers, dates, text) and XlsxWriter is told never to turn text into formulas, URLs
or numbers, so nothing needs changing there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any, Protocol

import xlsxwriter
from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """`=HYPERLINK(...)` → `'=HYPERLINK(...)`: shown as text by spreadsheet programs."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return neutralise(str(value))


class SheetLike(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def headers(self) -> list[str]: ...


class Writer(Protocol):
    def write(self, sheet: SheetLike, rows: Iterable[Sequence[Any]]) -> int: ...

    def close(self) -> None: ...


class CsvWriter:
    """One sheet of the dataset (CSV has no second sheet): the others are skipped."""

    extension = "csv"

    def __init__(self, fh: IO[bytes], sheets: Sequence[SheetLike]):
        self.sheet_key = sheets[0].key
        self._text = io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=True)
        self._text.write("\ufeff")
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        self._csv.writerow([neutralise(str(h)) for h in sheets[0].headers])

    def write(self, sheet: SheetLike, rows: Iterable[Sequence[Any]]) -> int:
        if sheet.key != self.sheet_key:
            return 0
        n = 0
        for row in rows:
            self._csv.writerow([csv_cell(v) for v in row])
            n += 1
        return n

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # the caller owns the file


_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


class XlsxWriter:
    """One worksheet per sheet of the dataset, written row by row (constant memory: rows go
    to temporary files as they are written, in order)."""

    extension = "xlsx"

    def __init__(self, fh: IO[bytes], sheets: Sequence[SheetLike]):
        self.book = xlsxwriter.Workbook(
            fh,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        self.datetime_format = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        bold = self.book.add_format({"bold": True})
        taken: set[str] = set()
        self.sheets = {}
        self.next_row = {}
        for sheet in sheets:
            ws = self.book.add_worksheet(sheet_name(sheet.title, taken))
            ws.set_column(0, max(len(sheet.headers) - 1, 0), 18)
            ws.freeze_panes(1, 0)
            for col, header in enumerate(sheet.headers):
                ws.write_string(0, col, str(header), bold)
            self.sheets[sheet.key] = ws
            self.next_row[sheet.key] = 1

    def write(self, sheet: SheetLike, rows: Iterable[Sequence[Any]]) -> int:
        ws = self.sheets[sheet.key]
        r = self.next_row[sheet.key]
        start = r
        for row in rows:
            for c, value in enumerate(row):
                self._cell(ws, r, c, value)
            r += 1
        self.next_row[sheet.key] = r
        return r - start

    def _cell(self, ws: Any, r: int, c: int, value: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, c, _local(value).replace(tzinfo=None), self.datetime_format)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, c, value)
        else:
            ws.write_string(r, c, str(value))

    def close(self) -> None:
        self.book.close()


WRITERS: dict[str, type[CsvWriter] | type[XlsxWriter]] = {"csv": CsvWriter, "xlsx": XlsxWriter}

"""Reading the files the exports write, making exports through the pages, and counting the
queries of an export."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import User
from portal.exports import services
from portal.exports.registry import get_dataset
from referrals.forms import banten_regencies

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _xml(data: bytes) -> ElementTree.Element:
    # Our own export, written by XlsxWriter a moment ago: not untrusted input.
    return ElementTree.fromstring(data)  # noqa: S314


def read_csv(content: bytes) -> list[list[str]]:
    """Rows of a CSV export; it must start with a UTF-8 byte-order mark."""
    assert content.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _column_index(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(content: bytes) -> dict[str, list[list]]:
    """{sheet name: rows} of an XLSX export (strings, numbers as written; dates as serials).
    Fails on any formula cell."""
    book = zipfile.ZipFile(io.BytesIO(content))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in book.namelist():
        root = _xml(book.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root]
    workbook = _xml(book.read("xl/workbook.xml"))
    rels = _xml(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    sheets = {}
    for sheet in workbook.find("m:sheets", NS):
        path = "xl/" + targets[sheet.get(REL_NS)].lstrip("/").removeprefix("xl/")
        root = _xml(book.read(path))
        rows = []
        for row in root.iter(f"{{{NS['m']}}}row"):
            values: list = []
            for cell in row.findall("m:c", NS):
                assert cell.find("m:f", NS) is None, "formula cell in an export"
                index = _column_index(cell.get("r"))
                while len(values) < index:
                    values.append("")
                kind = cell.get("t")
                v = cell.find("m:v", NS)
                if kind == "s":
                    values.append(shared[int(v.text)])
                elif kind == "inlineStr":
                    values.append("".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t")))
                elif kind == "str":
                    values.append(v.text if v is not None else "")
                elif v is not None:
                    number = float(v.text)
                    values.append(int(number) if number.is_integer() else number)
                else:
                    values.append("")
            rows.append(values)
        width = len(rows[0]) if rows else 0
        sheets[sheet.get("name")] = [row + [""] * (width - len(row)) for row in rows]
    return sheets


def export(client, dataset: str, query: str = "", **data):
    """POST the export buttons of a list page, with its query string."""
    data.setdefault("format", "csv")
    url = reverse("exports:create", args=[dataset]) + (f"?{query}" if query else "")
    return client.post(url, data)


def content(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def column(rows: list[list], header_index: int) -> list:
    return [row[header_index] for row in rows[1:]]


def first_sheet(content: bytes) -> list[list]:
    return next(iter(read_xlsx(content).values()))


def sheet(content: bytes, index: int) -> list[list]:
    return list(read_xlsx(content).values())[index]


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # nothing memoised from an earlier run


def export_queries(
    user: User, dataset: str, options: services.ExportOptions, params: dict | None = None
) -> int:
    """The queries of writing `dataset` for `user` (to nowhere)."""
    banten_regencies()  # reference data cached between requests: count a warm process's queries
    with CaptureQueriesContext(connection) as ctx, open("/dev/null", "wb") as sink:
        services.export_write(
            dataset=get_dataset(dataset),
            user=user,
            params=params or {},
            options=options,
            fh=sink,
        )
    return len(ctx)

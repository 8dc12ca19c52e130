"""The CSV and XLSX writers on their own: BOM, RFC 4180 quoting, CSV injection, typed cells."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest

from portal.exports.writers import CsvWriter, XlsxWriter, csv_cell, neutralise, sheet_name
from tests.exports.helpers import read_xlsx

SHEET = SimpleNamespace(key="main", title="Laporan", headers=["a", "b", "c"])
OTHER = SimpleNamespace(key="persons", title="Orang", headers=["x"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+628123", "'+628123"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Siti = Budi", "Siti = Budi"),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_numbers_and_dates_are_not_neutralised():
    assert csv_cell(-5) == "-5"
    assert csv_cell(dt.date(2025, 5, 21)) == "2025-05-21"
    assert csv_cell(None) == ""


def test_csv_is_utf8_with_bom_crlf_and_rfc4180_quoting():
    buffer = io.BytesIO()
    writer = CsvWriter(buffer, [SHEET, OTHER])
    assert writer.write(SHEET, [["Desa Bulakan, Cibeber", 'kata "kutip"', "baris\nbaru"]]) == 1
    assert writer.write(OTHER, [["ignored"]]) == 0  # CSV has one sheet
    writer.close()
    assert not buffer.closed
    assert buffer.getvalue() == (
        b'\xef\xbb\xbfa,b,c\r\n"Desa Bulakan, Cibeber","kata ""kutip""","baris\nbaru"\r\n'
    )


def test_xlsx_has_typed_cells_and_one_sheet_per_part():
    buffer = io.BytesIO()
    writer = XlsxWriter(buffer, [SHEET, OTHER])
    writer.write(SHEET, [[42, "=1+1", dt.date(2025, 5, 21)], [None, "", "teks"]])
    writer.write(OTHER, [["Siti"]])
    writer.close()
    sheets = read_xlsx(buffer.getvalue())
    assert list(sheets) == ["Laporan", "Orang"]
    assert sheets["Laporan"][0] == ["a", "b", "c"]
    assert sheets["Laporan"][1][:2] == [42, "=1+1"]  # text, not a formula
    assert sheets["Laporan"][1][2] == 45798  # a real date (Excel serial of 2025-05-21)
    assert sheets["Orang"][1] == ["Siti"]


def test_sheet_names_follow_excels_rules():
    taken: set[str] = set()
    assert sheet_name("Laporan/Orang: [uji]?", taken) == "Laporan Orang   uji"
    assert len(sheet_name("x" * 40, taken)) == 31
    assert sheet_name("Laporan/Orang: [uji]?", taken) == "Laporan Orang   uji 2"

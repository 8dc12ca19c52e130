"""The server-drawn charts: valid, CSP-clean SVG whose coordinates never take a decimal comma,
whose text is escaped, and whose numbers follow the user's language."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from referrals.stats import charts
from referrals.stats.charts import HRow
from referrals.stats.selectors import Combo, MonthRow

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(  # noqa: S314 - our own output
        svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def test_nice_scale_rounds_up_to_whole_steps():
    assert charts.nice_scale(0) == (1.0, 1.0)
    assert charts.nice_scale(3) == (3.0, 1.0)
    assert charts.nice_scale(17) == (20.0, 5.0)
    assert charts.nice_scale(94_509) == (100_000.0, 50_000.0)


def test_columns_stack_to_the_month_total_in_indonesian():
    combos = [Combo("tppo", "TPPO", "#b02a37"), Combo("tppm+tppo", "TPPO + TPPM", "#6f42c1")]
    months = [
        MonthRow(dt.date(2025, 1, 1), 1500, 1600, {"tppo": 1000, "tppm+tppo": 500}),
        MonthRow(dt.date(2025, 2, 1), 0, 0, {}),
    ]
    with translation.override("id"):
        svg = charts.columns_svg(months, combos, chart_id="c", title="Judul", desc="Keterangan")

    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Judul"
    rects = root.findall(f".//{SVG}rect")
    assert len(rects) == 2
    heights = [float(r.get("height")) for r in rects]  # a decimal comma would fail here
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.2)
    assert "1.000" in rects[0].find(f"{SVG}title").text  # Indonesian grouping
    assert "Januari 2025" in rects[0].find(f"{SVG}title").text
    assert "style=" not in svg


def test_hbars_escape_labels_and_link_when_asked():
    rows = [HRow('<script>alert("x")</script>', 3, None, "36.71"), HRow("Kota Cilegon", 1.25, 2.5)]

    with translation.override("en"):
        svg = charts.hbars_svg(
            rows, chart_id="h", title="T", desc="D", days=True, link=lambda key: f"?regency={key}"
        )

    assert "<script>" not in svg
    root = parse(svg)
    links = root.findall(f".//{SVG}a")
    assert links[0].get("href") == "?regency=36.71"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert '<script>alert("x")</script>' in texts
    assert {"1.2 / 2.5", "1.3 / 2.5"} & set(texts)


def test_empty_chart_says_so():
    assert 'data-empty="h"' in charts.hbars_svg([], chart_id="h", title="T", desc="D")

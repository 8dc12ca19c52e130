"""Published figures the portal's own counts are set against (DOMAIN.md, "Figures in the
seeds"). They cover the whole province, every agency, and count persons; the portal counts
what the user's agencies recorded, so the comparison shows coverage, not a discrepancy."""

from __future__ import annotations

from dataclasses import dataclass

# Both news reports quote the data of KP2MI (Kementerian Pelindungan Pekerja Migran Indonesia).
SOURCE_METRO = (
    "KP2MI, quoted by Metrotvnews.com (Hendrik Simorangkir), 21 November 2025: "
    '"Imigrasi dan Polda Banten melakukan penandatanganan kerja sama pencegahan TPPO dan TPPM"'
)
SOURCE_FAM68 = (
    "KP2MI, quoted by FAM68, November 2025: "
    '"Penurunan PMI Nonprosedural dan Penandatanganan Kerja Sama di Banten"'
)


@dataclass(frozen=True)
class PublishedFigure:
    year: int
    half: int | None  # 1 = January-June, 2 = July-December, None = the whole year
    persons: int
    approximate: bool
    source: str


# Non-procedural migrant workers (PMI nonprosedural) from Banten.
NONPROCEDURAL_PMI_BANTEN: tuple[PublishedFigure, ...] = (
    # "pada 2024 yang mencapai 4.000 orang"
    PublishedFigure(2024, None, 4_000, approximate=True, source=SOURCE_METRO),
    # "Pada semester I 2025 terjadi penurunan 50 persen atau 1.242 orang"
    PublishedFigure(2025, 1, 1_242, approximate=False, source=SOURCE_METRO),
)

# Procedural migrant workers from Banten working abroad in 2025 (context for the trend).
PROCEDURAL_PMI_BANTEN_2025 = PublishedFigure(
    2025, None, 104_423, approximate=False, source=SOURCE_FAM68
)

# The trend starts with the first year a figure was published for.
TREND_FIRST_YEAR = min(f.year for f in NONPROCEDURAL_PMI_BANTEN)


def published(year: int, half: int | None) -> PublishedFigure | None:
    for figure in NONPROCEDURAL_PMI_BANTEN:
        if figure.year == year and figure.half == half:
            return figure
    return None

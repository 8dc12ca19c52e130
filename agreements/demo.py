"""Demo data: the scope vocabulary and the three real agreements of ../shared/DOMAIN.md, with
their dates, places, parties, signatories and scopes as the news reports give them. What the
reports do not say (agreement numbers, end dates) is left empty rather than invented.
Idempotent: an agreement with the same title is left as it is."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.db import transaction

from agreements.models import Agreement, AgreementScope, AgreementStatus, Party, Scope
from portal.accounts.models import Agency
from portal.core.categories import ReportCategory

C = ReportCategory

SCOPES = [
    # code, Indonesian, English, allows data exchange, description
    (
        "data-exchange",
        "Pertukaran dan pemanfaatan data/informasi indikasi TPPO/TPPM",
        "Exchange and use of data on TPPO/TPPM indications",
        True,
        "Berbagi laporan indikasi TPPO, TPPM dan PMI nonprosedural antarinstansi.",
    ),
    (
        "prevention",
        "Pencegahan kejahatan lintas negara",
        "Prevention of cross-border crime",
        False,
        "",
    ),
    (
        "law-enforcement",
        "Koordinasi penegakan hukum kejahatan transnasional",
        "Law enforcement coordination against transnational crime",
        False,
        "Koordinasi, pengawasan dan pembinaan.",
    ),
    (
        "capacity-building",
        "Peningkatan kapasitas SDM dan pelatihan bersama",
        "Capacity building and joint training",
        False,
        "",
    ),
    (
        "joint-outreach",
        "Sosialisasi dan edukasi bersama di Desa Binaan",
        "Joint outreach and education in Desa Binaan",
        False,
        "",
    ),
    (
        "shared-facilities",
        "Pemanfaatan sarana dan prasarana bersama",
        "Shared use of facilities",
        False,
        "",
    ),
    (
        "pmi-protection",
        "Sinergi tugas dan fungsi pelindungan PMI",
        "Joint duties in protecting migrant workers",
        False,
        "",
    ),
    (
        "public-education",
        "Edukasi publik pencegahan TPPO",
        "Public education on TPPO prevention",
        False,
        "",
    ),
    (
        "digital-prevention",
        "Sistem pencegahan digital",
        "Digital prevention system",
        False,
        "Sistem digital bersama untuk pencegahan TPPO, seperti portal ini.",
    ),
]

KANWIL_HEAD = ("Felucia Sengky Ratna", "Kepala Kantor Wilayah Direktorat Jenderal Imigrasi Banten")


class AgreementSpec(TypedDict):
    title: str
    kind: str
    signed_on: dt.date
    signed_at: str
    summary: str
    # (agency short name, signatory, position, role, covers child offices)
    parties: list[tuple[str, str, str, str, bool]]
    # (scope code, categories exchanged or None)
    scopes: list[tuple[str, list[str] | None]]


AGREEMENTS: list[AgreementSpec] = [
    {
        "title": "Perjanjian Kerja Sama Kanwil Ditjen Imigrasi Banten dan Polda Banten tentang "
        "Pencegahan TPPO dan TPPM",
        "kind": Agreement.Kind.PKS,
        "signed_on": dt.date(2025, 11, 20),
        "signed_at": "Tangerang",
        "summary": "Pencegahan TPPO dan TPPM; program Desa Binaan Keimigrasian sebagai instrumen "
        "strategis pelaksanaan ruang lingkup kerja sama, khususnya pencegahan kejahatan lintas "
        "negara dan pertukaran data.",
        "parties": [
            (
                "Kanwil Imigrasi Banten",
                *KANWIL_HEAD,
                "pencegahan dan pengawasan keimigrasian",
                True,
            ),
            (
                "Polda Banten",
                "Irjen Pol. Hengki",
                "Kepala Kepolisian Daerah Banten",
                "penegakan hukum",
                True,
            ),
        ],
        "scopes": [
            ("prevention", None),
            ("data-exchange", [C.TPPO, C.TPPM, C.PMI_NONPROCEDURAL]),
            ("law-enforcement", None),
            ("capacity-building", None),
            ("shared-facilities", None),
        ],
    },
    {
        "title": "Perjanjian Kerja Sama Kanwil Ditjen Imigrasi Banten dan BP3MI Banten tentang "
        "Penguatan Desa Binaan dalam Pencegahan TPPO dan TPPM",
        "kind": Agreement.Kind.PKS,
        "signed_on": dt.date(2025, 11, 18),
        "signed_at": "Aula Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
        "summary": "Penguatan sinergi di tingkat akar rumput melalui optimalisasi peran Desa "
        "Binaan Imigrasi, yang dikelola bersama kedua instansi.",
        "parties": [
            (
                "Kanwil Imigrasi Banten",
                *KANWIL_HEAD,
                "pengawasan keimigrasian di Desa Binaan",
                True,
            ),
            ("BP3MI Banten", "Budi Novijanto", "Kepala BP3MI Banten", "pelindungan PMI", False),
        ],
        "scopes": [
            ("pmi-protection", None),
            ("data-exchange", [C.TPPO, C.TPPM]),
            ("capacity-building", None),
            ("joint-outreach", None),
        ],
    },
    {
        "title": "Strategi Optimalisasi Pencegahan TPPO di Provinsi Banten",
        "kind": Agreement.Kind.PKS,
        "signed_on": dt.date(2025, 10, 2),
        "signed_at": "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
        "summary": "Kerja sama tiga lembaga: imigrasi mengawasi dan menegakkan hukum, BP3MI "
        "melindungi PMI, KNPI mengedukasi publik. Program: edukasi publik, sistem pencegahan "
        'digital, dan jejaring pemuda dalam kampanye "Stop TPPO". Tidak mencakup pertukaran '
        "data kasus.",
        "parties": [
            (
                "Kanim Tangerang",
                "Hasanin",
                "Kepala Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
                "pengawasan dan penegakan hukum",
                False,
            ),
            ("BP3MI Banten", "Budi Novijanto", "Kepala BP3MI Banten", "pelindungan PMI", False),
            (
                "DPD KNPI Kota Tangerang",
                "",
                "Ketua DPD KNPI Kota Tangerang",
                "edukasi publik",
                False,
            ),
        ],
        "scopes": [
            ("public-education", None),
            ("digital-prevention", None),
            ("joint-outreach", None),
        ],
    },
]


def seed_scopes() -> dict[str, Scope]:
    """The scope vocabulary of the real agreements, by code (created when missing)."""
    scopes = {}
    for order, (code, name_id, name_en, exchange, description) in enumerate(SCOPES, start=1):
        scopes[code], _created = Scope.objects.get_or_create(
            code=code,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "allows_data_exchange": exchange,
                "description": description,
                "sort_order": order * 10,
            },
        )
    return scopes


@transaction.atomic
def seed() -> None:
    scopes = seed_scopes()
    agencies = {a.short_name: a for a in Agency.objects.all()}
    for spec in AGREEMENTS:
        if Agreement.objects.filter(title=spec["title"]).exists():
            continue
        agreement = Agreement.objects.create(
            title=spec["title"],
            kind=spec["kind"],
            status=AgreementStatus.ACTIVE,
            signed_on=spec["signed_on"],
            signed_at=spec["signed_at"],
            effective_from=spec["signed_on"],
            summary=spec["summary"],
        )
        for short, signatory, position, role, covers in spec["parties"]:
            Party.objects.create(
                agreement=agreement,
                agency=agencies[short],
                signatory_name=signatory,
                signatory_position=position,
                role=role,
                covers_child_offices=covers,
            )
        for code, categories in spec["scopes"]:
            AgreementScope.objects.create(
                agreement=agreement, scope=scopes[code], categories=categories or []
            )

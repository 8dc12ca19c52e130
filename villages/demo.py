"""Demo Desa Binaan in Kab. Tangerang, Kota Tangerang, Kab. Serang and Kota Cilegon, with
yearly figures and activities across 2025 — among them the real dissemination event of Kantor
Imigrasi Cilegon on 21 May 2025 (../shared/DOMAIN.md). Village names and codes are real;
people, phone numbers and figures are illustrative. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from agreements.models import Agreement, AgreementScope
from portal.accounts.models import Agency, User
from portal.regions.models import Region
from villages.models import (
    Activity,
    ActivityKind,
    Audience,
    DesaBinaan,
    DesaBinaanPartner,
    VillageFigure,
)

IMIGRASI_BP3MI = "Perjanjian Kerja Sama Kanwil Ditjen Imigrasi Banten dan BP3MI Banten"
IMIGRASI_POLDA = "Perjanjian Kerja Sama Kanwil Ditjen Imigrasi Banten dan Polda Banten"

# village code, office, designated on, decree, head, base figures (procedural, non-procedural, returnees)
VILLAGES = [
    (
        "36.03.01.2003",
        "Kanim Tangerang",
        "2024-08-12",
        "W.11.IMI.IMI.1-UM.01.01-0812",
        "Ahmad Suhendi",
        (212, 9, 14),
    ),
    (
        "36.03.01.2005",
        "Kanim Tangerang",
        "2024-08-12",
        "W.11.IMI.IMI.1-UM.01.01-0813",
        "Dedi Kurniawan",
        (187, 12, 10),
    ),
    ("36.03.02.2001", "Kanim Tangerang", "2025-02-03", "", "Siti Aminah", (143, 6, 8)),
    (
        "36.71.01.1003",
        "Kanim Tangerang",
        "2024-10-21",
        "W.11.IMI.IMI.1-UM.01.01-1021",
        "Rudi Hartono",
        (96, 3, 5),
    ),
    ("36.71.02.1001", "Kanim Tangerang", "2025-03-17", "", "Yuli Rahmawati", (74, 4, 6)),
    ("36.71.03.1001", "Kanim Tangerang", "2025-03-17", "", "Agus Salim", (88, 2, 4)),
    (
        "36.04.05.2002",
        "Kanim Serang",
        "2024-09-09",
        "W.11.IMI.IMI.3-UM.01.01-0909",
        "Jaenudin",
        (265, 18, 21),
    ),
    (
        "36.04.07.2001",
        "Kanim Serang",
        "2024-09-09",
        "W.11.IMI.IMI.3-UM.01.01-0910",
        "Hj. Mulyati",
        (198, 15, 17),
    ),
    ("36.04.08.2001", "Kanim Serang", "2025-01-20", "", "Sarmili", (176, 11, 12)),
    (
        "36.72.01.1002",
        "Kanim Cilegon",
        "2024-11-04",
        "W.11.IMI.IMI.2-UM.01.01-1104",
        "Ujang Sukmana",
        (121, 7, 9),
    ),
    (
        "36.72.03.1001",
        "Kanim Cilegon",
        "2024-11-04",
        "W.11.IMI.IMI.2-UM.01.01-1105",
        "Wawan Setiawan",
        (109, 10, 7),
    ),
    ("36.72.04.1001", "Kanim Cilegon", "2025-04-14", "", "Neneng Hasanah", (95, 5, 6)),
]


def _d(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _scope(title_prefix: str, code: str) -> AgreementScope | None:
    return AgreementScope.objects.filter(
        agreement__title__startswith=title_prefix, scope__code=code
    ).first()


@transaction.atomic
def seed() -> None:
    agencies = {a.short_name: a for a in Agency.objects.all()}
    bp3mi = agencies["BP3MI Banten"]
    agreement_bp3mi = Agreement.objects.filter(title__startswith=IMIGRASI_BP3MI).first()
    villages: dict[str, DesaBinaan] = {}
    for index, (code, office_name, designated, decree, head, base) in enumerate(VILLAGES):
        office = agencies[office_name]
        desa, created = DesaBinaan.objects.get_or_create(
            village=Region.objects.get(code=code),
            defaults={
                "designating_office": office,
                "designated_on": _d(designated),
                "decree_number": decree,
                "village_head_name": head,
                "village_head_phone": f"08128{index:02d}1{index:03d}7",
                "contact_name": "Karang Taruna setempat",
                "contact_role": "ketua karang taruna",
                "contact_phone": f"08577{index:03d}24{index:02d}",
            },
        )
        villages[code] = desa
        if not created:
            continue
        desa.liaison_officers.set(User.objects.filter(agency=office, role=User.Role.OFFICER))
        if agreement_bp3mi is not None:
            DesaBinaanPartner.objects.create(
                desa=desa,
                agency=bp3mi,
                agreement=agreement_bp3mi,
                since=agreement_bp3mi.effective_from,
            )
        procedural, nonprocedural, returnees = base
        for offset, year in enumerate((2023, 2024, 2025)):
            VillageFigure.objects.create(
                desa=desa,
                year=year,
                procedural_abroad=procedural + 9 * offset,
                # Non-procedural departures halved in 2025 in Banten (DOMAIN.md figures).
                nonprocedural_departures=max(1, nonprocedural - offset * nonprocedural // 3),
                returnees=returnees + offset,
                source="Pendataan PIMPASA bersama perangkat desa",
            )

    cilegon = Region.objects.get(code="36.72")
    districts = Region.objects.filter(parent=cilegon).count()
    kelurahan = Region.objects.filter(parent__parent=cilegon).count()
    # Keyword arguments of Activity, and what is set after its creation.
    activities: list[dict[str, Any]] = [
        {
            "title": "Diseminasi Informasi Keimigrasian \u201cPMI Legal dan Terlindungi di Luar Negeri\u201d",
            "kind": ActivityKind.DISEMINASI,
            "date": _d("2025-05-21"),
            "place": "Aston Anyer Beach Hotel",
            "organiser": agencies["Kanim Cilegon"],
            "area": cilegon,
            "audience": [Audience.CAMAT_LURAH],
            "audience_notes": f"Camat dan lurah se-Kota Cilegon ({districts} kecamatan, {kelurahan} kelurahan)",
            "participants_male": districts + kelurahan - 12,
            "participants_female": 12,
            "speakers": "BP3MI Banten\nDinas Tenaga Kerja Kota Cilegon\n"
            "Seksi Lalu Lintas Keimigrasian, Kantor Imigrasi Cilegon",
            "summary": "Dibuka oleh Lanniy Meitia Putri, S.S., M.A., Kepala Bidang Dokumen "
            "Perjalanan, Izin Tinggal dan Status Keimigrasian Kanwil Ditjenim Banten, mewakili "
            "Kepala Kantor Wilayah. Mendukung 13 program akselerasi Menteri Imigrasi dan "
            "Pemasyarakatan dalam pencegahan TPPO dan TPPM.",
            "follow_ups": "Literasi keimigrasian di tingkat kecamatan dan kelurahan; lurah "
            "melaporkan rencana keberangkatan warga yang mencurigakan kepada PIMPASA.",
            "co": [],
            "villages": ["36.72.01.1002", "36.72.03.1001"],
            "scope": None,
        },
        {
            "title": "Kunjungan door-to-door calon PMI di Desa Cangkudu",
            "kind": ActivityKind.DOOR_TO_DOOR,
            "date": _d("2025-03-12"),
            "place": "Desa Cangkudu, Balaraja",
            "organiser": agencies["Kanim Tangerang"],
            "audience": [Audience.CALON_PMI, Audience.PMI_FAMILIES],
            "participants_male": 14,
            "participants_female": 23,
            "summary": "Pendataan warga yang berencana bekerja ke luar negeri.",
            "co": [],
            "villages": ["36.03.01.2003"],
            "scope": None,
        },
        {
            "title": "Sosialisasi bahaya TPPO di Kramatwatu",
            "kind": ActivityKind.SOSIALISASI,
            "date": _d("2025-07-09"),
            "place": "Balai Desa Margasana",
            "organiser": agencies["Kanim Serang"],
            "audience": [Audience.RESIDENTS, Audience.YOUTH],
            "participants_male": 38,
            "participants_female": 45,
            "co": [],
            "villages": ["36.04.05.2002"],
            "scope": None,
        },
        {
            "title": "Sosialisasi dan edukasi bersama BP3MI di Desa Binaan Balaraja",
            "kind": ActivityKind.SOSIALISASI,
            "date": _d("2025-11-26"),
            "place": "Aula Kecamatan Balaraja",
            "organiser": agencies["Kanim Tangerang"],
            "audience": [Audience.CALON_PMI, Audience.RESIDENTS, Audience.VILLAGE_OFFICIALS],
            "participants_male": 52,
            "participants_female": 61,
            "speakers": "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang\nBP3MI Banten",
            "co": ["BP3MI Banten"],
            "villages": ["36.03.01.2003", "36.03.01.2005"],
            "scope": (IMIGRASI_BP3MI, "joint-outreach"),
        },
        {
            "title": "Pelatihan bersama deteksi dini PMI nonprosedural",
            "kind": ActivityKind.JOINT_TRAINING,
            "date": _d("2025-12-04"),
            "place": "Kantor Imigrasi Serang",
            "organiser": agencies["Kanwil Imigrasi Banten"],
            "audience": [Audience.OFFICERS],
            "participants_male": 27,
            "participants_female": 19,
            "co": ["BP3MI Banten"],
            "villages": [],
            "scope": (IMIGRASI_BP3MI, "capacity-building"),
        },
        {
            "title": "Rapat koordinasi pencegahan TPPO dan TPPM di Desa Binaan",
            "kind": ActivityKind.COORDINATION_MEETING,
            "date": _d("2025-12-11"),
            "place": "Mapolda Banten, Serang",
            "organiser": agencies["Polda Banten"],
            "audience": [Audience.OFFICERS],
            "participants_male": 31,
            "participants_female": 8,
            "co": ["Kanwil Imigrasi Banten"],
            "villages": [],
            "scope": (IMIGRASI_POLDA, "prevention"),
        },
    ]
    for spec in activities:
        scope_ref = spec.pop("scope")
        co = spec.pop("co")
        village_codes = spec.pop("villages")
        if Activity.objects.filter(title=spec["title"], date=spec["date"]).exists():
            continue
        activity = Activity.objects.create(
            agreement_scope=_scope(*scope_ref) if scope_ref else None, **spec
        )
        activity.co_organisers.set([agencies[name] for name in co])
        activity.villages.set([villages[code] for code in village_codes])

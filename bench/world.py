"""The fixed part of the scale data set: 40 agencies of Banten, about 2,000 accounts, agreements
with scopes limited by party and category (so that the sharing policy has work to do) and about
300 Desa Binaan. get_or_create on natural keys: a second run adds nothing, and the demo's
agencies are the same rows."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from agreements.demo import seed_scopes
from agreements.models import Agreement, AgreementScope, AgreementStatus, Party, Scope
from portal.accounts.models import Agency, User
from portal.accounts.services import agency_code_for
from portal.core.categories import ReportCategory
from portal.regions.models import Region
from referrals.demo.tables import FEMALE_GIVEN, FEMALE_SECOND, MALE_GIVEN, MALE_SECOND
from villages.models import DesaBinaan, DesaBinaanPartner

K = Agency.Kind
C = ReportCategory
USERNAME_PREFIX = "skala-"  # every account of the scale data set; never a demo account
# The agreements of the scale set bind from before the first report to after today.
AGREEMENTS_FROM = dt.date(2023, 7, 1)
AGREEMENTS_UNTIL = dt.date(2030, 12, 31)

REGENCIES = {
    "36.01": "Kabupaten Pandeglang",
    "36.02": "Kabupaten Lebak",
    "36.03": "Kabupaten Tangerang",
    "36.04": "Kabupaten Serang",
    "36.71": "Kota Tangerang",
    "36.72": "Kota Cilegon",
    "36.73": "Kota Serang",
    "36.74": "Kota Tangerang Selatan",
}
# The immigration office serving each regency/city (its passport interviews, Desa Binaan).
KANIM_OF_REGENCY = {
    "36.01": "Kanim Pandeglang",
    "36.02": "Kanim Pandeglang",
    "36.03": "Kanim Tangerang",
    "36.04": "Kanim Serang",
    "36.71": "Kanim Tangerang",
    "36.72": "Kanim Cilegon",
    "36.73": "Kanim Serang",
    "36.74": "Kanim Tangerang",
}
POLRES_NAMES = {
    "36.01": "Kepolisian Resor Pandeglang",
    "36.02": "Kepolisian Resor Lebak",
    "36.03": "Kepolisian Resor Kota Tangerang",
    "36.04": "Kepolisian Resor Serang",
    "36.71": "Kepolisian Resor Metro Tangerang Kota",
    "36.72": "Kepolisian Resor Cilegon",
    "36.73": "Kepolisian Resor Kota Serang",
    "36.74": "Kepolisian Resor Tangerang Selatan",
}
POLRES_OF_REGENCY = {
    "36.01": "Polres Pandeglang",
    "36.02": "Polres Lebak",
    "36.03": "Polresta Tangerang",
    "36.04": "Polres Serang",
    "36.71": "Polres Metro Tangerang Kota",
    "36.72": "Polres Cilegon",
    "36.73": "Polresta Serang Kota",
    "36.74": "Polres Tangerang Selatan",
}


@dataclass(frozen=True)
class AgencySpec:
    short_name: str
    name: str
    kind: str
    region: str
    parent: str = ""
    weight: int = 10  # share of the 2,000 accounts
    approval: bool = False  # its officers' shares wait for a supervisor


def _agency_specs() -> list[AgencySpec]:
    kanwil, polda = "Kanwil Imigrasi Banten", "Polda Banten"
    specs = [
        AgencySpec(kanwil, "Kantor Wilayah Direktorat Jenderal Imigrasi Banten", K.IMMIGRATION, "36", weight=60),
        AgencySpec("Kanim Tangerang", "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang", K.IMMIGRATION, "36.71", kanwil, 150),
        AgencySpec("Kanim Cilegon", "Kantor Imigrasi Cilegon", K.IMMIGRATION, "36.72", kanwil, 110),
        AgencySpec("Kanim Serang", "Kantor Imigrasi Serang", K.IMMIGRATION, "36.73", kanwil, 110, approval=True),
        AgencySpec("Kanim Soekarno-Hatta", "Kantor Imigrasi Kelas I Khusus TPI Soekarno-Hatta", K.IMMIGRATION, "36.03", kanwil, 170),
        AgencySpec("Kanim Pandeglang", "Kantor Imigrasi Kelas III Non TPI Pandeglang", K.IMMIGRATION, "36.01", kanwil, 60),
        AgencySpec("Kanim Merak", "Unit Kerja Imigrasi Pelabuhan Merak", K.IMMIGRATION, "36.72", kanwil, 50),
        AgencySpec(polda, "Kepolisian Daerah Banten", K.POLICE, "36", weight=120),
        AgencySpec("BP3MI Banten", "Balai Pelayanan Pelindungan Pekerja Migran Indonesia Banten", K.MIGRANT_WORKER_PROTECTION, "36", weight=90),
        AgencySpec("Disnakertrans Banten", "Dinas Tenaga Kerja dan Transmigrasi Provinsi Banten", K.MANPOWER_OFFICE, "36", weight=40),
        AgencySpec("DP3AKKB Banten", "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Kependudukan dan Keluarga Berencana Provinsi Banten", K.LOCAL_GOVERNMENT, "36", weight=30),
        AgencySpec("Dinsos Banten", "Dinas Sosial Provinsi Banten", K.LOCAL_GOVERNMENT, "36", weight=30),
        AgencySpec("Pemprov Banten", "Pemerintah Provinsi Banten", K.LOCAL_GOVERNMENT, "36", weight=20),
        AgencySpec("UPTD PPA Banten", "UPTD Perlindungan Perempuan dan Anak Provinsi Banten", K.LOCAL_GOVERNMENT, "36", weight=20),
    ]  # fmt: skip
    for code, regency in REGENCIES.items():
        police = POLRES_OF_REGENCY[code]
        city = regency.replace("Kabupaten ", "Kab. ")
        specs.append(
            AgencySpec(police, POLRES_NAMES[code], K.POLICE, code, polda, 55, approval=code == "36.04")
        )  # fmt: skip
        disnaker = "Disnaker Kota Cilegon" if code == "36.72" else f"Disnaker {city}"
        specs.append(
            AgencySpec(
                disnaker, f"Dinas Tenaga Kerja {regency}", K.MANPOWER_OFFICE, code, weight=20
            )
        )
        knpi = "DPD KNPI Kota Tangerang" if code == "36.71" else f"DPD KNPI {city}"
        specs.append(
            AgencySpec(
                knpi, f"Dewan Pimpinan Daerah KNPI {regency}", K.YOUTH_ORGANISATION, code, weight=12
            )
        )
    return specs  # 14 + 3 x 8 = 38, plus two below


def agency_specs() -> list[AgencySpec]:
    specs = _agency_specs()
    specs.append(AgencySpec("Dinsos Kab. Tangerang", "Dinas Sosial Kabupaten Tangerang", K.LOCAL_GOVERNMENT, "36.03", weight=15))  # fmt: skip
    specs.append(AgencySpec("Dinsos Kab. Serang", "Dinas Sosial Kabupaten Serang", K.LOCAL_GOVERNMENT, "36.04", weight=15))  # fmt: skip
    return specs


def disnaker_of(code: str) -> str:
    return (
        "Disnaker Kota Cilegon"
        if code == "36.72"
        else f"Disnaker {REGENCIES[code].replace('Kabupaten ', 'Kab. ')}"
    )


def knpi_of(code: str) -> str:
    return (
        "DPD KNPI Kota Tangerang"
        if code == "36.71"
        else f"DPD KNPI {REGENCIES[code].replace('Kabupaten ', 'Kab. ')}"
    )


@dataclass
class World:
    agencies: dict[str, Agency]
    by_id: dict[int, Agency]
    officers: dict[int, list[int]]  # agency id: user ids
    supervisors: dict[int, list[int]]
    desa: list[DesaBinaan]
    villages_by_regency: dict[str, list[str]]  # Banten village codes
    district_names: dict[str, str]
    approval: set[int] = field(default_factory=set)
    created: dict[str, int] = field(default_factory=dict)


# --- Agencies and accounts -------------------------------------------------------------------


def _agencies(specs: list[AgencySpec]) -> dict[str, Agency]:
    regions = set(
        Region.objects.filter(code__in={s.region for s in specs}).values_list("code", flat=True)
    )
    found: dict[str, Agency] = {}
    for spec in specs:  # parents come first in the list
        agency, _created = Agency.objects.get_or_create(
            short_name=spec.short_name,
            defaults={
                "name": spec.name,
                "code": agency_code_for(spec.short_name),
                "kind": spec.kind,
                "region_id": spec.region if spec.region in regions else None,
                "parent": found.get(spec.parent),
                "share_requires_approval": spec.approval,
            },
        )
        if spec.parent and agency.parent_id is None:  # a demo agency without its parent
            agency.parent = found.get(spec.parent)
            agency.save(update_fields=["parent"])
        found[spec.short_name] = agency
    return found


def _slug(short_name: str) -> str:
    return (
        "".join(c if c.isalnum() else "-" for c in short_name.lower()).strip("-").replace("--", "-")
    )


def _accounts(
    specs: list[AgencySpec], agencies: dict[str, Agency], total: int, rng: random.Random
) -> int:
    """About `total` accounts: per agency one admin, a supervisor for every 12 officers (two
    at least), the rest officers; plus one system admin. Returns how many were created."""
    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        return 0
    password = make_password(settings.DEMO_PASSWORD)  # one hash for all: a data set, not people
    weights = sum(s.weight for s in specs)
    now = timezone.now()
    users: list[User] = []

    def add(agency: Agency, role: str, index: int) -> None:
        female = rng.random() < 0.45
        given, second = (FEMALE_GIVEN, FEMALE_SECOND) if female else (MALE_GIVEN, MALE_SECOND)
        suffix = {"officer": "petugas", "supervisor": "supervisor"}.get(role, "admin")
        username = f"{USERNAME_PREFIX}{_slug(agency.short_name)}-{suffix}-{index:03d}"
        if role == User.Role.SYSTEM_ADMIN:
            username = f"{USERNAME_PREFIX}sysadmin"
        users.append(
            User(
                username=username,
                email=f"{username}@sinergi.test",
                full_name=f"{rng.choice(given)} {rng.choice(second)}",
                agency=agency,
                role=role,
                position=str(User.Role(role).label),
                password=password,
                language="id",
                date_joined=now,
            )
        )

    add(agencies["Kanwil Imigrasi Banten"], User.Role.SYSTEM_ADMIN, 1)
    for spec in specs:
        agency = agencies[spec.short_name]
        count = max(5, round((total - 1) * spec.weight / weights))
        supervisors = max(2, count // 13)
        add(agency, User.Role.AGENCY_ADMIN, 1)
        for i in range(1, supervisors + 1):
            add(agency, User.Role.SUPERVISOR, i)
        for i in range(1, count - supervisors):
            add(agency, User.Role.OFFICER, i)
    User.objects.bulk_create(users, batch_size=1000)
    # Supervisors and admins have enrolled TOTP, as the portal makes them do before anything.
    adapter = get_mfa_adapter()
    mfa_users = User.objects.filter(username__startswith=USERNAME_PREFIX).exclude(
        role=User.Role.OFFICER
    )
    Authenticator.objects.bulk_create(
        Authenticator(
            user=u,
            type=Authenticator.Type.TOTP,
            data={"secret": adapter.encrypt(generate_totp_secret())},
        )
        for u in mfa_users.only("pk")
    )
    return len(users)


# --- Agreements ------------------------------------------------------------------------------


def _agreement_specs() -> list[dict[str, Any]]:
    """(title, [(party, covers child offices)], [(scope, categories, [limited to parties])])."""
    all_cats = [C.TPPO, C.TPPM, C.PMI_NONPROCEDURAL]
    specs: list[dict[str, Any]] = [
        {
            "title": "PKS Kanwil Ditjen Imigrasi Banten - Polda Banten: pertukaran data TPPO/TPPM (data skala)",
            "parties": [("Kanwil Imigrasi Banten", True), ("Polda Banten", True)],
            "scopes": [("data-exchange", all_cats, None), ("prevention", None, None), ("law-enforcement", None, None)],
        },
        {
            "title": "PKS Kanwil Ditjen Imigrasi Banten - BP3MI Banten: Desa Binaan (data skala)",
            "parties": [("Kanwil Imigrasi Banten", True), ("BP3MI Banten", False)],
            "scopes": [("data-exchange", [C.TPPO, C.TPPM], None), ("pmi-protection", None, None), ("joint-outreach", None, None)],
        },
        {
            "title": "PKS Polda Banten - BP3MI Banten - DP3AKKB - Dinsos - UPTD PPA: pelindungan korban TPPO (data skala)",
            "parties": [("Polda Banten", True), ("BP3MI Banten", False), ("DP3AKKB Banten", False), ("Dinsos Banten", False), ("UPTD PPA Banten", False)],
            "scopes": [("data-exchange", [C.TPPO], None), ("pmi-protection", None, None)],
        },
        {
            "title": "PKS BP3MI Banten - Disnakertrans Provinsi Banten: PMI nonprosedural (data skala)",
            "parties": [("BP3MI Banten", False), ("Disnakertrans Banten", False)],
            "scopes": [("data-exchange", [C.PMI_NONPROCEDURAL], None), ("capacity-building", None, None)],
        },
        {
            "title": "Nota Kesepahaman Gugus Tugas PP-TPPO Provinsi Banten (data skala)",
            "parties": [("Pemprov Banten", False), ("Kanwil Imigrasi Banten", True), ("Polda Banten", True), ("BP3MI Banten", False)],
            "scopes": [("public-education", None, None), ("digital-prevention", None, None)],
            "kind": Agreement.Kind.MOU,
        },
        {
            "title": "PKS BP3MI Banten - Dinsos Kabupaten Tangerang dan Kabupaten Serang (data skala)",
            "parties": [("BP3MI Banten", False), ("Dinsos Kab. Tangerang", False), ("Dinsos Kab. Serang", False)],
            "scopes": [("data-exchange", [C.TPPO, C.PMI_NONPROCEDURAL], None)],
        },
    ]  # fmt: skip
    for code, regency in REGENCIES.items():
        kanim, polres, disnaker, knpi = (
            KANIM_OF_REGENCY[code],
            POLRES_OF_REGENCY[code],
            disnaker_of(code),
            knpi_of(code),
        )
        specs.append(
            {
                "title": f"PKS Pencegahan TPPO dan PMI Nonprosedural di {regency} (data skala)",
                "parties": [(kanim, False), (polres, False), (disnaker, False), (knpi, False)],
                # KNPI educates; only the other three exchange data, and not TPPM.
                "scopes": [
                    ("data-exchange", [C.TPPO, C.PMI_NONPROCEDURAL], [kanim, polres, disnaker]),
                    ("joint-outreach", None, None),
                    ("public-education", None, None),
                ],
            }
        )  # fmt: skip
    return specs


def _agreements(agencies: dict[str, Agency], scopes: dict[str, Scope]) -> int:
    created = 0
    for spec in _agreement_specs():
        if Agreement.objects.filter(title=spec["title"]).exists():
            continue
        agreement = Agreement.objects.create(
            title=spec["title"],
            kind=spec.get("kind", Agreement.Kind.PKS),
            status=AgreementStatus.ACTIVE,
            signed_on=AGREEMENTS_FROM,
            signed_at="Serang",
            effective_from=AGREEMENTS_FROM,
            effective_until=AGREEMENTS_UNTIL,
            summary="Perjanjian untuk data uji skala (seed_scale).",
        )
        parties = {
            short: Party.objects.create(
                agreement=agreement, agency=agencies[short], covers_child_offices=covers
            )
            for short, covers in spec["parties"]
        }
        for code, categories, limited in spec["scopes"]:
            item = AgreementScope.objects.create(
                agreement=agreement, scope=scopes[code], categories=list(categories or [])
            )
            if limited:
                item.parties.set([parties[short] for short in limited])
        created += 1
    return created


# --- Desa Binaan -----------------------------------------------------------------------------

HEAD_NAMES = ("H. Ahmad Suhendi", "Jaenudin", "Hj. Euis Komalasari", "Saepudin", "Dadang Sutisna", "Maman Suparman")  # fmt: skip


def _desa(
    agencies: dict[str, Agency], villages: dict[str, list[str]], count: int, rng: random.Random
) -> int:
    existing = set(DesaBinaan.objects.values_list("village_id", flat=True))
    have = len(existing)
    if have >= count:
        return 0
    bp3mi = agencies["BP3MI Banten"]
    kanwil_bp3mi = Agreement.objects.filter(
        title__startswith="PKS Kanwil Ditjen Imigrasi Banten - BP3MI"
    ).first()
    rows: list[DesaBinaan] = []
    partners: list[DesaBinaanPartner] = []
    codes = sorted(villages)
    while have + len(rows) < count:
        regency = rng.choice(codes)
        village = rng.choice(villages[regency])
        if village in existing:
            continue
        existing.add(village)
        office = agencies[KANIM_OF_REGENCY[regency]]
        rows.append(
            DesaBinaan(
                village_id=village,
                designating_office=office,
                designated_on=dt.date(
                    rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28)
                ),
                decree_number=f"W.11.IMI-UM.01.01-{village}",
                village_head_name=rng.choice(HEAD_NAMES),
                village_head_phone=f"08{rng.randint(1_000_000_000, 9_999_999_999)}",
                contact_name="Karang Taruna",
                contact_role="Ketua Karang Taruna",
                contact_phone=f"08{rng.randint(1_000_000_000, 9_999_999_999)}",
            )
        )
    DesaBinaan.objects.bulk_create(rows)  # the telephone fields encrypt what they save
    for desa in DesaBinaan.objects.filter(village_id__in=[r.village_id for r in rows]):
        if rng.random() < 0.4:
            partners.append(
                DesaBinaanPartner(
                    desa=desa, agency=bp3mi, agreement=kanwil_bp3mi, since=desa.designated_on
                )
            )
    DesaBinaanPartner.objects.bulk_create(partners, ignore_conflicts=True)
    return len(rows)


# --- Loading ---------------------------------------------------------------------------------


def build(*, users: int, desa: int, rng: random.Random) -> World:
    """Create what is missing of the fixed part, then load it."""
    specs = agency_specs()
    agencies = _agencies(specs)
    created = {"accounts": _accounts(specs, agencies, users, rng)}
    created["agreements"] = _agreements(agencies, seed_scopes())
    banten = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="36.").values_list(
            "code", flat=True
        )
    )
    villages: dict[str, list[str]] = {}
    for code in banten:
        villages.setdefault(code[:5], []).append(code)
    created["desa"] = _desa(agencies, villages, desa, rng)
    return load(agencies, villages, created)


def load(
    agencies: dict[str, Agency], villages: dict[str, list[str]], created: dict[str, int]
) -> World:
    officers: dict[int, list[int]] = {}
    supervisors: dict[int, list[int]] = {}
    rows = User.objects.filter(username__startswith=USERNAME_PREFIX, is_active=True).values_list(
        "pk", "agency_id", "role"
    )
    for pk, agency_id, role in rows.order_by("pk"):
        if role == User.Role.OFFICER:
            officers.setdefault(agency_id, []).append(pk)
        elif role == User.Role.SUPERVISOR:
            supervisors.setdefault(agency_id, []).append(pk)
    districts = dict(
        Region.objects.filter(level=Region.Level.DISTRICT, code__startswith="36.").values_list(
            "code", "name"
        )
    )
    return World(
        agencies=agencies,
        by_id={a.pk: a for a in agencies.values()},
        officers=officers,
        supervisors=supervisors,
        desa=list(
            DesaBinaan.objects.filter(village__code__startswith="36.")
            .select_related("village", "designating_office")
            .order_by("pk")
        ),
        villages_by_regency=villages,
        district_names=districts,
        approval={a.pk for a in agencies.values() if a.share_requires_approval},
        created=created,
    )

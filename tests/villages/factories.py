"""Builders for the villages tests: a few regions, agreements built through the agreement
services, Desa Binaan, activities, and tiny but real files (PNG, JPEG, PDF) and disguised ones."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import Agreement, Scope
from portal.regions.models import Region
from tests import pdfs
from villages.models import Activity, DesaBinaan, DesaBinaanPartner

# --- Dates ---------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    """Today shifted by `n` days (negative: in the past)."""
    return today() + dt.timedelta(days=n)


# --- Regions -------------------------------------------------------------------------------

REGION_NAMES = {
    "36": "BANTEN",
    "36.03": "KABUPATEN TANGERANG",
    "36.03.01": "BALARAJA",
    "36.03.01.2003": "Cangkudu",
    "36.03.01.2005": "Saga",
    "36.72": "KOTA CILEGON",
    "36.72.01": "CIBEBER",
    "36.72.01.1002": "Bulakan",
    "36.72.01.1003": "Kalitimbang",
    "36.72.03": "PULOMERAK",
    "36.72.03.1001": "Lebakgede",
}


def region(code: str, name: str | None = None) -> Region:
    """The region `code`, created with its missing ancestors (level = number of parts)."""
    parts = code.split(".")
    parent = region(".".join(parts[:-1])) if len(parts) > 1 else None
    obj, _ = Region.objects.get_or_create(
        code=code,
        defaults={
            "name": name or REGION_NAMES.get(code, f"Wilayah {code}"),
            "level": len(parts),
            "parent": parent,
        },
    )
    return obj


# --- Agreements ----------------------------------------------------------------------------


def scope(code: str, *, data_exchange: bool = False, sort_order: int = 100) -> Scope:
    found, _ = Scope.objects.get_or_create(
        code=code,
        defaults={
            "name_id": f"Ruang lingkup {code}",
            "name_en": f"Scope {code}",
            "allows_data_exchange": data_exchange,
            "sort_order": sort_order,
        },
    )
    return found


def agreement(
    actor,
    *agencies,
    covers=(),
    scopes=(),
    scope_parties=None,
    effective_from: dt.date | None = None,
    effective_until: dt.date | None = None,
    activate: bool = True,
    title: str | None = None,
) -> Agreement:
    """An agreement between `agencies`, built with the agreement services as a system admin
    would: parties (`covers`: those whose party covers child offices), scopes (none given: one
    non-data cooperation scope), then activation unless `activate=False` (a draft).
    `scope_parties`: {Scope: [agencies]} to limit a scope to some parties."""
    start = effective_from or days(-30)
    created = agreement_services.agreement_create(
        actor=actor,
        title=title or "PKS " + " - ".join(a.short_name for a in agencies),
        kind="pks",
        signed_on=start,
        signed_at="Serang",
        effective_from=start,
        effective_until=effective_until
        if effective_until is not None
        else start + dt.timedelta(days=730),
    )
    parties = {
        a.pk: agreement_services.party_add(
            actor=actor, agreement=created, agency=a, covers_child_offices=a in covers
        )
        for a in agencies
    }
    for item in scopes or [scope("kerja-sama-umum")]:
        limited = (scope_parties or {}).get(item)
        agreement_services.agreement_scope_add(
            actor=actor,
            agreement=created,
            scope=item,
            parties=[parties[a.pk] for a in limited] if limited else None,
        )
    if activate:
        created = agreement_services.agreement_activate(actor=actor, agreement=created)
    return created


# --- Villages and activities ---------------------------------------------------------------

HEAD_PHONE = "081234567890"
CONTACT_PHONE = "085712345678"


def village(code: str, office, *, partners=(), **fields) -> DesaBinaan:
    """A Desa Binaan saved straight through the ORM (the services are tested on their own)."""
    fields.setdefault("designated_on", days(-100))
    fields.setdefault("decree_number", f"W.11.IMI-UM.01.01-{code}")
    fields.setdefault("village_head_name", "Ahmad Suhendi")
    fields.setdefault("village_head_phone", HEAD_PHONE)
    fields.setdefault("contact_name", "Karang Taruna setempat")
    fields.setdefault("contact_phone", CONTACT_PHONE)
    desa = DesaBinaan.objects.create(village=region(code), designating_office=office, **fields)
    for partner in partners:
        DesaBinaanPartner.objects.create(desa=desa, agency=partner)
    return desa


def activity(
    organiser, *, date: dt.date | None = None, co_organisers=(), villages=(), **fields
) -> Activity:
    fields.setdefault("kind", Activity.Kind.SOSIALISASI)
    fields.setdefault("title", "Sosialisasi pencegahan TPPO")
    fields.setdefault("place", "Balai Desa")
    created = Activity.objects.create(organiser=organiser, date=date or days(-5), **fields)
    created.co_organisers.set(co_organisers)
    created.villages.set(villages)
    return created


# --- Files ---------------------------------------------------------------------------------


def png_bytes(seed: int = 0, size: int = 2) -> bytes:
    """A valid PNG of `size` by `size` pixels; `seed` changes its colour (and so its hash)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes([seed % 256, 64, 128]) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes(seed: int = 0) -> bytes:
    """The start of a JFIF JPEG (SOI, APP0, a quantisation table) and its end marker: enough
    for content sniffing."""
    return (
        bytes.fromhex("ffd8ffe000104a46494600010100000100010000")
        + b"\xff\xdb\x00\x43\x00"
        + bytes((i + seed) % 256 for i in range(64))
        + b"\xff\xd9"
    )


PDF_BYTES = pdfs.CLEAN
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_BYTES = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)

"""Loading the Kemendagri region list shipped with the portal (portal/regions/data/)."""

import csv
import gzip
import io
from pathlib import Path

from django.db import connection, transaction

from portal.regions.models import FormerRegionCode, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
WILAYAH_CSV = DATA_DIR / "wilayah.csv.gz"
FORMER_CODES_CSV = DATA_DIR / "former-codes.csv.gz"


def _rows() -> list[tuple[str, str, int, str | None]]:
    with gzip.open(WILAYAH_CSV, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = []
        for rec in reader:
            code = rec["code"].strip()
            parts = code.split(".")
            parent = ".".join(parts[:-1]) or None
            rows.append((code, rec["name"].strip(), len(parts), parent))
    return rows


def _former_rows() -> list[FormerRegionCode]:
    with gzip.open(FORMER_CODES_CSV, "rt", encoding="utf-8", newline="") as fh:
        return [
            FormerRegionCode(
                code=rec["code"].strip(),
                name=rec["name"].strip(),
                last_seen_in=int(rec["last_seen_in"]),
            )
            for rec in csv.DictReader(fh)
        ]


@transaction.atomic
def former_codes_load() -> int:
    """Insert the former region codes (portal/regions/data/former-codes.csv.gz) that are not in
    the table yet, with one bulk INSERT. Idempotent. Returns the number of rows inserted."""
    existing = set(FormerRegionCode.objects.values_list("code", flat=True))
    new_rows = [r for r in _former_rows() if r.code not in existing]
    if new_rows:
        FormerRegionCode.objects.bulk_create(new_rows, batch_size=1000, ignore_conflicts=True)
    return len(new_rows)


@transaction.atomic
def regions_load(*, force: bool = False) -> int:
    """Insert every region, parents first, with one COPY. Idempotent: when the table already
    holds the same number of rows it does nothing. Returns the number of Region rows inserted.

    The former region codes are loaded too (former_codes_load), even when the regions are
    already there: a few hundred rows, of which only the missing ones are inserted."""
    former_codes_load()
    rows = _rows()
    if not force and Region.objects.count() == len(rows):
        return 0
    rows.sort(key=lambda r: (r[2], r[0]))
    existing = set(Region.objects.values_list("code", flat=True))
    new_rows = [r for r in rows if r[0] not in existing]
    buf = io.StringIO()
    writer = csv.writer(buf)
    for code, name, level, parent in new_rows:
        writer.writerow([code, name, level, parent if parent is not None else ""])
    buf.seek(0)
    table = Region._meta.db_table
    with connection.cursor() as cur:
        # COPY needs the raw psycopg2 cursor; empty parent becomes NULL via FORCE_NULL.
        cur.cursor.copy_expert(
            f"COPY {table} (code, name, level, parent_id) FROM STDIN "
            "WITH (FORMAT csv, FORCE_NULL (parent_id))",
            buf,
        )
    return len(new_rows)

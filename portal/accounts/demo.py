"""Demo agencies and accounts: the real agencies of the Banten cooperation agreements
(../shared/DOMAIN.md). Idempotent: existing rows are kept, missing ones created."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import transaction

from portal.accounts import services
from portal.accounts.models import Agency, User
from portal.regions.models import Region
from portal.regions.services import regions_load

K = Agency.Kind


@dataclass(frozen=True)
class DemoAgency:
    slug: str
    name: str
    short_name: str
    code: str
    kind: str
    region: str
    parent: str | None = None
    email: str = ""
    address: str = ""


AGENCIES = [
    DemoAgency(
        "kanwil",
        "Kantor Wilayah Direktorat Jenderal Imigrasi Banten",
        "Kanwil Imigrasi Banten",
        "KANWILIMBTN",
        K.IMMIGRATION,
        "36",
        email="kanwil.banten@sinergi.test",
        address="Jl. Jenderal Sudirman, Kota Serang, Banten",
    ),
    DemoAgency(
        "kanim-tangerang",
        "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
        "Kanim Tangerang",
        "KANIMTNG",
        K.IMMIGRATION,
        "36.71",
        parent="kanwil",
        email="kanim.tangerang@sinergi.test",
    ),
    DemoAgency(
        "kanim-cilegon",
        "Kantor Imigrasi Cilegon",
        "Kanim Cilegon",
        "KANIMCLG",
        K.IMMIGRATION,
        "36.72",
        parent="kanwil",
        email="kanim.cilegon@sinergi.test",
    ),
    DemoAgency(
        "kanim-serang",
        "Kantor Imigrasi Serang",
        "Kanim Serang",
        "KANIMSRG",
        K.IMMIGRATION,
        "36.73",
        parent="kanwil",
        email="kanim.serang@sinergi.test",
    ),
    DemoAgency(
        "polda",
        "Kepolisian Daerah Banten",
        "Polda Banten",
        "POLDABTN",
        K.POLICE,
        "36",
        email="polda.banten@sinergi.test",
    ),
    DemoAgency(
        "polres-cilegon",
        "Kepolisian Resor Cilegon",
        "Polres Cilegon",
        "POLRESCLG",
        K.POLICE,
        "36.72",
        parent="polda",
        email="polres.cilegon@sinergi.test",
    ),
    DemoAgency(
        "bp3mi",
        "Balai Pelayanan Pelindungan Pekerja Migran Indonesia Banten",
        "BP3MI Banten",
        "BP3MIBTN",
        K.MIGRANT_WORKER_PROTECTION,
        "36",
        email="bp3mi.banten@sinergi.test",
    ),
    DemoAgency(
        "knpi",
        "Dewan Pimpinan Daerah KNPI Kota Tangerang",
        "DPD KNPI Kota Tangerang",
        "KNPITNG",
        K.YOUTH_ORGANISATION,
        "36.71",
        email="knpi.tangerang@sinergi.test",
    ),
    DemoAgency(
        "disnaker-cilegon",
        "Dinas Tenaga Kerja Kota Cilegon",
        "Disnaker Kota Cilegon",
        "DISNAKERCLG",
        K.MANPOWER_OFFICE,
        "36.72",
        email="disnaker.cilegon@sinergi.test",
    ),
]

# Invented people in the real agencies' roles (the seeds name only the heads of office).
ROLE_NAMES = {
    User.Role.OFFICER: ("petugas", "Petugas"),
    User.Role.SUPERVISOR: ("supervisor", "Supervisor"),
    User.Role.AGENCY_ADMIN: ("admin", "Admin"),
}


def _agency(spec: DemoAgency, by_slug: dict[str, Agency]) -> Agency:
    agency, _created = Agency.objects.get_or_create(
        short_name=spec.short_name,
        defaults={
            "name": spec.name,
            "code": spec.code,
            "kind": spec.kind,
            "region": Region.objects.filter(code=spec.region).first(),
            "parent": by_slug.get(spec.parent) if spec.parent else None,
            "email": spec.email,
            "address": spec.address,
        },
    )
    return agency


def _enrol_totp(user: User) -> str:
    """Enrol TOTP once with a random secret; return the secret (decrypted) every time."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        TOTP.activate(user, generate_totp_secret())
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return get_mfa_adapter().decrypt(authenticator.data["secret"])


def _account(
    *, actor: User | None, username: str, full_name: str, agency: Agency, role: str
) -> User:
    existing = User.objects.filter(username__iexact=username).first()
    if existing is not None:
        return existing
    fields = {
        "username": username,
        "full_name": full_name,
        "email": f"{username}@sinergi.test",
        "agency": agency,
        "role": role,
        "position": User.Role(role).label,
        "password": settings.DEMO_PASSWORD,
    }
    if actor is None:  # the first system admin: nobody exists yet to create it
        password = fields.pop("password")
        user = User(**fields)
        user.set_password(password)
        user.full_clean()
        user.save()
        services.sync_email_address(user)
        return user
    return services.user_create(actor=actor, **fields)


@transaction.atomic
def seed() -> list[dict[str, str]]:
    """Create what is missing; return one row per demo account for printing."""
    regions_load()
    by_slug: dict[str, Agency] = {}
    for spec in AGENCIES:
        by_slug[spec.slug] = _agency(spec, by_slug)

    sysadmin = _account(
        actor=None,
        username="sysadmin",
        full_name="Admin Sistem Sinergi",
        agency=by_slug["kanwil"],
        role=User.Role.SYSTEM_ADMIN,
    )
    accounts = [sysadmin]
    for spec in AGENCIES:
        for role, (suffix, title) in ROLE_NAMES.items():
            accounts.append(
                _account(
                    actor=sysadmin,
                    username=f"{spec.slug}-{suffix}",
                    full_name=f"{title} {spec.short_name}",
                    agency=by_slug[spec.slug],
                    role=role,
                )
            )
    rows = []
    for user in accounts:
        secret = _enrol_totp(user) if user.requires_mfa else ""
        rows.append(
            {
                "username": user.username,
                "role": user.get_role_display(),
                "agency": user.agency.short_name,
                "totp_secret": secret,
            }
        )
    return rows

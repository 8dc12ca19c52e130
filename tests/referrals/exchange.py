"""Builders shared by the exchange tests (sharing, referrals, their pages): agreements with a
data-exchange scope, the partner agencies and their users, a report shared and referred."""

from __future__ import annotations

import datetime as dt

from agreements import services as agreement_services
from portal.accounts.models import Agency, User
from referrals import services
from tests.factories import AgencyFactory
from tests.villages.factories import agreement, days, scope

DATA_SCOPE = "pertukaran-data"


def polda() -> Agency:
    return AgencyFactory(name="Kepolisian Daerah Banten", short_name="Polda Banten", kind="police")


def data_agreement(
    admin,
    *agencies,
    categories: list[str] | None = None,
    covers=(),
    code: str = DATA_SCOPE,
    title: str | None = None,
    effective_from: dt.date | None = None,
    effective_until: dt.date | None = None,
):
    """An active agreement between `agencies` whose data-exchange scope covers `categories`
    (every category when None), built with the agreement services."""
    if categories is None:
        return agreement(
            admin,
            *agencies,
            covers=covers,
            scopes=[scope(code, data_exchange=True)],
            title=title,
            effective_from=effective_from,
            effective_until=effective_until,
        )
    created = agreement(
        admin,
        *agencies,
        covers=covers,
        activate=False,
        title=title,
        effective_from=effective_from,
        effective_until=effective_until,
    )
    agreement_services.agreement_scope_add(
        actor=admin,
        agreement=created,
        scope=scope(code, data_exchange=True),
        categories=categories,
    )
    return agreement_services.agreement_activate(actor=admin, agreement=created)


def terminate(admin, pact, *, on: dt.date | None = None):
    return agreement_services.agreement_terminate(
        actor=admin, agreement=pact, terminated_on=on or days(0), reason="Tidak diperpanjang."
    )


def refer(actor, report, to_agency, **kwargs):
    kwargs.setdefault("requested_action", "victim_protection")
    kwargs.setdefault("urgency", "normal")
    kwargs.setdefault("message", "Mohon pendampingan korban di Desa Sukarasa.")
    return services.referral_send(actor=actor, report=report, to_agency=to_agency, **kwargs)


def user(make_user, role: str, agency: Agency, username: str) -> User:
    return make_user(role, agency, username=username)

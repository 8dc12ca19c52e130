"""The demo data of referrals (`manage.py seed_demo`): about 300 indication reports of 2024-2025
in the proportions of ../shared/DOMAIN.md, with prevention actions, then (exchange.py) shares
and referrals along the real agreements. People and identifiers are invented but valid (NIKs
agree with sex and birth date); places and agencies are real. Deterministic and idempotent."""

from __future__ import annotations

import random

from django.db import transaction

from referrals.demo.exchange import exchanges_seeded, seed_exchanges
from referrals.demo.generator import Generator, load_world, occurrence_days, pick_scenarios
from referrals.demo.loader import save_reports
from referrals.demo.tables import APPROVAL_AGENCY, REPORTS_BY_KIND, RNG_SEED
from referrals.models import Report, numbered_in

__all__ = ["APPROVAL_AGENCY", "already_seeded", "exchanges_seeded", "seed", "seed_exchanges"]


def already_seeded() -> bool:
    """The demo reports are the only reports numbered in 2024 (the portal started later)."""
    return Report.objects.filter(numbered_in(2024)).exists()


@transaction.atomic
def seed() -> None:
    seed_reports()
    seed_exchanges()  # after the reports, and also when they existed already


def seed_reports() -> None:
    if already_seeded():
        return
    world = load_world()
    if world is None:  # the demo agencies, accounts or villages are missing
        return
    rng = random.Random(RNG_SEED)  # noqa: S311 - demo data, not secrets
    generator = Generator(world, rng)
    days = occurrence_days(rng, sum(REPORTS_BY_KIND.values()), generator.last_day)
    save_reports(
        [
            generator.plan(day, scenario)
            for day, scenario in zip(days, pick_scenarios(rng), strict=True)
        ]
    )

"""The demo data of referrals (`manage.py seed_demo`): about 300 indication reports of
2024-2025 across the demo agencies and villages, in the proportions of ../shared/DOMAIN.md
(non-procedural PMI far more often than TPPO, TPPM rarer still), with prevention actions at
passport interviews and departure checkpoints.

People, NIKs, passport and telephone numbers are invented; the NIKs are *valid* (real district
codes of Banten, or of Jakarta and West Java for some recruiters; the birth date with +40 for
women; a serial from 0001) and agree with the recorded sex and birth date. A few persons (known
sponsors, applicants who tried again) appear in more than one report. Village, district and
agency names are real.

Deterministic (random.Random(2025)) and idempotent: nothing is added when the demo reports of
2024 exist. Fast: the rows go in through the bulk loader (loader.py, PostgreSQL COPY), which
`manage.py seed_scale` uses too, as it draws from the same tables (tables.py).

Then (exchange.py) shares and referrals between the demo agencies along their real agreements,
from the day each took effect up to today, in every status: active, pending (Kanim Serang's
shares need a supervisor's approval) and refused shares; referrals sent, accepted, declined, in
progress and completed, some overdue, with comments from both sides; and in-app notifications of
the last days. Nothing is added when any share exists. The dates depend on today's date."""

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

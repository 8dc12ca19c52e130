from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.seed import CHUNK, SeedRefused, seed_scale


class Command(BaseCommand):
    help = (
        "Generate a large realistic data set for benchmarks: 40 agencies, ~2,000 accounts, "
        "agreements, ~300 Desa Binaan and N indication reports with persons, shares and "
        "referrals (PostgreSQL COPY). Never on a production database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=int, default=100_000, help="how many reports")
        parser.add_argument(
            "--append",
            "--force",
            action="store_true",
            dest="append",
            help="run although the database holds reports already (adds to them)",
        )
        parser.add_argument("--users", type=int, default=2000, help="accounts (first run only)")
        parser.add_argument("--desa", type=int, default=300, help="Desa Binaan in all")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="reports per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reports"] < 0:
            raise CommandError("--reports must not be negative.")
        self.stdout.write(f"seed_scale: {options['reports']:,} reports")
        try:
            result = seed_scale(
                reports=options["reports"],
                append=options["append"],
                users=options["users"],
                desa=options["desa"],
                rng_seed=options["seed"],
                chunk=max(1, options["chunk"]),
                log=self.stdout.write,
            )
        except SeedRefused:
            raise CommandError(
                "The database holds reports already: run with --append to add to them."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_scale: {result.reports:,} reports, {result.persons:,} persons "
                f"({result.identities:,} identities), {result.shares:,} shares, "
                f"{result.referrals:,} referrals in {result.timings['total']:.1f}s "
                f"(pghistory triggers: {'skipped' if result.trigger_mode == 'replica' else 'fired'})"
            )
        )

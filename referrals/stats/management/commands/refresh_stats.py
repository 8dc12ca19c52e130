from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from referrals.stats.services import refresh_report_stats


class Command(BaseCommand):
    help = (
        "Recompute the report statistics: the (agency, month) buckets changed since the last "
        "run, or with --full the whole summary table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild every bucket")

    def handle(self, *args: Any, full: bool = False, **options: Any) -> None:
        result = refresh_report_stats(full=full)
        if result.skipped:
            self.stdout.write("Another refresh is running; the changes wait for the next run.")
            return
        what = "all buckets" if result.full else f"{result.buckets} bucket(s)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Statistics refreshed: {what}, {result.rows} row(s) in {result.duration_ms} ms."
            )
        )

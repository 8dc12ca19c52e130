import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.regions.services import regions_load


class Command(BaseCommand):
    help = "Load the Kemendagri regions of Indonesia (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="insert missing rows anyway")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        started = time.monotonic()
        inserted = regions_load(force=force)
        self.stdout.write(f"Regions: {inserted} inserted in {time.monotonic() - started:.1f}s")

import time

from django.core.management.base import BaseCommand

from portal.regions.services import regions_load


class Command(BaseCommand):
    help = "Load the Kemendagri regions of Indonesia (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="insert missing rows anyway")

    def handle(self, *args, force: bool = False, **options):
        started = time.monotonic()
        inserted = regions_load(force=force)
        self.stdout.write(f"Regions: {inserted} inserted in {time.monotonic() - started:.1f}s")

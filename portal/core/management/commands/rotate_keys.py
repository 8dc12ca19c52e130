"""Re-encrypt every secret at rest with the newest Fernet key, and optionally rebuild the blind
indexes after a change of PII_INDEX_KEY (the procedure: README.md). Row by row in small
transactions, so the portal can stay up."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Model

from portal.core.crypto import blind_index, fernet
from portal.core.fields import EncryptedTextField

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt secrets at rest with the newest key (and rebuild blind indexes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute the blind indexes (after PII_INDEX_KEY changed).",
        )

    def handle(self, *args: Any, reindex: bool = False, **options: Any) -> None:
        for model in apps.get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
            ]
            indexes = getattr(model, "BLIND_INDEXES", {}) if reindex else {}
            if not fields and not indexes:
                continue
            count = self._rewrite(model, fields, indexes)
            self.stdout.write(f"{model._meta.label}: {count} rows")
        self.stdout.write(f"TOTP secrets: {self._rotate_totp()} rows")

    def _rewrite(
        self, model: type[Model], fields: list[str], indexes: dict[str, tuple[str, str]]
    ) -> int:
        """Save each row's encrypted fields again (decrypted with any key, encrypted with the
        newest) and, when asked, their blind indexes."""
        sources = {source for _kind, source in indexes.values()}
        names = sorted(set(fields) | sources)
        count = 0
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            with transaction.atomic():
                for row in model._default_manager.filter(pk__in=pks[start : start + BATCH]).only(
                    "pk", *names
                ):
                    values = {name: getattr(row, name) for name in fields}
                    for index_field, (kind, source) in indexes.items():
                        values[index_field] = blind_index(kind, getattr(row, source) or "")
                    model._default_manager.filter(pk=row.pk).update(**values)
                    count += 1
        return count

    def _rotate_totp(self) -> int:
        """allauth's TOTP authenticators keep their secret encrypted in a JSON field."""
        count = 0
        for authenticator in Authenticator.objects.filter(type=Authenticator.Type.TOTP):
            secret = (authenticator.data or {}).get("secret")
            if not secret:
                continue
            authenticator.data["secret"] = fernet().rotate(secret.encode()).decode()
            authenticator.save(update_fields=["data"])
            count += 1
        return count

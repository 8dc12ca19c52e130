"""Model fields for personal identifiers: encrypted at rest, masked for display."""

from typing import TYPE_CHECKING

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django_countries import fields as countries_fields
from django_countries.fields import Country

from portal.core.crypto import decrypt_str, encrypt_str

if TYPE_CHECKING:

    class CountryField(countries_fields.CountryField):
        """django-countries' field as the django-stubs plugin should see it: it reads a
        Country (the plugin would take the str of the CharField it extends)."""

        # Narrower than the CharField's: what the ignores accept.
        _pyi_private_set_type: str | Country  # type: ignore[assignment]
        _pyi_private_get_type: Country  # type: ignore[assignment]

else:
    from django_countries.fields import CountryField  # noqa: F401 -- re-exported


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token (keys: settings.FIELD_ENCRYPTION_KEYS); Python code sees
    the plain value. The database never holds the plain text, so it cannot be searched or
    compared in SQL: use a keyed hash column beside it where lookups are needed."""

    description = "Encrypted text"

    def from_db_value(
        self, value: str | None, expression: object, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value in (None, ""):
            return value
        return decrypt_str(value)

    def get_prep_value(self, value: object) -> str | None:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_str(str(value))


def mask(value: str, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """`081234567890` → `0812****7890`: enough to recognise, not enough to use. Short values
    are masked whole."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]

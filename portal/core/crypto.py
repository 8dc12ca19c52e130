"""Symmetric encryption of secrets at rest: MultiFernet over settings.FIELD_ENCRYPTION_KEYS
(newest first) encrypts with the first key and decrypts with any, as key rotation needs. A
value no key opens raises DecryptionError, never passes for the plaintext."""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """No configured key opens this value."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds no key.")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds an invalid key: {exc}") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_str(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt_str(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("no configured key decrypts this value") from exc


def blind_index(kind: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256 with settings.PII_INDEX_KEY) of a normalised identifier, for
    finding equal values without decrypting them. `kind` separates the domains ("nik",
    "passport"), so that equal strings of two kinds never match. Empty in, empty out."""
    if not value:
        return ""
    key = settings.PII_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("PII_INDEX_KEY is empty.")
    message = f"{kind}:{value}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()

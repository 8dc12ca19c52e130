"""Plain data read from a few rows that change rarely but are read on every page — the agency
tree (portal/accounts/hierarchy.py), the sharing policy's inputs (agreements/sharing_policy.py)
— kept in the cache (Redis in production) under a key naming the data's *version*:

    <prefix>:<format>:<version>:<name>       the value, with the time it was built (`built_at`)
    <prefix>:version                         the current version, a random token

Every write that can change the rows replaces the version (`changed()`; signals call it for
saves and deletes, and whoever writes with QuerySet.update(), bulk_create() or SQL calls it
too), once at once and once again when its transaction commits. The second one is what makes
the cache correct: until the commit, readers see the old rows and may store them under the
first new version; the version set after the commit was never read before the new rows were
visible, and the writer sets it before its own request answers. A transaction that wrote the
rows itself reads them from the database and stores nothing (`current_version()` is None): its
rows are not committed (and may be rolled back), and the cache may hold what other readers saw
before them.

Entries expire `ttl` seconds after they were built as a second line of defence only (a bump
lost while Redis was unreachable, or a commit hook that never ran); correctness comes from the
version. With the cache unreachable, every read builds from the database. Each process keeps
what it last loaded under the same key (and expiry), so a warm read is one cache read: the
version's.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Protocol, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction


class Built(Protocol):
    @property
    def built_at(self) -> float: ...


T = TypeVar("T", bound=Built)

_LOCAL_ENTRIES = 16  # per process and cache; more means old versions or days nobody asks for


class VersionedCache:
    def __init__(self, prefix: str, *, ttl: int, fmt: int = 1) -> None:
        self.prefix = prefix
        self.version_key = f"{prefix}:version"
        self.ttl = ttl
        self.fmt = fmt  # bump when the values' shape changes: old entries are then never read
        self._dirty = f"_{prefix.replace('-', '_')}_written"  # on a connection that wrote them
        self._local: dict[str, tuple[float, object]] = {}

    def version(self) -> str | None:
        """The current version; None when the cache cannot be reached."""
        version = cache.get(self.version_key)
        if version is None:  # never set, evicted or cleared: any new token will do
            cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.version_key)
        return version

    def written_here(self) -> bool:
        """Whether the current transaction wrote the rows (see changed())."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            setattr(connection, self._dirty, False)  # whatever wrote them has ended
            return False
        return getattr(connection, self._dirty, False)

    def current_version(self) -> str | None:
        """The version to read under; None to read the database (and store nothing)."""
        return None if self.written_here() else self.version()

    def get(self, version: str, name: str, build: Callable[[], T]) -> T:
        """The value `name` under `version`, built and stored when missing or expired."""
        key = f"{self.prefix}:{self.fmt}:{version}:{name}"
        now = time.time()
        kept = self._local.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]  # type: ignore[return-value]
        value = cache.get(key)
        if value is None or value.built_at + self.ttl <= now:
            value = build()
            cache.set(key, value, max(1, round(value.built_at + self.ttl - time.time())))
        if len(self._local) > _LOCAL_ENTRIES:
            self._local.clear()
        self._local[key] = (value.built_at + self.ttl, value)
        return value

    def changed(self, *, using: str = DEFAULT_DB_ALIAS) -> None:
        """The rows changed (or may have): a new version now and again when the current
        transaction commits, and until then this transaction reads the database."""
        connection = transaction.get_connection(using)
        if connection.in_atomic_block:
            setattr(connection, self._dirty, True)
        self._new_version()
        transaction.on_commit(lambda: self._committed(using), using=using, robust=True)

    def _committed(self, using: str) -> None:
        setattr(transaction.get_connection(using), self._dirty, False)
        self._new_version()

    def _new_version(self) -> None:
        cache.set(self.version_key, uuid.uuid4().hex, timeout=None)

"""Every write to an agency gives the agency tree (portal/accounts/hierarchy.py) a new version,
so that the cached tree is never read after it.

This is cache invalidation, not domain logic. Signals cover every save and delete, through
services, the admin, fixtures and demo data; they miss QuerySet.update(), bulk_create() and
SQL, whose callers call hierarchy.agency_tree_changed() themselves. Migrations and flushes are
covered by post_migrate.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save

from portal.accounts.hierarchy import agency_tree_changed
from portal.accounts.models import Agency


def _changed(sender: Any, using: str = "default", **kwargs: Any) -> None:
    agency_tree_changed(using=using)


def connect(app_config: AppConfig) -> None:
    post_save.connect(_changed, sender=Agency, dispatch_uid="agency-tree-save")
    post_delete.connect(_changed, sender=Agency, dispatch_uid="agency-tree-delete")
    # Migrations (RunPython, RunSQL) and `flush` may rewrite any table: after them, start over.
    post_migrate.connect(_changed, sender=app_config, dispatch_uid="agency-tree-migrate")

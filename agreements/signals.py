"""Every write to an input of the sharing policy gives the policy a new version, so that its
cached snapshot (agreements/sharing_policy.py) is never read after it: cache invalidation, not
domain logic. Signals miss QuerySet.update(), bulk writes and SQL; code that writes these
tables that way calls sharing_policy.policy_changed() itself."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from agreements.models import Agreement, AgreementScope, Party, Scope
from agreements.sharing_policy import policy_changed

# Agencies are inputs too, through the agency tree, whose own version portal.accounts renews
# (portal/accounts/signals.py) and which the snapshot's key names.
POLICY_INPUTS = (Agreement, Party, Scope, AgreementScope)


def _changed(sender: Any, using: str = "default", **kwargs: Any) -> None:
    policy_changed(using=using)


def _parties_changed(sender: Any, action: str, using: str = "default", **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        policy_changed(using=using)


def connect(app_config: AppConfig) -> None:
    for model in POLICY_INPUTS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"policy-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"policy-del-{model.__name__}")
    m2m_changed.connect(
        _parties_changed, sender=AgreementScope.parties.through, dispatch_uid="policy-m2m"
    )
    # Migrations (RunPython, RunSQL) and `flush` may rewrite any table: after them, start over.
    post_migrate.connect(_changed, sender=app_config, dispatch_uid="policy-migrate")

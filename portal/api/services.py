"""Creating and revoking API tokens (by their owner), audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.api.models import ApiToken, hash_token, new_token
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record

MAX_DAYS = 365


@transaction.atomic
def token_create(
    *, actor: User, name: str, days: int = 90, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor; returns it with the raw secret (shown once)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Name the token (e.g. the script that uses it).")]
    if not 1 <= int(days or 0) <= MAX_DAYS:
        errors["days"] = [_("A token is valid for 1 to %(max)s days.") % {"max": MAX_DAYS}]
    if errors:
        raise ValidationError(errors)
    raw = new_token()
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=raw[:12],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(days=int(days)),
    )
    audit_record(
        action=AuditEntry.Action.API_TOKEN_CREATED,
        actor=actor,
        request=request,
        target=actor,
        data={"token": token.prefix, "name": token.name, "days": int(days)},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    if token.user_id != actor.pk:
        raise ValidationError(_("You can revoke only your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action=AuditEntry.Action.API_TOKEN_REVOKED,
            actor=actor,
            request=request,
            target=actor,
            data={"token": token.prefix, "name": token.name},
        )
    return token

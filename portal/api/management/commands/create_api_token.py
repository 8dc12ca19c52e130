"""`manage.py create_api_token USERNAME --name NAME [--days N]`: a personal API token for an
account, created (and audited) as the account's own POST /api/v1/tokens/ would; the secret
is printed once and only its hash is stored."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import User
from portal.api import services


class Command(BaseCommand):
    help = (
        "Create a personal API token (Authorization: Bearer …) for an active account and "
        "print its secret once. Revoke it at /api/v1/tokens/<id>/ (DELETE) or in the portal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what uses it, e.g. the script's name")
        parser.add_argument(
            "--days", type=int, default=90, help=f"validity, 1 to {services.MAX_DAYS} days"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username__iexact=opts["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active account named {opts['username']!r}.")
        try:
            token, raw = services.token_create(actor=user, name=opts["name"], days=opts["days"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(
            f"Token {token.prefix}… for {user.username}, valid until "
            f"{token.expires_at:%Y-%m-%d %H:%M %Z}. The secret is shown only now:"
        )
        self.stdout.write(raw)

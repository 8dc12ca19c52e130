from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from portal.accounts import services
from portal.accounts.models import Agency, User
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record


class Command(BaseCommand):
    help = (
        "Create the first system admin of a new installation (and its agency if missing). "
        "The account has no password until you run `manage.py changepassword USERNAME`; it "
        "must enrol two-factor authentication at its first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--agency", required=True, help="the agency's full name")
        parser.add_argument("--agency-short-name", help="defaults to the full name")
        parser.add_argument("--agency-kind", default=Agency.Kind.OTHER, choices=Agency.Kind.values)

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        if User.objects.filter(username__iexact=opts["username"]).exists():
            raise CommandError(f"An account named {opts['username']!r} exists already.")
        short_name = (opts["agency_short_name"] or opts["agency"])[:60]
        agency, _created = Agency.objects.get_or_create(
            name=opts["agency"],
            defaults={
                "short_name": short_name,
                "code": services.agency_code_for(short_name),
                "kind": opts["agency_kind"],
            },
        )
        user = User(
            username=opts["username"],
            email=opts["email"],
            full_name=opts["full_name"],
            agency=agency,
            role=User.Role.SYSTEM_ADMIN,
        )
        user.set_unusable_password()
        try:
            user.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user.save()
        services.sync_email_address(user)
        audit_record(
            action=AuditEntry.Action.USER_CREATED,
            actor_label="manage.py create_system_admin",
            target=user,
            data={"role": user.role, "agency": str(agency)},
        )
        self.stdout.write(
            self.style.SUCCESS(f"System admin {user.username} created in {agency}.")
            + f"\nSet its password: python manage.py changepassword {user.username}"
        )

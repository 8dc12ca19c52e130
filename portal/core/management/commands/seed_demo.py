from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo data of every Sinergi app (idempotent) and print the demo accounts. "
        "Each app contributes a `demo` module with a seed() function; they run in "
        "INSTALLED_APPS order, so that an app's data exists before the apps above it need it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        accounts: list[dict[str, str]] = []
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.name.startswith(("portal.", "agreements", "villages", "referrals")):
                continue
            if find_spec(module_name) is None:
                continue
            result = import_module(module_name).seed()
            if isinstance(result, list):
                accounts.extend(result)
        self._print_accounts(accounts)

    def _print_accounts(self, accounts: list[dict[str, str]]) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo accounts (sign in with username or e-mail)"))
        out.write(f"Password for every account: {settings.DEMO_PASSWORD}  (env DEMO_PASSWORD)")
        out.write(
            "Supervisors and admins also need a TOTP code: add the secret to an authenticator "
            "app, or run: python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\""
        )
        width = max((len(a["username"]) for a in accounts), default=10)
        out.write(
            f"{'username'.ljust(width)}  {'role'.ljust(14)}  {'agency'.ljust(24)}  TOTP secret"
        )
        for a in accounts:
            out.write(
                f"{a['username'].ljust(width)}  {a['role'].ljust(14)}  "
                f"{a['agency'][:24].ljust(24)}  {a['totp_secret'] or '-'}"
            )
        out.write("")

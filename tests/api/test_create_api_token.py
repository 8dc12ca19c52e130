"""`manage.py create_api_token`: prints the secret once (stdout, alone, for $(…)), stores
its hash, audits it, and the token authenticates."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from portal.api.models import ApiToken, hash_token
from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_prints_a_working_token_once(officer):
    raw, note = run("OFFICER", "--name", "skrip-laporan", "--days", "7")
    token = ApiToken.objects.get(user=officer)
    assert raw.startswith("sng_")
    assert "\n" not in raw
    assert token.key_hash == hash_token(raw)
    assert raw not in (token.key_hash, token.prefix)
    assert token.name == "skrip-laporan"
    assert 6 <= (token.expires_at - token.created_at).days <= 7
    assert token.prefix in note
    assert raw not in note
    assert AuditEntry.objects.filter(action=AuditEntry.Action.API_TOKEN_CREATED).count() == 1
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").json()["username"] == "officer"


def test_refuses_unknown_or_inactive_accounts_and_bad_validity(officer):
    with pytest.raises(CommandError, match="No active account"):
        run("nobody", "--name", "x")
    officer.is_active = False
    officer.save()
    with pytest.raises(CommandError, match="No active account"):
        run("officer", "--name", "x")
    officer.is_active = True
    officer.save()
    with pytest.raises(CommandError, match="365"):
        run("officer", "--name", "x", "--days", "400")
    with pytest.raises(CommandError):
        run("officer", "--name", " ")
    assert not ApiToken.objects.exists()

"""The agency admin's main journey, in chromium at phone and desktop width: signs in with the
TOTP code, goes through the menu to the users of the agency, creates an officer's account (a
wrong e-mail address first: refused beside the field, everything typed kept, no account made),
and the new officer receives the link to set a password. Every field of the form is labelled.

Found by ids, names and links, not by (translatable) text."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.accounts.models import User
from tests.e2e.conftest import eventually, screenshot_dir
from tests.e2e.test_exchange_journey import go, sign_in_with_totp
from tests.e2e.test_forms_accessibility import UNLABELLED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = {
    "#id_username": "petugas-baru",
    "#id_full_name": "Rudi Hermawan",
    "#id_position": "Analis Keimigrasian",
    "#id_employee_number": "198801012010011001",
}


def shot(page, step: str) -> None:
    page.screenshot(
        path=screenshot_dir() / f"agency-admin-{page.width_name}-{step}.png", full_page=True
    )


def test_agency_admin_creates_an_officer_account(page, live_server, make_user, kanim):
    admin = make_user(User.Role.AGENCY_ADMIN, kanim, username="kanimadmin", full_name="Admin")
    sign_in_with_totp(page, live_server.url, admin)
    go(page, "/users/")
    page.locator("main a[href='/users/new/']").click()
    expect(page).to_have_url(re.compile(r"/users/new/$"))
    form = "main form[method=post]"
    assert page.locator(form).evaluate(UNLABELLED) == []
    # An agency admin gives roles below system admin, in their own agency only.
    expect(page.locator("#id_role option[value=system_admin]")).to_have_count(0)
    for selector, value in TYPED.items():
        page.locator(selector).fill(value)
    page.locator("#id_email").fill("bukan-alamat-email")
    page.locator("#id_role").select_option("officer")
    page.locator(f"{form} button[type=submit]").click()

    email = page.locator("#id_email")
    expect(email).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page).to_have_url(re.compile(r"/users/new/$"))
    for selector, value in TYPED.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(email).to_have_value("bukan-alamat-email")
    expect(page.locator("#id_role")).to_have_value("officer")
    assert not User.objects.filter(username="petugas-baru").exists()
    shot(page, "1-error")

    email.fill("rudi.hermawan@imigrasi.go.id")
    page.locator(f"{form} button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/users/\d+/$"))
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert eventually(lambda: User.objects.filter(username="petugas-baru").exists())
    created = User.objects.get(username="petugas-baru")
    assert (created.agency, created.role, created.full_name) == (kanim, "officer", "Rudi Hermawan")
    assert not created.has_usable_password()
    assert eventually(lambda: any(created.email in m.to for m in mail.outbox))
    shot(page, "2-created")

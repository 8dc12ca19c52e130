"""System admin, in chromium: builds an agreement from scratch (parties, a data-exchange
scope), activates it, and sees the partner appear on the partner map; a validation error
keeps what was typed."""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Scope
from portal.accounts.models import User
from tests.e2e.conftest import confirm, fresh_totp, screenshot_dir
from tests.e2e.test_sign_in_journey import sign_in
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_builds_and_activates_an_agreement(page, live_server, make_user, kanwil, bp3mi):
    Scope.objects.create(
        code="data-exchange",
        name_id="Pertukaran data indikasi TPPO/TPPM",
        name_en="Data exchange",
        allows_data_exchange=True,
    )
    admin = make_user(
        User.Role.SYSTEM_ADMIN, AgencyFactory(short_name="Sekretariat"), username="adm"
    )
    sign_in(page, live_server.url, "adm")
    page.locator("main input[name=code]").fill(fresh_totp(admin.totp_secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/2fa/"))

    page.goto(f"{live_server.url}/agreements/new/")
    page.get_by_label("Judul").fill("PKS Imigrasi dan BP3MI")
    page.get_by_label("Jenis").select_option("pks")
    page.get_by_label("Berlaku sejak").fill("2025-11-18")
    page.get_by_label("Berlaku sampai").fill("2025-01-01")  # before the start: refused
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value("PKS Imigrasi dan BP3MI")
    page.screenshot(
        path=screenshot_dir() / f"agreement-form-error-{page.width_name}.png", full_page=True
    )
    page.get_by_label("Berlaku sampai").fill("")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+/$"))

    for agency in (kanwil, bp3mi):
        page.get_by_role("link", name="Tambah pihak").click()
        page.locator("select[name=agency]").select_option(str(agency.pk))
        page.get_by_label("Penanda tangan", exact=True).fill("Penanda tangan " + agency.short_name)
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("link", name=agency.name)).to_be_visible()

    page.get_by_role("link", name="Tambah ruang lingkup").click()
    page.locator("select[name=scope]").select_option(label="Pertukaran data indikasi TPPO/TPPM")
    page.get_by_label("TPPO (perdagangan orang)").check()
    page.locator("main form button[type=submit]").click()

    page.get_by_role("button", name="Aktifkan").click()
    confirm(page)
    expect(page.locator(".badge", has_text="Aktif").first).to_be_visible()
    page.screenshot(
        path=screenshot_dir() / f"agreement-detail-{page.width_name}.png", full_page=True
    )

    page.goto(f"{live_server.url}/agreements/partners/?agency={kanwil.pk}")
    expect(page.get_by_role("link", name=bp3mi.name)).to_be_visible()

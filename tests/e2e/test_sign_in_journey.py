"""Real chromium, phone and desktop width: sign in, see the home page in Indonesian, switch
to English, sign out. Screenshots go to $TEST_ARTIFACTS_DIR/screenshots (printed by .ci/run)."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from tests.e2e.conftest import fresh_totp, screenshot_dir
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.locator("main input[name=login]").fill(login)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()


def open_menu_on_phone(page):
    """Open the collapsed navigation on a phone and wait until Bootstrap's collapse animation
    has finished: while it runs the menu is clipped and a dropdown opened in it stays hidden."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


def choose_language(page, name):
    open_menu_on_phone(page)
    page.locator("#language-menu").click()
    expect(page.locator("#language-menu + .dropdown-menu")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name=name).click()


def test_officer_signs_in_and_sees_home_in_indonesian(page, live_server, make_user, kanim):
    make_user(User.Role.OFFICER, kanim, username="petugas", full_name="Rina Wulandari")
    sign_in(page, live_server.url, "petugas")
    expect(page.get_by_role("heading", name="Selamat datang, Rina")).to_be_visible()
    expect(page.get_by_text(kanim.name).first).to_be_visible()
    page.screenshot(path=screenshot_dir() / f"home-officer-{page.width_name}.png", full_page=True)

    # Layout fits the screen: nothing wider than the viewport on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]

    # English through the language switch, then back to Indonesian.
    choose_language(page, "English")
    expect(page.get_by_role("heading", name="Welcome, Rina")).to_be_visible()
    choose_language(page, "Bahasa Indonesia")
    expect(page.get_by_role("heading", name="Selamat datang, Rina")).to_be_visible()

    # Sign out from the user menu.
    open_menu_on_phone(page)
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main input[name=password]")).to_be_visible()


def test_supervisor_signs_in_with_totp_code(page, live_server, make_user, kanim):
    supervisor = make_user(User.Role.SUPERVISOR, kanim, username="spv", full_name="Bayu Saputra")
    sign_in(page, live_server.url, "spv")
    expect(page.locator("main input[name=code]")).to_be_visible()
    page.wait_for_load_state("load")
    page.screenshot(path=screenshot_dir() / f"totp-challenge-{page.width_name}.png")
    page.locator("main input[name=code]").fill(fresh_totp(supervisor.totp_secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Selamat datang, Bayu")).to_be_visible()
    page.screenshot(
        path=screenshot_dir() / f"home-supervisor-{page.width_name}.png", full_page=True
    )


def test_keyboard_user_reaches_the_skip_link_first(page, live_server, make_user, kanim):
    make_user(User.Role.OFFICER, kanim, username="petugas2")
    sign_in(page, live_server.url, "petugas2")
    expect(page.locator("main h1")).to_be_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"

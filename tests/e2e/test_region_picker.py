"""The region picker in chromium, phone and desktop width: Banten is chosen at the start,
each choice loads the next level, the form posts the village and shows it again after a
submit. The page is served by a test-only URLconf (tests/e2e/region_picker_urls.py)."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.regions.services import regions_load
from tests.e2e.conftest import WAIT_MS, screenshot_dir
from tests.e2e.test_sign_in_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/test/region-picker/"


@pytest.fixture
def picker_url(settings, live_server, db):
    # The live server reads through its own connection: the regions must be committed (the
    # transactional test empties every table when it ends).
    regions_load()
    settings.ROOT_URLCONF = "tests.e2e.region_picker_urls"
    return f"{live_server.url}{PAGE}"


def leave_lists(page):
    """Leave the focused list as a person does by tapping elsewhere: a Tom Select that keeps
    the focus may open its list again after a choice (a late refresh, or the viewport
    resized), and an open list covers the fields below it on a phone (seen on a busy CI)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    try:
        expect(page.locator(".ts-dropdown:visible")).to_have_count(0)
    except AssertionError as error:  # what the page knew, for the next time it happens
        state = page.evaluate(
            "({focus: document.hasFocus(), active: document.activeElement.id,"
            " open: [...document.querySelectorAll('.ts-dropdown')]"
            ".filter(d => d.offsetParent).map(d => d.id)})"
        )
        raise AssertionError(f"{error}\npage: {state}") from None


def choose(page, select_id: str, search: str, option: str):
    """Pick `option` in the TomSelect drawn for <select id=select_id>, typing `search`."""
    leave_lists(page)
    dropdown = page.locator(f"#{select_id}-ts-dropdown")
    # The list was just refilled by the level above: on a loaded machine the first keystrokes
    # can land while TomSelect is still re-reading it and be dropped, so type again if no
    # match shows (a person would do the same).
    for attempt in range(3):
        page.locator(f"#{select_id} + .ts-wrapper .ts-control").click()
        page.locator(f"#{select_id}-ts-control").fill(search)
        # TomSelect filters a moment after typing (refreshThrottle); a click before that
        # would be followed by the late refresh opening the list again. Each attempt waits
        # its share of the browser tests' bound, then types again.
        try:
            expect(dropdown.locator(".highlight").first).to_be_visible(timeout=WAIT_MS // 3)
            break
        except AssertionError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    dropdown.get_by_role("option", name=option, exact=True).click()
    expect(dropdown).to_be_hidden()


def test_officer_picks_a_village_level_by_level(page, live_server, picker_url, make_user, kanim):
    make_user(User.Role.OFFICER, kanim, username="petugas")
    sign_in(page, live_server.url, "petugas")
    expect(page.locator("main h1")).to_be_visible()
    page.goto(picker_url)
    # base.html loads the script, once, with the CSP nonce.
    expect(page.locator("script[src$='portal/js/region-picker.js'][nonce]")).to_have_count(1)

    picker = page.locator("[data-region-picker]")
    # Four labelled lists, each made searchable once (portal.js leaves them alone).
    for label in ("Provinsi", "Kabupaten/kota", "Kecamatan", "Desa/kelurahan"):
        expect(picker.locator("label", has_text=label)).to_be_visible()
    expect(picker.locator(".ts-wrapper")).to_have_count(4)
    expect(page.locator("#id_village__province")).to_have_value("36")
    expect(page.locator("#id_village__province + .ts-wrapper")).to_contain_text("Banten")

    choose(page, "id_village__regency", "cilegon", "Kota Cilegon")
    expect(page.locator("#id_village__regency")).to_have_value("36.72")
    expect(page.locator("#id_village__district option[value='36.72.01']")).to_have_count(1)

    choose(page, "id_village__district", "cibe", "Cibeber")
    expect(page.locator("#id_village__district")).to_have_value("36.72.01")
    expect(page.locator("#id_village option[value='36.72.01.1002']")).to_have_count(1)

    choose(page, "id_village", "kedal", "Kedaleman")
    expect(page.locator("#id_village")).to_have_value("36.72.01.1002")
    # Leave the list before tapping Kirim: the full-page screenshot resizes the viewport.
    leave_lists(page)
    page.screenshot(path=screenshot_dir() / f"region-picker-{page.width_name}.png", full_page=True)
    page.keyboard.press("Escape")
    expect(page.locator(".ts-dropdown:visible")).to_have_count(0)

    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_test_id("chosen")).to_have_text("36.72.01.1002 Kedaleman")
    # The form shows the choice again, with the lists of its chain.
    expect(page.locator("#id_village")).to_have_value("36.72.01.1002")
    expect(page.locator("#id_village__district")).to_have_value("36.72.01")
    expect(page.locator("#id_village + .ts-wrapper")).to_contain_text("Kedaleman")

    # A new regency empties the levels below it and loads its districts.
    choose(page, "id_village__regency", "serang", "Kota Serang")
    expect(page.locator("#id_village")).to_have_value("")
    expect(page.locator("#id_village option")).to_have_count(1)
    expect(page.locator("#id_village__district option[value^='36.73.']").first).to_be_attached()
    expect(page.locator("#id_village__district option[value^='36.72.']")).to_have_count(0)


def test_submitting_without_a_village_keeps_the_chain(
    page, live_server, picker_url, make_user, kanim
):
    make_user(User.Role.OFFICER, kanim, username="petugas3")
    sign_in(page, live_server.url, "petugas3")
    expect(page.locator("main h1")).to_be_visible()
    page.goto(picker_url)
    choose(page, "id_village__regency", "cilegon", "Kota Cilegon")
    expect(page.locator("#id_village__district option[value='36.72.01']")).to_have_count(1)
    choose(page, "id_village__district", "cibe", "Cibeber")
    expect(page.locator("#id_village option[value='36.72.01.1001']")).to_have_count(1)
    leave_lists(page)
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_test_id("chosen")).to_have_count(0)
    expect(page.locator("#id_village__regency")).to_have_value("36.72")
    expect(page.locator("#id_village__district")).to_have_value("36.72.01")
    expect(page.locator("#id_village option[value='36.72.01.1001']")).to_have_count(1)
    page.screenshot(
        path=screenshot_dir() / f"region-picker-error-{page.width_name}.png", full_page=True
    )


def test_a_picker_added_by_htmx_works_too(page, live_server, picker_url, make_user, kanim):
    make_user(User.Role.OFFICER, kanim, username="petugas4")
    sign_in(page, live_server.url, "petugas4")
    expect(page.locator("main h1")).to_be_visible()
    page.goto(picker_url)
    page.get_by_role("button", name="Tambah").click()
    later = page.locator("#later [data-region-picker]")
    expect(later.locator(".ts-wrapper")).to_have_count(4)
    # The first picker was not made searchable a second time.
    expect(page.locator("form [data-region-picker] .ts-wrapper")).to_have_count(4)
    choose(page, "id_later-village__regency", "cilegon", "Kota Cilegon")
    expect(page.locator("#id_later-village__district option[value='36.72.01']")).to_have_count(1)

"""The traps of issue 20 in chromium, at phone and desktop width:

- closing a report starts with no outcome, the browser requires one, and the dialog asks
  before anything happens (without scripts the server asks on a page of its own);
- one submit of the empty report form opens at a focused summary of every error, whose links
  lead to the fields;
- the region picker says when a list failed to load and loads it again on "Coba lagi";
- after an action the page opens at the item it added, highlighted, with a message saying
  what was done (and no animation for those who ask for reduced motion).

Found by ids, form actions and values; texts only where the wording is the point."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.regions.services import regions_load
from referrals import services
from referrals.models import Report, Share
from tests.e2e.conftest import VIEWPORTS, WAIT_MS, confirm, eventually
from tests.e2e.test_exchange_journey import sign_in_with_totp
from tests.e2e.test_region_picker import choose, leave_lists
from tests.e2e.test_sign_in_journey import sign_in
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = (
    "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def under_review(make_user, kanim):
    """A report of Kanim under review by its supervisor (committed: the live server reads it
    through its own connection)."""
    f.regions()
    officer = make_user(User.Role.OFFICER, kanim, username="pelapor", full_name="Dewi Lestari")
    supervisor = make_user(User.Role.SUPERVISOR, kanim, username="spv", full_name="Bayu Saputra")
    report = services.report_start_review(actor=supervisor, report=f.submitted(officer))
    return report, supervisor


def highlighted(page, selector: str) -> None:
    """The element is the page's #fragment, drawn highlighted, and on screen."""
    target = page.locator(selector)
    expect(target).to_be_visible()
    assert target.evaluate("el => el.matches(':target')")
    color = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert color not in ("rgba(0, 0, 0, 0)", "transparent"), color
    page.wait_for_function(f"() => ({IN_VIEW})(document.querySelector({selector!r}))")


def test_closing_a_report_starts_empty_and_asks_first(page, live_server, under_review):
    report, supervisor = under_review
    sign_in_with_totp(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    close = page.locator(f"form[action='/reports/{report.pk}/close/']")
    outcome = close.locator("#id_outcome")
    expect(outcome).to_have_value("")

    # Nothing chosen: the browser holds the form back, no question is asked.
    close.locator("button[type=submit]").click()
    assert outcome.evaluate("el => el.validity.valueMissing")
    expect(page.locator("#confirm-dialog")).to_be_hidden()

    outcome.select_option("referred_to_investigation")
    close.locator("button[type=submit]").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-dialog-question")).to_have_text(
        f"Tutup laporan {report.number}?"
    )
    expect(dialog.locator("#confirm-dialog-details")).to_contain_text("Dilimpahkan ke penyidikan")
    expect(dialog.locator("#confirm-dialog-yes")).to_have_text("Tutup laporan")
    # "Batal": nothing happens, the focus is back on the button.
    dialog.locator("#confirm-dialog-cancel").click()
    expect(dialog).to_be_hidden()
    expect(close.locator("button[type=submit]")).to_be_focused()
    assert Report.objects.get(pk=report.pk).status == "under_review"

    close.locator("button[type=submit]").click()
    confirm(page)
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/#report-outcome$"))
    expect(page.locator(".messages .alert-success")).to_contain_text(
        f"Laporan {report.number} ditutup: Dilimpahkan ke penyidikan."
    )
    highlighted(page, "#report-outcome")
    assert eventually(lambda: Report.objects.get(pk=report.pk).status == "closed")


def test_without_scripts_the_server_asks_before_deleting(browser, live_server, make_user, kanim):
    f.regions()
    make_user(User.Role.OFFICER, kanim, username="pelapor")
    draft = f.draft(User.objects.get(username="pelapor"))
    context = browser.new_context(java_script_enabled=False, **VIEWPORTS["phone"])
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "pelapor")
        expect(page.locator("#user-menu")).to_be_attached()
        page.goto(f"{live_server.url}{draft.get_absolute_url()}")
        page.locator(f"form[action='/reports/{draft.pk}/delete/'] button[type=submit]").click()
        expect(page.locator("main h1")).to_have_text(f"Hapus draf {draft.number} untuk selamanya?")
        assert Report.objects.filter(pk=draft.pk).exists()
        page.locator("#confirm-page-yes").click()
        expect(page).to_have_url(re.compile(r"/reports/$"))
        assert eventually(lambda: not Report.objects.filter(pk=draft.pk).exists())
    finally:
        context.close()


def test_one_submit_shows_every_error_in_a_focused_summary(page, live_server, make_user, kanim):
    f.regions()
    make_user(User.Role.OFFICER, kanim, username="pelapor")
    sign_in(page, live_server.url, "pelapor")
    expect(page.locator("#user-menu")).to_be_attached()
    page.goto(f"{live_server.url}/reports/new/")
    page.locator("#report-form button[name=submit]").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    page.wait_for_function(f"() => ({IN_VIEW})(document.querySelector('[data-error-summary]'))")
    for anchor in ("#id_persons-0-full_name", "#id_region", "#id_narrative", "#id_categories_0"):
        expect(summary.locator(f"a[href='{anchor}']")).to_have_count(1)

    summary.locator("a[href='#id_persons-0-full_name']").click()
    expect(page.locator("#id_persons-0-full_name")).to_be_focused()
    summary.locator("a[href='#id_narrative']").click()
    expect(page.locator("#id_narrative")).to_be_focused()
    # The place: the first level of its picker left empty, searchable list or not.
    summary.locator("a[href='#id_region']").click()
    assert page.evaluate(
        "() => !!document.activeElement.closest('[data-region-picker], .ts-wrapper')"
    )


@pytest.fixture
def picker_page(settings, live_server, db):
    regions_load()  # committed: the live server reads it through its own connection
    settings.ROOT_URLCONF = "tests.e2e.region_picker_urls"
    return f"{live_server.url}/test/region-picker/"


def test_the_region_picker_says_when_a_list_fails_and_tries_again(
    page, live_server, picker_page, make_user, kanim
):
    make_user(User.Role.OFFICER, kanim, username="petugas")
    sign_in(page, live_server.url, "petugas")
    expect(page.locator("main h1")).to_be_visible()
    page.goto(picker_page)
    error = page.locator("[data-region-picker-error]")
    expect(error).to_be_hidden()

    page.route("**/regions/children/**", lambda route: route.abort("internetdisconnected"))
    choose(page, "id_village__regency", "cilegon", "Kota Cilegon")
    expect(error).to_be_visible()
    expect(error).to_contain_text("koneksi terputus")
    expect(page.locator("#id_village__district option")).to_have_count(1)  # "— Pilih —"

    page.unroute("**/regions/children/**")
    leave_lists(page)
    error.get_by_role("button", name="Coba lagi").click()
    expect(page.locator("#id_village__district option[value='36.72.01']")).to_have_count(1)
    expect(error).to_be_hidden()
    # The list just loaded has the focus, closed (not covering the fields below).
    assert page.evaluate("() => !!document.activeElement.closest('.ts-wrapper')")
    expect(page.locator(".ts-dropdown:visible")).to_have_count(0)
    # The aborted request is the error this test provoked, and the only one.
    provoked = [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" in e]
    assert provoked
    for e in provoked:
        page.console_errors.remove(e)


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_after_sharing_the_page_opens_at_the_share(
    page, live_server, make_user, system_admin, kanim, bp3mi, motion
):
    f.regions()
    agreement(system_admin, kanim, bp3mi, scopes=[scope("pertukaran-data", data_exchange=True)])
    officer = make_user(User.Role.OFFICER, kanim, username="pelapor")
    report = f.submitted(officer, persons=[f.person()])
    page.emulate_media(reduced_motion=motion)
    sign_in(page, live_server.url, "pelapor")
    expect(page.locator("#user-menu")).to_be_attached()
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    form = page.locator(f"form[action='/reports/{report.pk}/share/']")
    form.locator(f"input[name=agencies][value='{bp3mi.pk}']").check()
    form.locator("button[type=submit]").click()

    assert eventually(lambda: Share.objects.filter(report=report, agency=bp3mi).exists())
    share = Share.objects.get(report=report, agency=bp3mi)
    expect(page).to_have_url(re.compile(rf"#share-{share.pk}$"))
    message = page.locator(".messages .alert-success")
    expect(message).to_contain_text(f"Laporan dibagikan ke {bp3mi.short_name}")
    highlighted(page, f"#share-{share.pk}")
    # The message stays in view above the item the page scrolled to.
    page.wait_for_function(f"() => ({IN_VIEW})(document.querySelector('.messages .alert'))")
    animation = page.locator(f"#share-{share.pk}").evaluate(
        "el => getComputedStyle(el).animationName"
    )
    assert animation == ("none" if motion == "reduce" else "sinergi-flash")

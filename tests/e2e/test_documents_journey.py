"""Printing, in chromium at phone and desktop width: Kanim Tangerang's officer opens the
agreement with BP3MI, whose page loads the implementation summary and, inside it, the
exchanges panel (nested htmx, under the strict CSP); on the full page a period that ends
before it starts is refused beside the field; a valid one gives a PDF to download. The
report page's "Print PDF" downloads the report. Found by id, not by text."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from referrals import services
from tests.e2e.conftest import screenshot_dir
from tests.e2e.test_sign_in_journey import sign_in
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.villages.factories import activity, days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scenario(make_user, system_admin, kanim, bp3mi):
    f.regions()
    officer = make_user(User.Role.OFFICER, kanim, username="petugas", full_name="Rina Wulandari")
    pact = x.data_agreement(system_admin, kanim, bp3mi, title="PKS Kanim Tangerang - BP3MI")
    report = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    activity(kanim, date=days(-2), agreement_scope=pact.scopes.get(), participants_male=12)
    return {"pact": pact, "report": report}


def download(page, locator) -> bytes:
    with page.expect_download() as info:
        locator.click()
    path = info.value.path()
    with open(path, "rb") as handle:
        return handle.read()


def test_officer_prints_the_implementation_summary_and_a_report(page, live_server, scenario):
    base = live_server.url
    pact, report = scenario["pact"], scenario["report"]
    sign_in(page, base, "petugas")
    expect(page.locator("#user-menu")).to_be_attached()

    # The agreement's page: summary and, nested in it, the exchanges panel.
    page.goto(f"{base}{pact.get_absolute_url()}")
    expect(page.locator("#implementation-exchanges #exchanges-per-scope")).to_be_visible()
    expect(page.locator("#exchanges-per-scope tfoot tr")).to_have_attribute(
        "data-total-shares", "1"
    )

    # The full page: a wrong period is refused beside the field, never an error page.
    page.goto(f"{base}/villages/agreements/{pact.pk}/implementation/")
    page.locator("#id_from").fill(days(0).isoformat())
    page.locator("#id_to").fill(days(-10).isoformat())
    page.locator("#implementation-period button[type=submit]").click()
    expect(page.locator("[data-error-for=to]")).to_be_visible()
    expect(page.locator("#implementation-pdf")).to_have_count(0)

    page.locator("#id_from").fill(days(-30).isoformat())
    page.locator("#id_to").fill(days(1).isoformat())
    page.locator("#implementation-period button[type=submit]").click()
    expect(page.locator("#implementation-period-shown")).to_have_attribute(
        "data-from", days(-30).isoformat()
    )
    expect(page.locator("#exchanges-per-scope")).to_be_visible()
    page.screenshot(
        path=str(screenshot_dir() / f"implementation-{page.width_name}.png"), full_page=True
    )
    assert download(page, page.locator("#implementation-pdf")).startswith(b"%PDF")

    page.goto(f"{base}{report.get_absolute_url()}")
    expect(page.locator("#report-pdf")).to_be_visible()
    page.screenshot(path=str(screenshot_dir() / f"report-print-{page.width_name}.png"))
    assert download(page, page.locator("#report-pdf")).startswith(b"%PDF")

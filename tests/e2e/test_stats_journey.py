"""An officer in chromium opens the statistics from the menu, narrows the period, and drills
down from a regency bar of the chart to its villages; the charts are server-drawn SVG (no
script, no console error under the strict CSP) and fit a phone."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from referrals.stats import services
from tests.e2e.conftest import screenshot_dir
from tests.e2e.test_sign_in_journey import open_menu_on_phone, sign_in
from tests.referrals import factories as f
from tests.referrals.stats import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_reads_the_statistics_and_drills_down(page, live_server, make_user, kanim):
    f.regions()
    officer = make_user(User.Role.OFFICER, kanim, username="statistik")
    for month, categories in [(2, ["tppo"]), (3, ["pmi_nonprocedural"]), (3, ["tppo", "tppm"])]:
        b.submitted(officer, occurred_at=b.at(2025, month), categories=categories)
    b.submitted(officer, occurred_at=b.at(2025, 4), region=f.region("36.72.01.1002"))
    services.refresh_report_stats()

    sign_in(page, live_server.url, "statistik")
    expect(page.locator("main h1")).to_be_visible()
    open_menu_on_phone(page)
    page.locator('#main-nav a[href="/statistics/"]').click()
    expect(page.locator("#stats-filters")).to_be_visible()

    page.locator("#id_month_from").fill("2025-01")
    page.locator("#id_month_to").fill("2025-12")
    page.locator("#stats-filters button[type=submit]").click()
    expect(page.locator("#total-reports")).to_have_attribute("data-value", "4")
    expect(page.locator("#chart-monthly")).to_be_visible()
    assert (
        page.locator('#chart-monthly g[data-month="2025-03"]').get_attribute("data-reports") == "2"
    )
    # The chart fits the screen: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.locator('#chart-regency g[data-key="36.72"] a').click()
    expect(page.locator("#villages")).to_be_visible()
    expect(page.locator('#table-village tr[data-key="36.72.01.1002"]')).to_have_attribute(
        "data-reports", "1"
    )
    assert "month_from=2025-01" in page.url
    page.screenshot(path=screenshot_dir() / f"statistics-{page.width_name}.png", full_page=True)

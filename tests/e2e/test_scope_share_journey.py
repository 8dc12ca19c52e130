"""The agreement decides what may be shared, in chromium at phone and desktop width:

1. Kanim Tangerang's officer opens a submitted TPPO report: Kanim and BP3MI have an agreement
   in force, but with a cooperation scope only, so the report page offers no partner to share
   with.
2. A system admin (TOTP) adds a data-exchange scope for TPPO to that agreement, through the
   scope form (every field labelled).
3. The officer reloads the report: BP3MI is now offered, and the report is shared with it.

Found by ids, form actions and values, not by (translatable) text."""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import AgreementScope
from portal.accounts.models import User
from referrals.models import Share
from tests.e2e.conftest import eventually, screenshot_dir
from tests.e2e.test_exchange_journey import assert_labelled, other_user, sign_in_with_totp
from tests.e2e.test_sign_in_journey import sign_in
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scenario(make_user, system_admin, kanim, bp3mi):
    """Committed, for the live server: the agreement with a cooperation scope only, the data
    exchange scope in the vocabulary, a TPPO report of Kanim."""
    f.regions()
    pact = agreement(system_admin, kanim, bp3mi, scopes=[scope("kerja-sama-umum")])
    exchange = scope("pertukaran-data", data_exchange=True)
    officer = make_user(User.Role.OFFICER, kanim, username="pelapor", full_name="Dewi Lestari")
    admin = make_user(User.Role.SYSTEM_ADMIN, kanim, username="adm", full_name="Admin Sistem")
    report = f.submitted(officer)
    assert report.categories == ["tppo"]
    return {"agreement": pact, "exchange": exchange, "report": report, "admin": admin}


def shot(page, step: str) -> None:
    page.screenshot(
        path=screenshot_dir() / f"scope-share-{page.width_name}-{step}.png", full_page=True
    )


def test_a_data_exchange_scope_makes_the_partner_a_share_option(
    page, browser, live_server, scenario, bp3mi
):
    report, pact = scenario["report"], scenario["agreement"]
    share_form = page.locator(f"form[action='/reports/{report.pk}/share/']")

    # 1. No partner to share with yet.
    sign_in(page, live_server.url, "pelapor")
    expect(page.locator("#user-menu")).to_be_attached()
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator("main h1")).to_have_text(report.number)
    expect(page.locator("section[aria-labelledby=sharing-title]")).to_be_visible()
    expect(share_form).to_have_count(0)
    shot(page, "1-no-option")

    # 2. The system admin adds the data-exchange scope for TPPO.
    with other_user(browser, page.width_name) as admin:
        sign_in_with_totp(admin, live_server.url, scenario["admin"])
        admin.goto(f"{live_server.url}/agreements/{pact.pk}/")
        add = admin.locator(f"main a[href='/agreements/{pact.pk}/scopes/new/']")
        add.click()
        expect(admin).to_have_url(re.compile(rf"/agreements/{pact.pk}/scopes/new/$"))
        form = "main form:has(select[name=scope])"
        assert_labelled(admin, form)
        admin.locator("select[name=scope]").select_option(str(scenario["exchange"].pk))
        admin.locator("input[name=categories][value=tppo]").check()
        shot(admin, "2-scope-form")
        admin.locator(f"{form} button[type=submit]").click()
        # The page opens at the scope just added (#agreement-scope-<pk>).
        expect(admin).to_have_url(re.compile(rf"/agreements/{pact.pk}/#agreement-scope-\d+$"))
        expect(admin.locator(".messages .alert-success")).to_be_visible()
        assert eventually(
            lambda: AgreementScope.objects.filter(
                agreement=pact, scope=scenario["exchange"], categories=["tppo"]
            ).exists()
        )
        shot(admin, "3-scope-added")

    # 3. BP3MI is offered now, and the report goes to it.
    page.reload()
    choices = share_form.locator("input[name=agencies]")
    expect(choices).to_have_count(1)
    expect(choices).to_have_attribute("value", str(bp3mi.pk))
    assert_labelled(page, f"form[action='/reports/{report.pk}/share/']")
    shot(page, "4-option")
    choices.check()
    share_form.locator("button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert eventually(
        lambda: Share.objects.filter(report=report, agency=bp3mi, status="active").exists()
    )
    share = Share.objects.get(report=report, agency=bp3mi)
    assert share.agreement == pact
    shot(page, "5-shared")

"""The supervisor's main journey at their own agency, in chromium at phone and desktop width:
signs in with the TOTP code, opens the review queue from the menu, takes the officer's
submitted report into review and closes it with an outcome (the close form labelled); the
report leaves the queue. The other agency's report is never in it.

Found by ids, form actions and values, not by (translatable) text."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from referrals.models import Report
from tests.e2e.conftest import confirm, eventually, screenshot_dir
from tests.e2e.test_exchange_journey import assert_labelled, go, sign_in_with_totp
from tests.factories import AgencyFactory
from tests.referrals import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Calon PMI diarahkan ke jalur prosedural melalui Disnaker."


def shot(page, step: str) -> None:
    page.screenshot(
        path=screenshot_dir() / f"supervisor-{page.width_name}-{step}.png", full_page=True
    )


def test_supervisor_reviews_and_closes_a_report(page, live_server, make_user, kanim):
    f.regions()
    officer = make_user(User.Role.OFFICER, kanim, username="pelapor", full_name="Dewi Lestari")
    supervisor = make_user(User.Role.SUPERVISOR, kanim, username="spv", full_name="Bayu Saputra")
    report = f.submitted(officer)
    elsewhere = AgencyFactory(name="Kantor Imigrasi Serang", short_name="Kanim Serang")
    other = f.submitted(make_user(User.Role.OFFICER, elsewhere, username="serang"))

    sign_in_with_totp(page, live_server.url, supervisor)
    go(page, "/reports/review/")
    queue = page.locator("main")
    expect(queue.locator(f"a[href='/reports/{report.pk}/']")).to_have_text(report.number)
    expect(queue.locator(f"a[href='/reports/{other.pk}/']")).to_have_count(0)
    shot(page, "1-queue")
    queue.locator(f"a[href='/reports/{report.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))

    page.locator(f"form[action='/reports/{report.pk}/review/'] button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert eventually(lambda: Report.objects.get(pk=report.pk).status == "under_review")
    close = f"form[action='/reports/{report.pk}/close/']"
    assert_labelled(page, close)
    page.locator(f"{close} #id_outcome").select_option("prevented_departure")
    page.locator(f"{close} #id_outcome_note").fill(NOTE)
    shot(page, "2-close")
    page.locator(f"{close} button[type=submit]").click()
    confirm(page)
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert eventually(lambda: Report.objects.get(pk=report.pk).status == "closed")
    closed = Report.objects.get(pk=report.pk)
    assert (closed.outcome, closed.outcome_note) == ("prevented_departure", NOTE)
    expect(page.locator("main")).to_contain_text(NOTE)
    shot(page, "3-closed")

    go(page, "/reports/review/")
    expect(page.locator(f"main a[href='/reports/{report.pk}/']")).to_have_count(0)

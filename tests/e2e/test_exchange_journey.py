"""Sharing and referring a report between agencies, in chromium at phone and desktop width,
three users in three browser contexts:

1. Kanim Tangerang's officer opens a submitted report; the share form offers only BP3MI (the
   partner under an agreement with a data-exchange scope, not an agency without agreement nor
   one whose agreement has no such scope); shares it, then refers it to BP3MI (urgent, victim
   protection) on the refer page.
2. BP3MI's officer sees the unread count in the navbar, follows the notification to the
   report: read-only, the NIK masked and no "Tampilkan"; the report is under "Dibagikan ke
   kami".
3. BP3MI's supervisor (TOTP) finds the urgent referral first in the incoming queue, accepts it
   with the keyboard assigning the officer, completes it with an outcome; the report page then
   offers "Tampilkan" for the NIK, and Kanim hears back.
4. Every visible form control on the share form, the refer page and the referral page has a
   label.

The UI strings of the exchange may still be untranslated: the test finds things by id, by
form action and by link, not by their text."""

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver
from referrals.models import Referral, Share
from tests.e2e.conftest import (
    VIEWPORTS,
    WAIT_MS,
    confirm,
    eventually,
    fresh_totp,
    screenshot_dir,
)
from tests.e2e.test_sign_in_journey import open_menu_on_phone, sign_in
from tests.factories import AgencyFactory
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MASKED_NIK = "3671********0002"
MESSAGE = "Mohon pendampingan korban di rumah aman BP3MI."
OUTCOME_NOTE = "Korban didampingi dan dipulangkan ke keluarganya."

# Every visible input, select and textarea under `root` that has no accessible label: no
# <label> with text, no aria-label, no aria-labelledby. Checkboxes and radios of one field
# must also sit in a group with a name (a <fieldset> with a <legend>, or role=group with
# aria-labelledby/aria-label).
UNLABELLED = """root => {
  const named = el => (el.labels && [...el.labels].some(l => l.textContent.trim()))
    || (el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby');
  const grouped = el => {
    const fieldset = el.closest('fieldset');
    if (fieldset && fieldset.querySelector('legend') && fieldset.querySelector('legend').textContent.trim()) return true;
    const group = el.closest('[role=group],[role=radiogroup]');
    return !!(group && (group.getAttribute('aria-labelledby') || group.getAttribute('aria-label')));
  };
  return [...root.querySelectorAll('input, select, textarea')]
    .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
    .filter(el => el.getClientRects().length > 0)
    .filter(el => !named(el) || (['checkbox', 'radio'].includes(el.type)
      && root.querySelectorAll(`[name="${el.name}"]`).length > 1 && !grouped(el)))
    .map(el => el.outerHTML.slice(0, 160));
}"""


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def scenario(make_user, system_admin, kanim, bp3mi):
    """Committed (transactional test) so that the live server, on its own connection, sees it:
    Kanim and BP3MI under an agreement with a data-exchange scope; Dinsos under none; Polda
    under an agreement without data exchange; a submitted TPPO report of Kanim with a woman's
    NIK."""
    f.regions()
    dinsos = AgencyFactory(
        name="Dinas Sosial Provinsi Banten", short_name="Dinsos Banten", kind="local_government"
    )
    polda = AgencyFactory(name="Kepolisian Daerah Banten", short_name="Polda Banten", kind="police")
    agreement(system_admin, kanim, bp3mi, scopes=[scope("pertukaran-data", data_exchange=True)])
    agreement(system_admin, kanim, polda)  # cooperation only: no data exchange
    officer = make_user(User.Role.OFFICER, kanim, username="pelapor", full_name="Dewi Lestari")
    partner = make_user(
        User.Role.OFFICER, bp3mi, username="bp3miofficer", full_name="Agus Prasetyo"
    )
    supervisor = make_user(User.Role.SUPERVISOR, bp3mi, username="bp3mispv", full_name="Maria Ulfa")
    report = f.submitted(
        officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female", full_name="Siti Aminah")]
    )
    return {
        "report": report,
        "person": report.persons.get(),
        "officer": officer,
        "partner": partner,
        "supervisor": supervisor,
        "bp3mi": bp3mi,
        "others": [dinsos, polda],
    }


def shot(page, step: str) -> None:
    page.screenshot(
        path=screenshot_dir() / f"exchange-{page.width_name}-{step}.png", full_page=True
    )


@contextmanager
def other_user(browser, width: str):
    """Another person at another device of the same width: a context of its own, made like
    the `page` fixture's (and, like it, failing on console errors and 4xx/5xx answers)."""
    context = browser.new_context(locale="en-US", **VIEWPORTS[width])
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.width_name = width
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 400 else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert errors == [], f"browser console errors: {errors}"


def deliver_outbox() -> int:
    """Deliver the pending outbox events as the Celery worker would. Browser tests run no
    worker (CELERY_TASK_ALWAYS_EAGER is off in the test settings): the deliver_event tasks
    queued after each commit are never consumed, and the periodic sweep never runs. The
    delivery itself, deliver(), is what deliver_event calls."""
    pending = OutboxEvent.objects.filter(processed_at__isnull=True).order_by("pk")
    return sum(deliver(event_id=pk) for pk in pending.values_list("pk", flat=True))


def assert_labelled(page, selector: str) -> None:
    form = page.locator(selector)
    expect(form).to_be_visible()
    assert form.evaluate(UNLABELLED) == [], f"form controls without a label in {selector}"


def open_menu(page) -> None:
    """On a phone, open the collapsed navigation unless it is open already."""
    if "show" not in (page.locator("#main-nav").get_attribute("class") or "").split():
        open_menu_on_phone(page)


def go(page, href: str) -> None:
    """Follow a link of the main navigation (opening the menu first on a phone)."""
    open_menu(page)
    page.locator(f"#main-nav a[href='{href}']").click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def expect_unread(page, count: int) -> None:
    """The bell in the navbar shows `count` unread notifications (in the menu on a phone)."""
    open_menu(page)
    badge = page.locator("#notifications-link [data-testid=unread-badge]")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text(str(count))


def sign_in_with_totp(page, base_url: str, user: User) -> None:
    sign_in(page, base_url, user.username)
    code = page.locator("main input[name=code]")
    expect(code).to_be_visible()
    code.fill(fresh_totp(user.totp_secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/2fa/"))
    expect(page.locator("#user-menu")).to_be_attached()


def share_and_refer(page, base_url: str, s: dict) -> Referral:
    """1. Kanim's officer shares the report with BP3MI, then refers it there."""
    report, bp3mi = s["report"], s["bp3mi"]
    report_url = f"/reports/{report.pk}/"
    sign_in(page, base_url, "pelapor")
    expect(page.locator("#user-menu")).to_be_attached()
    go(page, "/reports/")
    page.locator(f"main a[href='{report_url}']").click()
    expect(page).to_have_url(re.compile(re.escape(report_url) + "$"))
    expect(page.locator("main h1")).to_have_text(report.number)

    # The share form offers BP3MI alone: neither the agency without agreement nor the one
    # whose agreement has no data-exchange scope.
    share_form = page.locator(f"form[action='/reports/{report.pk}/share/']")
    choices = share_form.locator("input[name=agencies]")
    expect(choices).to_have_count(1)
    expect(choices).to_have_attribute("value", str(bp3mi.pk))
    for other in s["others"]:
        expect(share_form).not_to_contain_text(other.name)
        expect(share_form.locator(f"input[value='{other.pk}']")).to_have_count(0)
    expect(share_form).to_contain_text(bp3mi.name)
    assert_labelled(page, f"form[action='/reports/{report.pk}/share/']")
    shot(page, "01-share-form")

    choices.check()
    share_form.locator("textarea[name=note]").fill("Untuk pendampingan korban.")
    share_form.locator("button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    sharing = page.locator("section[aria-labelledby=sharing-title]")
    expect(sharing).to_contain_text(bp3mi.short_name)
    # Nobody else may receive it: the form is gone.
    expect(share_form).to_have_count(0)
    assert eventually(
        lambda: Share.objects.filter(report=report, agency=bp3mi, status="active").exists()
    )

    # "Rujuk": the refer page offers the partner the report is shared with.
    refer_url = f"/reports/{report.pk}/refer/"
    page.locator(f"main a[href='{refer_url}']").click()
    expect(page).to_have_url(re.compile(re.escape(refer_url) + "$"))
    form = page.locator("main form:has(#id_to_agency)")
    expect(form.locator("#id_to_agency option")).to_have_count(2)  # the empty choice and BP3MI
    expect(form.locator(f"#id_to_agency option[value='{bp3mi.pk}']")).to_have_count(1)
    assert_labelled(page, "main form:has(#id_to_agency)")
    form.locator("#id_to_agency").select_option(str(bp3mi.pk))
    form.locator("#id_requested_action").select_option("victim_protection")
    form.locator("#id_urgency").select_option("urgent")
    form.locator("#id_message").fill(MESSAGE)
    shot(page, "02-refer-form")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/referral/\d+/$"))
    assert eventually(lambda: Referral.objects.filter(report=report).exists())
    referral = Referral.objects.get(report=report)
    # The due date in the confirmation is written as a date, not as 2026-11-24.
    sent = page.locator(".messages .alert-success")
    expect(sent).to_contain_text(bp3mi.short_name)
    expect(sent).not_to_contain_text(referral.due_on.isoformat())
    # The sender's way back is its outgoing queue.
    expect(page.locator("main .breadcrumb a")).to_have_attribute(
        "href", "/reports/referrals/outgoing/"
    )
    assert (referral.to_agency, referral.requested_action, referral.urgency) == (
        bp3mi,
        "victim_protection",
        "urgent",
    )
    assert referral.status == "sent"
    assert referral.message == MESSAGE
    expect(page.locator(f"main a[href='{report_url}']")).to_have_text(report.number)
    shot(page, "03-referral-sent")
    return referral


def partner_reads_the_report(page, base_url: str, s: dict) -> None:
    """2. BP3MI's officer: the unread count, the notification, the masked, read-only report."""
    report, person = s["report"], s["person"]
    sign_in(page, base_url, "bp3miofficer")
    expect(page.locator("#user-menu")).to_be_attached()
    expect_unread(page, 2)  # the share and the referral
    shot(page, "04-badge")
    page.locator("#notifications-link").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    shared = Notification.objects.get(recipient=s["partner"], kind="report_shared")
    assert shared.url == f"/reports/{report.pk}/"
    item = page.locator("main .list-group-item").filter(
        has=page.locator(f"form[action='/notifications/{shared.pk}/read/']")
    )
    expect(item).to_contain_text(report.number)
    expect(item).to_contain_text(report.agency.short_name)
    shot(page, "05-notifications")
    item.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("main h1")).to_have_text(report.number)
    assert eventually(lambda: Notification.objects.get(pk=shared.pk).read_at is not None)
    # The way back leads to the reports shared with us, not to our own.
    expect(page.locator("main .breadcrumb a")).to_have_attribute("href", "/reports/shared/")
    # Read-only: no edit, share or refer; the partner's note says so.
    expect(page.locator("main [role=note]")).to_be_visible()
    expect(page.locator(f"main a[href='/reports/{report.pk}/edit/']")).to_have_count(0)
    expect(page.locator(f"form[action='/reports/{report.pk}/share/']")).to_have_count(0)
    expect(page.locator(f"a[href='/reports/{report.pk}/refer/']")).to_have_count(0)
    # The NIK masked, without the button that shows it.
    nik = page.locator(f"#pii-{person.pk}-nik")
    expect(nik).to_contain_text(MASKED_NIK)
    expect(nik.locator("button")).to_have_count(0)
    expect(page.locator("form[action*='/reveal/']")).to_have_count(0)
    assert f.NIK_FEMALE not in page.content()
    shot(page, "06-partner-report")
    expect_unread(page, 1)

    go(page, "/reports/shared/")
    expect(page.locator(f"main a[href='/reports/{report.pk}/']")).to_have_text(report.number)
    shot(page, "07-shared-list")


def supervisor_handles_the_referral(page, base_url: str, s: dict, referral: Referral) -> None:
    """3. BP3MI's supervisor accepts (with the keyboard) and completes the referral."""
    report, person, partner = s["report"], s["person"], s["partner"]
    referral_url = f"/reports/referral/{referral.pk}/"
    sign_in_with_totp(page, base_url, s["supervisor"])
    expect_unread(page, 2)
    go(page, "/reports/referrals/incoming/")
    row = page.locator("main tbody tr").filter(has=page.locator(f"a[href='{referral_url}']"))
    expect(row).to_have_count(1)
    expect(row.locator("a")).to_have_text(report.number)
    expect(row.locator(".badge.text-bg-danger")).to_be_visible()  # urgent
    expect(row).to_contain_text(s["report"].agency.short_name)
    shot(page, "08-queue")
    row.locator(f"a[href='{referral_url}']").click()
    expect(page).to_have_url(re.compile(re.escape(referral_url) + "$"))
    expect(page.locator("main .breadcrumb a")).to_have_attribute(
        "href", "/reports/referrals/incoming/"
    )

    accept = page.locator(f"form[action='{referral_url}accept/']")
    decline = f"form[action='{referral_url}decline/']"
    comment = f"form[action='{referral_url}comment/']"
    for selector in (f"form[action='{referral_url}accept/']", decline, comment):
        assert_labelled(page, selector)
    expect(page.locator("main")).to_contain_text(MESSAGE)
    accept.locator("#id_assigned_to").select_option(str(partner.pk))
    shot(page, "09-referral")

    # From the assignee list, Tab reaches the accept button and Enter sends the form.
    accept.locator("#id_assigned_to").focus()
    page.keyboard.press("Tab")
    button = accept.locator("button[type=submit]")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(accept).to_have_count(0)
    assert eventually(lambda: Referral.objects.get(pk=referral.pk).status == "accepted")
    referral.refresh_from_db()
    assert referral.assigned_to == partner
    expect(page.locator("main")).to_contain_text(partner.full_name)

    complete = page.locator(f"form[action='{referral_url}complete/']")
    assert_labelled(page, f"form[action='{referral_url}complete/']")
    assert_labelled(page, f"form[action='{referral_url}assign/']")
    complete.locator("#id_outcome").select_option("victim_assisted")
    complete.locator("#id_outcome_note").fill(OUTCOME_NOTE)
    complete.locator("button[type=submit]").click()
    confirm(page)
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(complete).to_have_count(0)
    expect(page.locator("main")).to_contain_text(OUTCOME_NOTE)
    assert eventually(lambda: Referral.objects.get(pk=referral.pk).status == "completed")
    referral.refresh_from_db()
    assert referral.outcome == "victim_assisted"
    shot(page, "10-completed")

    # The partner that accepted may now see the identifiers: "Tampilkan" is there.
    page.locator(f"main a[href='/reports/{report.pk}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    nik = page.locator(f"#pii-{person.pk}-nik")
    expect(nik).to_contain_text(MASKED_NIK)
    show = nik.locator("button[type=submit]")
    expect(show).to_be_visible()
    expect(show).to_have_text(re.compile("Tampilkan"))
    shot(page, "11-may-reveal")
    show.click()
    expect(nik).to_have_text(f.NIK_FEMALE)
    assert eventually(
        lambda: AuditEntry.objects.filter(
            action=AuditEntry.Action.PII_REVEALED, actor=s["supervisor"]
        ).exists()
    )


def test_partner_receives_accepts_and_completes_a_referral(page, browser, live_server, scenario):
    s = scenario
    base_url = live_server.url
    referral = share_and_refer(page, base_url, s)

    assert eventually(lambda: OutboxEvent.objects.count() == 2)  # shared, referral sent
    # Two events for BP3MI's officer and supervisor; Kanim's officer is not told.
    assert deliver_outbox() == 4
    with other_user(browser, page.width_name) as partner_page:
        partner_reads_the_report(partner_page, base_url, s)
    with other_user(browser, page.width_name) as supervisor_page:
        supervisor_handles_the_referral(supervisor_page, base_url, s, referral)

    # Kanim hears back: accepted and completed (the officer who sent it, in the first
    # browser).
    assert deliver_outbox() == 2
    page.reload()
    expect_unread(page, 2)
    assert set(
        Notification.objects.filter(recipient=s["officer"]).values_list("kind", flat=True)
    ) == {"referral_accepted", "referral_completed"}

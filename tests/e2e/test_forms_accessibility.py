"""The main forms with the keyboard alone and a screen reader's eyes, in chromium at phone and
desktop width: the report form (with its persons), the referral form, the prevention form, the
Desa Binaan form, the activity form, the agreement form and its party and scope forms.

For each: every visible control has a label (or is in a named group); pressing Tab from the top
of the page reaches every control of the form, in turn, without getting stuck; and each control
shows that it has the focus (the focus ring). The share, refer and referral-step forms are
checked in test_exchange_journey.py and test_scope_share_journey.py."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from tests.e2e.conftest import screenshot_dir
from tests.e2e.test_exchange_journey import UNLABELLED as UNLABELLED_CONTROLS
from tests.e2e.test_exchange_journey import sign_in_with_totp
from tests.e2e.test_sign_in_journey import sign_in
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope, village

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As the exchange journey checks, but a <select> turned into a searchable list (tom-select)
# hands its label to the list's own input, which is what users reach; the original is hidden.
UNLABELLED = UNLABELLED_CONTROLS.replace(
    ".filter(el => el.getClientRects().length > 0)",
    ".filter(el => el.getClientRects().length > 0)"
    ".filter(el => !el.classList.contains('ts-hidden-accessible'))",
)
assert UNLABELLED != UNLABELLED_CONTROLS

# Mark the controls of `form` that Tab must reach; radios of one name count once (arrows
# move within a group). Returns the keys to reach.
MARK_TABBABLE = """form => {
  const seen = new Set();
  const els = [...form.querySelectorAll('input, select, textarea, button, a[href], [tabindex]')]
    .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden');
  els.forEach((el, i) => {
    el.dataset.kbd = el.type === 'radio' ? 'radio:' + el.name : String(i);
    seen.add(el.dataset.kbd);
  });
  return [...seen];
}"""

# Where the focus is, and whether it shows: the element's own focus ring, or (for a searchable
# select) its control's.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || !el.dataset || el.dataset.kbd === undefined) return null;
  const shown = node => {
    if (!node) return false;
    const s = getComputedStyle(node);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  };
  const ring = shown(el) || shown(el.closest('.ts-control'))
    || shown(el.closest('.ts-wrapper') && el.closest('.ts-wrapper').querySelector('.ts-control'));
  return {key: el.dataset.kbd, ring: ring, html: el.outerHTML.slice(0, 120)};
}"""


@pytest.fixture
def scenario(make_user, system_admin, kanim, bp3mi):
    f.regions()
    pact = agreement(
        system_admin, kanim, bp3mi, scopes=[scope("pertukaran-data", data_exchange=True)]
    )
    desa = village("36.03.01.2003", kanim)
    officer = make_user(User.Role.OFFICER, kanim, username="pelapor", full_name="Dewi Lestari")
    admin = make_user(User.Role.SYSTEM_ADMIN, kanim, username="adm", full_name="Admin Sistem")
    report = f.submitted(officer)
    return {"agreement": pact, "desa": desa, "officer": officer, "admin": admin, "report": report}


def check_form(page, url: str, form: str, name: str) -> None:
    # As a user who asked for less motion: Bootstrap then shows the focus ring at once rather
    # than fading it in, so that it can be read right after each key press.
    page.emulate_media(reduced_motion="reduce")
    page.goto(url)
    target = page.locator(form).first
    expect(target).to_be_visible()
    page.wait_for_load_state("networkidle")
    unlabelled = target.evaluate(UNLABELLED)
    assert unlabelled == [], f"{name}: controls without a label: {unlabelled}"
    keys = target.evaluate(MARK_TABBABLE)
    assert keys, name
    reached: list[str] = []
    ring: dict[str, bool] = {}
    html: dict[str, str] = {}
    # From the top of the page: the skip link, the navigation, then the form.
    page.locator("body").focus()
    for _ in range(len(keys) * 2 + 80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            if reached and set(keys) <= set(reached):
                break
            continue
        # Tab moves through the parts of a date or time inside one input: a few repeats are
        # normal; many are a trap.
        if reached[-8:] == [focused["key"]] * 8:
            pytest.fail(f"{name}: the focus is stuck on {focused['html']}")
        reached.append(focused["key"])
        # A date input is visited once per part (day, month, ...) and once more on its calendar
        # button, which shows no ring on the input: one ringed visit per control is enough.
        ring[focused["key"]] = ring.get(focused["key"], False) or focused["ring"]
        html[focused["key"]] = focused["html"]
    missing = [k for k in keys if k not in reached]
    assert not missing, f"{name}: Tab never reaches {len(missing)} of {len(keys)} controls"
    # Each control is reached once, in the page's order: no control skipped back to.
    firsts = list(dict.fromkeys(reached))
    assert firsts == [k for k in keys if k in firsts], f"{name}: Tab order jumps around"
    no_ring = [html[k] for k, shown in ring.items() if not shown]
    assert not no_ring, f"{name}: focus not visible on {no_ring[:3]}"
    page.screenshot(path=screenshot_dir() / f"a11y-{page.width_name}-{name}.png", full_page=True)


def test_the_main_forms_work_with_the_keyboard_and_are_labelled(
    page, browser, live_server, scenario
):
    base = live_server.url
    report, pact, desa = scenario["report"], scenario["agreement"], scenario["desa"]
    sign_in(page, base, "pelapor")
    expect(page.locator("#user-menu")).to_be_attached()
    check_form(page, f"{base}/reports/new/", "#report-form", "report")
    check_form(page, f"{base}/reports/{report.pk}/refer/", "main form:has(#id_to_agency)", "refer")
    check_form(
        page, f"{base}/reports/{report.pk}/prevention/new/", "main form[method=post]", "prevention"
    )
    check_form(page, f"{base}/villages/new/", "main form[method=post]", "village")
    check_form(page, f"{base}/villages/{desa.pk}/edit/", "main form[method=post]", "village-edit")
    check_form(page, f"{base}/villages/activities/new/", "main form[method=post]", "activity")

    page.context.clear_cookies()
    sign_in_with_totp(page, base, scenario["admin"])
    check_form(page, f"{base}/agreements/new/", "main form[method=post]", "agreement")
    check_form(page, f"{base}/agreements/{pact.pk}/parties/new/", "main form[method=post]", "party")
    check_form(page, f"{base}/agreements/{pact.pk}/scopes/new/", "main form[method=post]", "scope")

"""An immigration officer in chromium, phone and desktop width, files an indication report:
the place from the region picker, indicators that update the suggested category while they
are ticked (no reload), two persons (the second added with "Tambah orang"), submitted; the
report page shows its number and the NIK masked, takes a photo as evidence and shows the NIK
in full on request (audited). A NIK that cannot exist is refused beside its field, in
Indonesian, with everything typed still in the form."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.core.categories import ReportCategory
from referrals.models import Evidence, Report
from tests.e2e.conftest import eventually, screenshot_dir
from tests.e2e.test_region_picker import choose
from tests.e2e.test_sign_in_journey import open_menu_on_phone, sign_in
from tests.referrals import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDICATORS = ["nonproc_visit_visa", "nonproc_not_registered"]
VICTIM = "Siti Aminah"
RECRUITER = "Budi Santoso"
PLACE_DETAIL = "Rumah penampungan di RT 02/RW 05"
NARRATIVE = (
    "Calon PMI hendak berangkat ke Malaysia dengan visa kunjungan untuk bekerja; "
    "tidak terdaftar di SISKOP2MI."
)
# Day 99 (59 for a woman): no such birth day.
IMPOSSIBLE_NIK = "3671019901900001"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder (the live server runs in this process)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def places(db):
    # Committed (transactional test): the live server reads through its own connection.
    f.regions()  # 36 → 36.71 → 36.71.01 → 36.71.01.1001 Sukarasa, and 36.72.01.1002


@pytest.fixture
def petugas(make_user, kanim, places):
    return make_user(User.Role.OFFICER, kanim, username="pelapor", full_name="Dewi Lestari")


def indonesian(message, **params) -> str:
    """`message` as the Indonesian page shows it (whatever locale/id currently says)."""
    with translation.override("id"):
        text = translation.gettext(message) if isinstance(message, str) else str(message)
    return text % params if params else text


def shot(page, step: str) -> None:
    page.screenshot(path=screenshot_dir() / f"reports-{page.width_name}-{step}.png", full_page=True)


def open_new_report_form(page, base_url: str) -> None:
    """From the home page through the menu ("Laporan") to the list and its "new" button."""
    sign_in(page, base_url, "pelapor")
    expect(page.locator("main h1")).to_be_visible()
    open_menu_on_phone(page)
    page.locator("#main-nav a[href='/reports/']").click()
    expect(page).to_have_url(re.compile(r"/reports/$"))
    page.locator("main a[href='/reports/new/']").click()
    expect(page).to_have_url(re.compile(r"/reports/new/$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#report-form")).to_be_visible()
    # The script of the form is loaded once, with the CSP nonce.
    expect(page.locator("script[src$='referrals/js/report-form.js'][nonce]")).to_have_count(1)


def fill_indication(page, occurred: str) -> None:
    page.locator("#id_occurred_at").fill(occurred)
    page.locator("#id_source").select_option("passport_interview")
    # Banten is chosen from the start; then city, district, village.
    expect(page.locator("#id_region__province")).to_have_value("36")
    choose(page, "id_region__regency", "kota", "KOTA TANGERANG")
    expect(page.locator("#id_region__district option[value='36.71.01']")).to_have_count(1)
    choose(page, "id_region__district", "tang", "TANGERANG")
    expect(page.locator(f"#id_region option[value='{f.PLACE}']")).to_have_count(1)
    choose(page, "id_region", "suka", "Sukarasa")
    expect(page.locator("#id_region")).to_have_value(f.PLACE)
    page.locator("#id_place_detail").fill(PLACE_DETAIL)
    page.locator("#id_narrative").fill(NARRATIVE)


def tick_indicators(page) -> None:
    """Tick the non-procedural markers; the suggestion box follows without a reload."""
    suggestion = page.locator("#suggestion")
    label = indonesian(ReportCategory.PMI_NONPROCEDURAL.label)
    expect(suggestion).not_to_contain_text(label)
    page.evaluate("window.__sameDocument = true")
    page.locator(f"#ind-{INDICATORS[0]}").check()
    with page.expect_response(
        lambda r: r.url.endswith("/reports/suggest/") and r.request.method == "POST"
    ) as answer:
        page.locator(f"#ind-{INDICATORS[1]}").check()
    assert answer.value.status == 200
    expect(suggestion.locator(".badge")).to_have_text([label])
    expect(suggestion).to_have_class(re.compile(r"\balert-info\b"))
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def fill_persons(page, nik: str) -> None:
    """The first person block, then a second one added with the add-person button."""
    page.locator("#id_persons-0-role").select_option("potential_victim")
    page.locator("#id_persons-0-full_name").fill(VICTIM)
    page.locator("#id_persons-0-sex").select_option("female")
    page.locator("#id_persons-0-birth_date").fill("1990-01-12")
    page.locator("#id_persons-0-nik").fill(nik)

    blocks = page.locator("#person-forms [data-person-form]")
    expect(blocks).to_have_count(1)
    page.locator("#add-person").click()
    expect(blocks).to_have_count(2)
    expect(page.locator("input[name='persons-TOTAL_FORMS']")).to_have_value("2")
    expect(blocks.nth(1).locator("[data-person-number]")).to_have_text("2")
    # The new block is initialised like the first: its region picker and searchable lists.
    expect(blocks.nth(1).locator("[data-region-picker] .ts-wrapper")).to_have_count(4)
    expect(page.locator("#id_persons-1-perpetrator_roles + .ts-wrapper")).to_have_count(1)
    expect(blocks.nth(0).locator("[data-region-picker] .ts-wrapper")).to_have_count(4)
    page.locator("#id_persons-1-role").select_option("recruiter")
    page.locator("#id_persons-1-full_name").fill(RECRUITER)


def test_officer_files_a_report_with_two_persons_and_evidence(page, live_server, petugas, tmp_path):
    open_new_report_form(page, live_server.url)
    occurred = timezone.localtime() - dt.timedelta(days=2)
    fill_indication(page, occurred.strftime("%Y-%m-%dT%H:%M"))
    tick_indicators(page)
    page.locator(
        f"#report-form input[name=categories][value={ReportCategory.PMI_NONPROCEDURAL}]"
    ).check()
    fill_persons(page, f.NIK_FEMALE)
    shot(page, "1-form")

    page.locator("#report-form button[name=submit]").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    assert eventually(lambda: Report.objects.count() == 1)
    report = Report.objects.get()
    year = timezone.localtime(report.created_at).year
    assert re.fullmatch(rf"IND-36-{report.agency.code}-{year}-\d{{6}}", report.number)
    assert report.status == "submitted"
    assert report.created_by == petugas
    assert report.region_id == f.PLACE
    assert report.place_detail == PLACE_DETAIL
    assert sorted(report.indicators) == sorted(INDICATORS)
    assert report.categories == [ReportCategory.PMI_NONPROCEDURAL]
    assert timezone.localtime(report.occurred_at).replace(second=0, microsecond=0) == (
        occurred.replace(second=0, microsecond=0)
    )
    victim, recruiter = report.persons.order_by("pk")
    assert (victim.full_name, victim.role, victim.sex) == (VICTIM, "potential_victim", "female")
    assert victim.birth_date == dt.date(1990, 1, 12)
    assert victim.nik == f.NIK_FEMALE
    assert victim.nik_warnings == []  # it agrees with the sex and the date of birth
    assert (recruiter.full_name, recruiter.role, recruiter.nik) == (RECRUITER, "recruiter", "")

    expect(page.locator("main h1")).to_have_text(report.number)
    persons = page.locator("section[aria-labelledby=persons-title]")
    expect(persons).to_contain_text(VICTIM)
    expect(persons).to_contain_text(RECRUITER)
    nik = page.locator(f"#pii-{victim.pk}-nik")
    expect(nik).to_contain_text("3671********0002")
    assert f.NIK_FEMALE not in page.content()
    shot(page, "2-report")

    # A photo as evidence, through the upload form of the report page.
    photo = tmp_path / "foto-paspor.png"
    photo.write_bytes(f.png_bytes(7))
    upload = page.locator("form[action$='/evidence/']")
    upload.locator("#id_kind").select_option("photo")
    upload.locator("#id_description").fill("Foto paspor calon PMI")
    upload.locator("#id_file").set_input_files(photo)
    upload.locator("button[type=submit]").click()
    evidence = page.locator("section[aria-labelledby=evidence-title] ul")
    expect(evidence.get_by_role("link", name="Foto paspor calon PMI")).to_be_visible()
    assert eventually(lambda: Evidence.objects.filter(report=report).count() == 1)
    item = Evidence.objects.get(report=report)
    assert (item.kind, item.content_type, item.original_name) == (
        "photo",
        "image/png",
        "foto-paspor.png",
    )
    shot(page, "3-evidence")

    # "Tampilkan" swaps the full NIK in (htmx), and the reveal is audited.
    page.evaluate("window.__sameDocument = true")
    nik = page.locator(f"#pii-{victim.pk}-nik")
    expect(nik).to_contain_text("3671********0002")
    nik.get_by_role("button", name=indonesian("Show")).click()
    expect(nik).to_have_text(f.NIK_FEMALE)
    expect(nik.get_by_role("button")).to_have_count(0)
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert eventually(
        lambda: (
            AuditEntry.objects.filter(action=AuditEntry.Action.PII_REVEALED, actor=petugas).count()
            == 1
        )
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PII_REVEALED, actor=petugas)
    assert entry.data == {"field": "nik", "person": victim.pk}
    shot(page, "4-revealed")


def test_an_impossible_nik_is_refused_and_everything_typed_stays(page, live_server, petugas):
    open_new_report_form(page, live_server.url)
    occurred = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    fill_indication(page, occurred)
    for code in INDICATORS:
        page.locator(f"#ind-{code}").check()
    fill_persons(page, IMPOSSIBLE_NIK)

    page.locator("#report-form button[name=submit]").click()
    nik = page.locator("#id_persons-0-nik")
    expect(nik).to_have_class(re.compile(r"\bis-invalid\b"))
    # The message of portal/regions/nik.py for a birth day outside 01 to 31 and 41 to 71.
    error_en = (
        "The birth day %(day)s in the NIK is impossible: it must be 01 to 31 for a man and "
        "41 to 71 for a woman."
    )
    error = indonesian(error_en, day="99")
    assert error != error_en % {"day": "99"}, "the NIK error is not translated"
    expect(page.locator("#div_id_persons-0-nik .invalid-feedback")).to_have_text(error)
    expect(page).to_have_url(re.compile(r"/reports/new/$"))
    assert Report.objects.count() == 0
    shot(page, "5-error")

    # Everything typed is still there.
    expect(page.locator("#id_occurred_at")).to_have_value(occurred)
    expect(page.locator("#id_source")).to_have_value("passport_interview")
    expect(page.locator("#id_region")).to_have_value(f.PLACE)
    expect(page.locator("#id_region__district")).to_have_value("36.71.01")
    expect(page.locator("#id_place_detail")).to_have_value(PLACE_DETAIL)
    expect(page.locator("#id_narrative")).to_have_value(NARRATIVE)
    for code in INDICATORS:
        expect(page.locator(f"#ind-{code}")).to_be_checked()
    expect(page.locator("#id_persons-0-full_name")).to_have_value(VICTIM)
    expect(page.locator("#id_persons-0-sex")).to_have_value("female")
    expect(page.locator("#id_persons-0-birth_date")).to_have_value("1990-01-12")
    expect(nik).to_have_value(IMPOSSIBLE_NIK)
    expect(page.locator("#person-forms [data-person-form]")).to_have_count(2)
    expect(page.locator("#id_persons-1-role")).to_have_value("recruiter")
    expect(page.locator("#id_persons-1-full_name")).to_have_value(RECRUITER)
    # The suggestion was recomputed from the ticked boxes on the way back.
    expect(page.locator("#suggestion .badge")).to_have_text(
        [indonesian(ReportCategory.PMI_NONPROCEDURAL.label)]
    )

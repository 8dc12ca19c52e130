"""An immigration officer in chromium: opens a Desa Binaan, sees its figures as a chart,
reveals the village head's number (audited), and corrects a year's figures; a bad figure
is refused with a message in Indonesian."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.regions.models import Region
from tests.e2e.conftest import eventually, screenshot_dir
from tests.e2e.test_sign_in_journey import sign_in
from villages.models import DesaBinaan, VillageFigure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desa(kanim):
    parent = None
    for code, name, level in [
        ("36", "Banten", 1),
        ("36.03", "Kabupaten Tangerang", 2),
        ("36.03.01", "Balaraja", 3),
        ("36.03.01.2003", "Cangkudu", 4),
    ]:
        parent, _created = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent}
        )
    village = parent
    desa = DesaBinaan.objects.create(
        village=village,
        designating_office=kanim,
        designated_on=dt.date(2024, 8, 12),
        village_head_name="Ahmad Suhendi",
        village_head_phone="081234567890",
    )
    for year, n in [(2023, 9), (2024, 7), (2025, 4)]:
        VillageFigure.objects.create(
            desa=desa, year=year, procedural_abroad=200 + year - 2023, nonprocedural_departures=n
        )
    return desa


def test_officer_reads_and_updates_a_desa_binaan(page, live_server, make_user, kanim, desa):
    officer = make_user(User.Role.OFFICER, kanim, username="pimpasa")
    sign_in(page, live_server.url, "pimpasa")
    expect(page.locator("main h1")).to_be_visible()
    page.goto(f"{live_server.url}/villages/")
    page.get_by_role("link", name="Cangkudu").click()
    expect(page.get_by_role("heading", name="Cangkudu")).to_be_visible()
    expect(page.locator("#figures-chart")).to_be_visible()
    expect(page.get_by_text("0812****7890")).to_be_visible()
    assert "081234567890" not in page.content()

    page.get_by_role("button", name="Tampilkan").first.click()
    expect(page.get_by_text("081234567890")).to_be_visible()
    assert eventually(
        lambda: AuditEntry.objects.filter(action="pii_revealed", actor=officer).count() == 1
    )

    page.get_by_text("Isi atau koreksi data satu tahun").click()
    page.get_by_role("spinbutton", name="Tahun").fill("2025")
    page.get_by_label("Keberangkatan nonprosedural yang diketahui").fill("-3")
    page.locator("details form button[type=submit]").click()
    # The browser's own number check or the server refuses it; nothing is saved either way.
    assert VillageFigure.objects.get(desa=desa, year=2025).nonprocedural_departures == 4

    page.goto(f"{live_server.url}/villages/{desa.pk}/")
    page.get_by_text("Isi atau koreksi data satu tahun").click()
    page.get_by_role("spinbutton", name="Tahun").fill("2025")
    page.get_by_label("Warga yang bekerja di luar negeri secara prosedural").fill("230")
    page.get_by_label("Keberangkatan nonprosedural yang diketahui").fill("5")
    page.get_by_label("Purna PMI/kepulangan").fill("11")
    page.locator("details form button[type=submit]").click()
    expect(page.get_by_text("Data tahun 2025 disimpan.")).to_be_visible()
    figure = VillageFigure.objects.get(desa=desa, year=2025)
    assert (figure.procedural_abroad, figure.nonprocedural_departures, figure.returnees) == (
        230,
        5,
        11,
    )
    page.screenshot(
        path=screenshot_dir() / f"village-profile-{page.width_name}.png", full_page=True
    )

"""An officer in chromium exports the reports list: a small list downloads at once; a big one
becomes a job whose page moves its progress bar (static script, strict CSP) until the file is
ready, then downloads it."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.exports import services, tasks
from portal.exports.models import ExportJob
from tests.e2e.conftest import eventually, screenshot_dir
from tests.e2e.test_sign_in_journey import sign_in
from tests.exports.builders import many_reports
from tests.referrals import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_broker(monkeypatch):
    """The worker is played by the test itself."""
    monkeypatch.setattr(tasks.run_export, "delay", lambda job_id: None)


def test_officer_exports_a_big_list_through_a_job(
    page, live_server, make_user, kanim, no_broker, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    f.regions()
    officer = make_user(User.Role.OFFICER, kanim, username="eksportir")
    many_reports(officer, 3)
    sign_in(page, live_server.url, "eksportir")
    expect(page.locator("main h1")).to_be_visible()

    page.goto(f"{live_server.url}/reports/?source=passport_interview")
    form = page.locator('form[data-export="reports"]')
    expect(form).to_be_visible()
    page.screenshot(
        path=str(screenshot_dir() / f"export-buttons-{page.width_name}.png"), full_page=True
    )
    with page.expect_download() as small:
        form.locator('button[value="csv"]').click()
    assert small.value.suggested_filename.endswith(".csv")
    assert not ExportJob.objects.exists()

    many_reports(officer, 40)
    page.goto(f"{live_server.url}/reports/?source=passport_interview")
    form.locator('input[name="identifiers"]').check()
    form.locator('button[value="xlsx"]').click()
    expect(page.locator("#export-progress")).to_be_visible()
    expect(page.locator("#export-refresh")).to_be_visible()
    job = ExportJob.objects.get()
    assert job.options["identifiers"] is True
    assert job.params == {"source": ["passport_interview"]}
    page.screenshot(path=str(screenshot_dir() / f"export-job-{page.width_name}.png"))

    services.export_job_run(job_id=job.pk)  # the worker
    download = page.locator("#export-download")
    expect(download).to_be_visible()  # the page polled and reloaded itself
    with page.expect_download() as big:
        download.click()
    assert big.value.suggested_filename.endswith(".xlsx")
    assert eventually(lambda: ExportJob.objects.get().rows == 86)
    page.screenshot(path=str(screenshot_dir() / f"export-done-{page.width_name}.png"))

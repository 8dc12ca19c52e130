import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Two test workers, a live server and chromium share two cores (with whatever else the machine
# runs): every wait of the browser tests is on a condition, bounded generously. Only a page
# that never shows what is expected waits this long.
WAIT_MS = 120_000
expect.set_options(timeout=WAIT_MS)

# Playwright's sync API runs an event loop in the test thread; Django's ORM, used by the
# test to set data up, would refuse to run there without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}


def eventually(check: Callable[[], bool], timeout: float = WAIT_MS / 1000) -> bool:
    """Poll `check` until it holds: what the browser shows may be on screen a moment before
    the test's own database connection reads it."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def screenshot_dir() -> Path:
    root = Path(
        os.environ.get("TEST_ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / "test-artifacts")
    )
    path = root / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    """A fresh browser context per test and width, in Indonesian, that fails the test on any
    console error (a CSP violation shows up there)."""
    context = browser.new_context(locale="en-US", **VIEWPORTS[request.param])
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.width_name = request.param
    errors: list[str] = []
    page.console_errors = errors  # a test that provokes an error removes it, named, from here
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 400 else None
        ),
    )
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def confirm(page) -> None:
    """Say "yes" in the question an irreversible step asks first (static/portal/js/forms.js)."""
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#confirm-dialog-yes").click()
    expect(dialog).to_be_hidden()


def fresh_totp(secret: str, *, margin: float = 15.0) -> str:
    """The current TOTP code, taken early enough in its 30-second window that it is still
    valid when a loaded machine's browser submits it (allauth allows no clock drift)."""
    import pyotp

    totp = pyotp.TOTP(secret)
    remaining = totp.interval - time.time() % totp.interval
    if remaining < margin:
        time.sleep(remaining + 0.2)
    return totp.now()

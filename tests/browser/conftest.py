"""Playwright driving Debian's Chromium against pytest-django's live_server.

Without Chromium (or Playwright) these tests skip and say why, except where
REQUIRE_BROWSER_TESTS is set (CI sets it), where they fail instead.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "test-artifacts" / "browser"
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


def skip_or_fail(reason):
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        pytest.fail(f"Browser tests are required here: {reason}")
    pytest.skip(reason)


def unavailable_reason():
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-test.txt)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = unavailable_reason()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the
    # browser is open; the tests' own database work is still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Screenshots:
    def __init__(self, name):
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page, step):
        self.count += 1
        page.screenshot(
            path=self.folder / f"{self.count:02}-{step}.png", full_page=True
        )


@pytest.fixture
def screenshots(request):
    return Screenshots(request.node.name)


@pytest.fixture(scope="session")
def axe_script():
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed at {AXE} (npm ci)")
    return AXE

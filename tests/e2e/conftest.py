"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test here is marked `e2e` (`make test-fast` leaves them out). Each test that opens a page also
fails if the browser reports a Content Security Policy violation. Helpers live in tests/e2e/helpers.py.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread, so Django would refuse ORM calls
# from factories (SynchronousOnlyOperation). Django reads this per call, so setting it here is early enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# `playwright install` cannot download browsers here, and --browser-channel looks in the wrong places.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = "Chromium is missing: apt-get install -y chromium (or `make browser`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS}


@pytest.fixture
def csp_errors(page):
    """The Content Security Policy violations the browser reports while the test runs; must stay empty."""
    errors = []

    def record(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", record)
    yield errors
    assert errors == [], "Content Security Policy violations:\n" + "\n".join(errors)


@pytest.fixture(autouse=True)
def _no_csp_errors(request):
    """Watch for CSP violations in every test that opens a page."""
    if "page" in request.fixturenames:
        request.getfixturevalue("csp_errors")

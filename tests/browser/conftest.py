"""Browser tests: the portal served on loopback, driven by Debian's Chromium through Playwright.

One live server (SQLite, the real migrations, the demo council) and one browser for the whole
session; every test gets a fresh browser context, so no cookie leaks from one test into the
next. Without /usr/bin/chromium, the playwright package or axe-core the tests skip (fail with
PORTAL_REQUIRE_ALL=1). They need no PostgreSQL and do not use the top-level `database_url`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from portal.policy import today
from tests.browser.axe import AXE_PATH
from tests.browser.live import DemoPeople, LiveServer, read_demo_people, serve_portal
from tests.support import require_program, skip_unless

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A page of this portal loads in well under a second: a missing element should fail fast.
TIMEOUT_MS = 5_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest hook sees every collected item: mark only this folder's, so that
    # `-m "not browser"` leaves them out (the marker is declared in pyproject.toml).
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_tools() -> str:
    """Everything the browser tests need, checked before anything starts; the Chromium path."""
    chromium = require_program("chromium", CHROMIUM)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_unless(False, "the playwright package is not installed")
    skip_unless(AXE_PATH.is_file(), f"axe-core is not installed ({AXE_PATH}: npm ci in tests/node)")
    return chromium


@pytest.fixture(scope="session")
def live_server(
    browser_tools: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("browser-db") / "portal.sqlite3"
    with serve_portal(database, today()) as server:
        yield server


@pytest.fixture(scope="session")
def demo_people(live_server: LiveServer) -> DemoPeople:
    return read_demo_people(live_server.app)


@pytest.fixture(scope="session")
def playwright(browser_tools: str) -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright, browser_tools: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=browser_tools, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh browser context: no cookies, and the portal's strict CSP in force."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()

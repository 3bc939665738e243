"""The main pages work under the portal's strict CSP exactly as served (no bypass_csp): no
console errors, no CSP violations, and the self-hosted htmx loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.live import DemoPeople, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page

# An init script runs before the page's own scripts, through the DevTools protocol, so the
# CSP does not block it.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

PUBLIC_PAGES = ["/kkr/sjaelland/", "/kkr/sjaelland/medlemmer", "/log-ind", "/demo/log-ind"]
STAFF_PAGES = ["/overblik", "/kkr/sjaelland/admin/"]


@pytest.fixture
def watched(context: BrowserContext) -> tuple[Page, list[str]]:
    """A page whose console errors (CSP violations among them) and uncaught errors are kept."""
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return page, errors


def assert_loads_cleanly(page: Page, errors: list[str], path: str) -> None:
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status == 200, path
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-" not in policy
    assert page.evaluate("typeof window.htmx") == "object", f"htmx did not load on {path}"
    assert page.evaluate("window.__cspViolations") == [], path
    assert errors == [], "\n".join(errors)


def test_main_pages_load_under_the_strict_csp_without_errors_and_with_htmx(
    watched: tuple[Page, list[str]], demo_people: DemoPeople
):
    page, errors = watched
    for path in PUBLIC_PAGES:
        assert_loads_cleanly(page, errors, path)
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    for path in STAFF_PAGES:
        assert_loads_cleanly(page, errors, path)

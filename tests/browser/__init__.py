"""Browser tests with Playwright (see conftest.py).

`expect` is imported here, guarded, so that the test modules still collect on a machine without
the playwright package: there the `browser_tools` fixture skips every test (or fails it, with
PORTAL_REQUIRE_ALL=1) instead of the collection erroring out.
"""

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - only on a machine without playwright
    expect = None  # type: ignore[assignment]

__all__ = ["expect"]

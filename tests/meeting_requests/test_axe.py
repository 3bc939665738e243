"""axe-core on the request pages (rule 3.1) with a request in every status: the member's and
the chair's list, the staff's list, the planning and the closing page.

The demo council has no request, so tests/browser/test_axe_every_page.py cannot reach these
pages. Here Chromium asks an address that never leaves the test: every request of the page
(the HTML, its CSS, its scripts) is answered by the Flask test client of a test database, as
the signed-in person, so the pages are checked as served, CSP included."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.councils.models import CouncilOffice
from portal.meeting_requests.operations import (
    call_meeting,
    close_request,
    sign_request,
    start_request,
    withdraw_signature,
)
from portal.rules.calendar import COPENHAGEN, local_date
from portal.types import utcnow
from tests.browser.axe import AXE_PATH, axe_violations, describe
from tests.conftest import sign_in
from tests.factories import make_council, make_member, make_staff
from tests.support import require_program, skip_unless

pytestmark = pytest.mark.browser

ORIGIN = "http://portal.test"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser_page() -> Iterator[Any]:
    chromium = require_program("chromium", CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless(False, "the playwright package is not installed")
    skip_unless(AXE_PATH.is_file(), f"axe-core is not installed ({AXE_PATH})")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--disable-gpu", "--no-first-run"]
        )
        try:
            page = browser.new_page(locale="da-DK")
            page.set_default_timeout(5_000)
            yield page
        finally:
            browser.close()


def serve_with(page: Any, client: FlaskClient) -> None:
    """Every request of the page answered by `client` (its session cookie included). Playwright
    calls back in a greenlet of its own: the call runs in this test's context (its app
    context and database session)."""
    context = contextvars.copy_context()

    def answer(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        response = context.run(client.get, path)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        route.fulfill(status=response.status_code, headers=headers, body=response.get_data())

    page.unroute("**/*")
    page.route("**/*", answer)


@pytest.fixture
def scene(app):
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    staff = make_staff(council)
    seats = [make_member(council, office=CouncilOffice.CHAIR)] + [
        make_member(council) for _ in range(5)
    ]
    chair, starter, second, third, *_ = [seat.person for seat in seats]
    now = utcnow()
    reached = start_request(council, "Havneplanen", by=starter, now=now)
    sign_request(reached, by=second, now=now)
    called = start_request(council, "Sygehusplanen", by=second, now=now)
    day = local_date(now) + timedelta(days=30)
    starts_at = now.astimezone(COPENHAGEN).replace(
        year=day.year, month=day.month, day=day.day, hour=10, minute=0, second=0, microsecond=0
    )
    call_meeting(called, starts_at=starts_at, location="Sorø Rådhus", by=staff, now=now)
    closed = start_request(council, "Vejplanen", by=third, now=now)
    close_request(closed, reason="Behandles på det ordinære møde.", by=staff, now=now)
    opened = start_request(council, "Kollektiv trafik", by=starter, now=now)
    sign_request(opened, by=third, now=now)
    withdraw_signature(opened, by=third, now=now)
    return {"chair": chair, "staff": staff, "open": opened, "closed": closed}


def test_rule_3_1_request_pages_pass_axe(browser_page, app, scene):
    pages = {
        "chair": [
            "/anmodninger",
            f"/kkr/sjaelland/anmodninger/{scene['open'].id}/indkald",
        ],
        "staff": [
            "/kkr/sjaelland/admin/anmodninger",
            f"/kkr/sjaelland/anmodninger/{scene['open'].id}/indkald",
            f"/kkr/sjaelland/admin/anmodninger/{scene['open'].id}/luk",
            f"/kkr/sjaelland/admin/anmodninger/{scene['closed'].id}/luk",
        ],
    }
    found = []
    for role, paths in pages.items():
        client = app.test_client()
        sign_in(client, scene[role])
        serve_with(browser_page, client)
        for path in paths:
            response = browser_page.goto(ORIGIN + path)
            assert response is not None and response.status == 200, (role, path)
            violations = axe_violations(browser_page)
            if violations:
                found.append(f"{role} {path}:\n{describe(violations)}")
    assert not found, "axe found:\n" + "\n".join(found)

"""A member signs in through their municipality's OpenID provider in a real browser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from portal.councils.models import Person
from portal.extensions import db
from portal.policy import today
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import LiveServer, demo_settings, read_demo_people, serve_portal
from tests.oidc import login_for, portal_provider_settings

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture(scope="module")
def oidc_live_server(
    browser_tools: str,
    start_oidc_providers: Callable[..., list[Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """The demo portal with both test providers; they accept this server's redirect URIs."""

    def settings(origin: str) -> dict[str, Any]:
        providers = start_oidc_providers(origin)
        return {**demo_settings(origin), "OIDC_PROVIDERS": portal_provider_settings(providers)}

    database = tmp_path_factory.mktemp("oidc-browser-db") / "portal.sqlite3"
    with serve_portal(database, today(), settings) as server:
        yield server


def email_of(server: LiveServer, name: str) -> str:
    with server.app.app_context():
        email = db.session.scalar(select(Person.email).where(Person.name == name))
        db.session.remove()
    assert email
    return email


def test_member_signs_in_with_openid_and_lands_on_mit_overblik(
    page: Page, oidc_live_server: LiveServer
):
    chair = read_demo_people(oidc_live_server.app).chair
    provider = oidc_live_server.app.config["PORTAL_OIDC_PROVIDERS"][1]
    page.goto(oidc_live_server.url + "/log-ind")
    for configured in oidc_live_server.app.config["PORTAL_OIDC_PROVIDERS"]:
        expect(page.get_by_role("link", name=configured.label)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=provider.label).click()
    # The provider's own development log-in and consent pages.
    page.wait_for_url(provider.issuer + "/**")
    page.locator("input[name=login]").fill(
        login_for("browser-chair", email_of(oidc_live_server, chair))
    )
    page.locator("input[name=password]").fill("x")
    page.locator("[type=submit]").first.click()
    page.locator("[type=submit]").first.click()  # consent

    page.wait_for_url(oidc_live_server.url + "/overblik")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    expect(page.get_by_text(f"Velkommen, {chair}.")).to_be_visible()
    expect(page.get_by_role("heading", name="Kommende møder")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log ud").click()
    # The provider asks to confirm its own sign-out, then sends the browser back to the portal.
    page.wait_for_url(provider.issuer + "/**")
    page.locator("button[autofocus], button[type=submit]").first.click()
    page.wait_for_url(oidc_live_server.url + "/logget-ud")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logget ud")
    page.goto(oidc_live_server.url + "/overblik")
    expect(page).to_have_url(oidc_live_server.url + "/log-ind?next=/overblik")

"""Finding one's own municipality's sign-in among twenty providers (/log-ind).

The portal is configured with 20 providers: the two real test providers (nordby, serving
Roskilde, Køge and Lejre, and sydby) and 18 more named after Danish municipalities. Those 18
are never signed in with: their issuers are addresses on a loopback port where a socket is
bound but never listens, so a sign-in started with one is refused at once and the portal shows
its "… svarer ikke" page (502).

Here sydby vouches only for sydby.example, so the demo's people (@kkr-demo.example) belong to
nordby alone and an e-mail address of theirs names one provider.

Checked: the e-mail and municipality searches from the keyboard alone, the whole list behind
"Se alle N kommuner", the remembered last choice ("Fortsæt med …"), a 390 px wide phone screen
(no sideways scrolling, axe-core on every state) and the page without JavaScript.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from portal.auth import chooser
from portal.auth.settings import Provider
from portal.councils.models import Person
from portal.extensions import db
from portal.policy import today
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import LiveServer, demo_settings, read_demo_people, serve_portal
from tests.oidc import RunningProvider, login_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, Response

# Nordby is the broker for three municipalities: three entries on the list, one provider.
NORDBY_MUNICIPALITIES = ["Roskilde", "Køge", "Lejre"]
# The 18 providers that never answer.
SILENT_MUNICIPALITIES = [
    "Faxe",
    "Frederikssund",
    "Greve",
    "Guldborgsund",
    "Halsnæs",
    "Helsingør",
    "Hillerød",
    "Holbæk",
    "Kalundborg",
    "Lolland",
    "Næstved",
    "Odsherred",
    "Ringsted",
    "Slagelse",
    "Solrød",
    "Sorø",
    "Stevns",
    "Vordingborg",
]
# The municipalities whose names hold "borg": a search with several matches.
BORG = ["Guldborgsund Kommune", "Kalundborg Kommune", "Vordingborg Kommune"]
PHONE = {"width": 390, "height": 844}
FORTSAET = re.compile(r"^Fortsæt med ")
TIMEOUT_MS = 5_000  # as in conftest.py: a missing element fails fast


def slug(town: str) -> str:
    """A provider name (a-z, 0-9, - and _) for a municipality: "Holbæk" → "holbaek"."""
    return town.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    """A loopback port with a socket bound but never listening: every connection to it is
    refused at once, and no other process can take the port while the module runs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def chooser_server(
    browser_tools: str,
    start_oidc_providers: Callable[..., list[RunningProvider]],
    closed_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """The demo portal with 20 providers; nordby and sydby accept its redirect URIs."""

    def settings(origin: str) -> dict[str, Any]:
        nordby, sydby = start_oidc_providers(origin)
        silent = [
            {
                "name": slug(town),
                "label": f"{town} Kommune",
                "issuer": f"http://127.0.0.1:{closed_port}/{slug(town)}",
                "client_id": "kkr-portal",
                "client_secret": "never-used",
                "email_domains": [f"{slug(town)}.example"],
            }
            for town in SILENT_MUNICIPALITIES
        ]
        providers = [
            nordby.portal_settings(municipalities=NORDBY_MUNICIPALITIES),
            sydby.portal_settings(email_domains=["sydby.example"]),
            *silent,
        ]
        return {**demo_settings(origin), "OIDC_PROVIDERS": providers}

    database = tmp_path_factory.mktemp("chooser-browser-db") / "portal.sqlite3"
    with serve_portal(database, today(), settings) as server:
        assert len(server.app.config["PORTAL_OIDC_PROVIDERS"]) == 20
        yield server


@pytest.fixture
def context(browser: Browser, chooser_server: LiveServer) -> Iterator[BrowserContext]:
    """This module's own: a fresh context on the portal with 20 providers."""
    context = browser.new_context(base_url=chooser_server.url, locale="da-DK")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def provider(server: LiveServer, name: str) -> Provider:
    return next(p for p in server.app.config["PORTAL_OIDC_PROVIDERS"] if p.name == name)


def entry_labels(server: LiveServer) -> list[str]:
    return [entry.label for entry in chooser.entries(server.app.config["PORTAL_OIDC_PROVIDERS"])]


def email_of(server: LiveServer, name: str) -> str:
    with server.app.app_context():
        email = db.session.scalar(select(Person.email).where(Person.name == name))
        db.session.remove()
    assert email
    return email


def skip_to_main(page: Page) -> None:
    """The first Tab reaches the skip link; Enter puts the focus on main."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Gå til indhold")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until `target` has the focus (fails after `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab on {page.url}")


def email_field(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Din e-mail")


def municipality_field(page: Page) -> Locator:
    return page.get_by_role("combobox", name="Hvilken kommune?")


def all_municipalities(page: Page) -> Locator:
    return page.locator("details.sign-in-all")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def is_authorization_request(issuer: str) -> Callable[[Request], bool]:
    """The browser's first request to the provider: the portal's redirect to it."""
    return lambda request: request.url.startswith(issuer + "/") and request.is_navigation_request()


def is_sign_in_start(name: str) -> Callable[[Response], bool]:
    return lambda response: urlsplit(response.url).path == f"/log-ind/{name}"


def assert_fits(page: Page, width: int = PHONE["width"]) -> None:
    """No sideways scrolling, and nothing on the page reaches past its right edge."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    sticking_out = page.evaluate(
        """width => [...document.body.querySelectorAll('*')]
            .filter(element => element.getBoundingClientRect().right > width + 0.5)
            .map(element => element.outerHTML.slice(0, 120))""",
        width,
    )
    assert scroll_width <= width and not sticking_out, (
        f"{page.url} is {scroll_width} px wide on a {width} px screen: {sticking_out}"
    )


def assert_within_screen(locator: Locator, width: int = PHONE["width"]) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{locator} at {box}"


# --- from the keyboard alone -------------------------------------------------------------


def test_email_from_the_keyboard_leads_to_the_municipalitys_sign_in(
    page: Page, chooser_server: LiveServer
):
    chair = read_demo_people(chooser_server.app).chair
    address = email_of(chooser_server, chair)
    assert address.endswith("@kkr-demo.example")  # a domain only nordby vouches for here
    nordby = provider(chooser_server, "nordby")
    page.goto("/log-ind")
    skip_to_main(page)
    # Without a remembered choice the e-mail field is the first stop in main.
    page.keyboard.press("Tab")
    expect(email_field(page)).to_be_focused()
    page.keyboard.type(address)
    with page.expect_request(is_authorization_request(nordby.issuer)) as authorization:
        page.keyboard.press("Enter")
    page.wait_for_url(nordby.issuer + "/**")
    asked = query_of(authorization.value.url)
    assert asked["login_hint"] == [address]
    assert asked["client_id"] == [nordby.client_id]
    # The provider's development login fills the hint in, and focuses the password.
    expect(page.locator("input[name=login]")).to_have_value(address)

    page.locator("input[name=login]").fill(login_for("chooser-chair", address))
    page.locator("input[name=password]").fill("x")
    page.locator("input[name=password]").press("Enter")
    page.locator("button[type=submit]").first.press("Enter")  # consent
    page.wait_for_url(chooser_server.url + "/overblik")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    expect(page.get_by_text(f"Velkommen, {chair}.")).to_be_visible()


def test_municipality_with_one_match_goes_straight_to_its_sign_in(
    page: Page, chooser_server: LiveServer
):
    page.goto("/log-ind")
    skip_to_main(page)
    tab_to(page, municipality_field(page))
    page.keyboard.type("Holb")
    with page.expect_response(is_sign_in_start("holbaek")) as started:
        page.keyboard.press("Enter")
    # Holbæk's provider does not answer: the portal says so at once, naming it.
    assert started.value.status == 502
    assert query_of(started.value.url)["valg"] == ["Holbæk Kommune"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Holbæk Kommune svarer ikke")
    expect(page.get_by_role("link", name="Til log ind")).to_be_visible()


def test_municipality_with_several_matches_is_picked_from_the_filtered_list(
    page: Page, chooser_server: LiveServer
):
    page.goto("/log-ind")
    skip_to_main(page)
    tab_to(page, municipality_field(page))
    page.keyboard.type("borg")
    page.keyboard.press("Enter")
    page.wait_for_url("**/log-ind?kommune=borg")
    heading = "Kommuner, der passer på »borg«"
    expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    found = page.get_by_role("list", name=heading).get_by_role("link")
    expect(found).to_have_text(BORG)
    expect(municipality_field(page)).to_have_value("borg")
    # The whole list is not offered beside the matches.
    expect(all_municipalities(page)).to_have_count(0)

    tab_to(page, found.filter(has_text="Kalundborg Kommune"))
    with page.expect_response(is_sign_in_start("kalundborg")) as started:
        page.keyboard.press("Enter")
    assert started.value.status == 502
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalundborg Kommune svarer ikke")


def test_every_municipality_is_behind_se_alle_and_opens_from_the_keyboard(
    page: Page, chooser_server: LiveServer
):
    labels = entry_labels(chooser_server)
    assert len(labels) == 22  # nordby's three, sydby and the 18
    for town in [*NORDBY_MUNICIPALITIES, *SILENT_MUNICIPALITIES]:
        assert f"{town} Kommune" in labels
    assert "Nordby Kommune" not in labels  # a broker is listed by its municipalities only
    page.goto("/log-ind")
    details = all_municipalities(page)
    summary = details.locator("summary")
    expect(summary).to_have_text(f"Se alle {len(labels)} kommuner")
    # Closed, its links are hidden (and out of the Tab order).
    expect(details.locator("a")).to_have_count(len(labels))
    expect(details.locator("a").first).to_be_hidden()
    # The search suggests every entry too.
    options = page.locator("datalist#sign-in-municipalities option")
    assert options.evaluate_all("options => options.map(o => o.value)") == labels

    skip_to_main(page)
    tab_to(page, summary)
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(details.get_by_role("link")).to_have_text(labels)
    tab_to(page, details.get_by_role("link", name="Lejre Kommune", exact=True))
    nordby = provider(chooser_server, "nordby")
    with page.expect_request(is_authorization_request(nordby.issuer)):
        page.keyboard.press("Enter")
    page.wait_for_url(nordby.issuer + "/**")


# --- the last choice ---------------------------------------------------------------------


def test_the_last_choice_is_offered_first_next_time(page: Page, chooser_server: LiveServer):
    nordby = provider(chooser_server, "nordby")
    sydby = provider(chooser_server, "sydby")
    page.goto("/log-ind")
    expect(page.get_by_role("link", name=FORTSAET)).to_have_count(0)
    all_municipalities(page).locator("summary").click()
    all_municipalities(page).get_by_role("link", name="Lejre Kommune", exact=True).click()
    page.wait_for_url(nordby.issuer + "/**")

    # Back on the sign-in page (the person never finished): the municipality, not the
    # provider's own label, comes first, before the searches.
    page.goto("/log-ind")
    again = page.get_by_role("link", name=FORTSAET)
    expect(again).to_have_count(1)
    expect(again).to_have_text("Fortsæt med Lejre Kommune")
    skip_to_main(page)
    page.keyboard.press("Tab")
    expect(again).to_be_focused()
    assert query_of(again.get_attribute("href") or "")["valg"] == ["Lejre Kommune"]
    with page.expect_request(is_authorization_request(nordby.issuer)):
        page.keyboard.press("Enter")
    page.wait_for_url(nordby.issuer + "/**")

    # Another choice replaces it, here one made by e-mail.
    page.goto("/log-ind")
    email_field(page).fill("nogen@sydby.example")
    email_field(page).press("Enter")
    page.wait_for_url(sydby.issuer + "/**")
    page.goto("/log-ind")
    expect(page.get_by_role("link", name=FORTSAET)).to_have_text(["Fortsæt med Sydby Kommune"])


def test_a_provider_that_does_not_answer_is_not_remembered(page: Page, chooser_server: LiveServer):
    page.goto("/log-ind?kommune=Holb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Holbæk Kommune svarer ikke")
    page.goto("/log-ind")
    expect(page.get_by_role("link", name=FORTSAET)).to_have_count(0)


# --- on a phone --------------------------------------------------------------------------


def test_sign_in_page_fits_a_phone_and_passes_axe_in_every_state(
    page: Page, chooser_server: LiveServer
):
    page.set_viewport_size(PHONE)
    labels = entry_labels(chooser_server)
    page.goto("/log-ind")
    assert_fits(page)
    for part in (
        email_field(page),
        page.get_by_role("button", name="Fortsæt", exact=True),
        municipality_field(page),
        page.get_by_role("button", name="Find", exact=True),
    ):
        assert_within_screen(part)
    assert_accessible(page)

    # The whole list, opened.
    details = all_municipalities(page)
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    links = details.get_by_role("link")
    expect(links).to_have_text(labels)
    for index in range(len(labels)):
        assert_within_screen(links.nth(index))
    assert_fits(page)
    assert_accessible(page)

    # The filtered list, searched for on the phone.
    municipality_field(page).fill("borg")
    municipality_field(page).press("Enter")
    page.wait_for_url("**/log-ind?kommune=borg")
    expect(page.get_by_role("list", name="Kommuner, der passer på »borg«")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)

    # An e-mail address no municipality vouches for: the page again, with the error.
    email_field(page).fill("nogen@ukendt.example")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/log-ind/e-mail") as answer:
        email_field(page).press("Enter")
    assert answer.value.status == 422
    field = email_field(page)
    expect(field).to_have_value("nogen@ukendt.example")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    error = page.locator("#sign-in-email-error")
    expect(error).to_have_text(
        "Portalen kender ikke en kommune med den e-mailadresse. Vælg din kommune på listen."
    )
    assert "sign-in-email-error" in (field.get_attribute("aria-describedby") or "").split()
    assert_fits(page)
    assert_accessible(page)

    # After a choice was remembered: "Fortsæt med …" first.
    nordby = provider(chooser_server, "nordby")
    page.goto("/log-ind?kommune=K%C3%B8ge")
    page.wait_for_url(nordby.issuer + "/**")
    page.goto("/log-ind")
    again = page.get_by_role("link", name="Fortsæt med Køge Kommune")
    expect(again).to_be_visible()
    assert_within_screen(again)
    assert_fits(page)
    assert_accessible(page)


# --- without JavaScript ------------------------------------------------------------------


def test_the_searches_work_without_javascript(browser: Browser, chooser_server: LiveServer):
    context = browser.new_context(
        base_url=chooser_server.url, locale="da-DK", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/log-ind")
        assert page.evaluate("typeof window.htmx") == "undefined"  # no script of the page ran
        municipality_field(page).fill("borg")
        municipality_field(page).press("Enter")
        page.wait_for_url("**/log-ind?kommune=borg")
        found = page.get_by_role("list", name="Kommuner, der passer på »borg«")
        expect(found.get_by_role("link")).to_have_text(BORG)

        municipality_field(page).fill("holb")
        with page.expect_response(is_sign_in_start("holbaek")) as started:
            municipality_field(page).press("Enter")
        assert started.value.status == 502
        expect(page.get_by_role("heading", level=1)).to_have_text("Holbæk Kommune svarer ikke")

        sydby = provider(chooser_server, "sydby")
        page.goto("/log-ind")
        email_field(page).fill("nogen@sydby.example")
        with page.expect_request(is_authorization_request(sydby.issuer)) as authorization:
            email_field(page).press("Enter")
        page.wait_for_url(sydby.issuer + "/**")
        assert query_of(authorization.value.url)["login_hint"] == ["nogen@sydby.example"]

        # The whole list opens without a script too.
        page.goto("/log-ind")
        details = all_municipalities(page)
        details.locator("summary").focus()
        page.keyboard.press("Enter")
        expect(details.get_by_role("link", name="Vordingborg Kommune")).to_be_visible()
    finally:
        context.close()

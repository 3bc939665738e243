"""The secretariat's forms: errors are announced and tied to their fields (WCAG 3.3.1, 4.1.2),
also when htmx swaps the re-rendered form in."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_invalid_form_names_its_errors_and_passes_axe(page: Page, demo_people: DemoPeople):
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.goto("/kkr/sjaelland/admin/personer/ny")
    name = page.get_by_label("Navn", exact=True)
    expect(name).not_to_have_attribute("aria-invalid", "true")
    expect(name).not_to_have_attribute("aria-describedby", "None")
    assert_accessible(page)

    with page.expect_response("**/admin/personer/ny") as answer:
        page.get_by_role("button", name="Gem").click()
    assert answer.value.status == 422
    assert answer.value.request.headers.get("hx-request") == "true"  # swapped in by htmx
    expect(page.get_by_role("alert")).to_contain_text("Formularen er ikke gemt")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Skal udfyldes.")
    assert_accessible(page)


def test_every_admin_page_passes_axe(page: Page, demo_people: DemoPeople):
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    base = "/kkr/sjaelland/admin/"
    pages = [base, base + "historik", base + "kommuner", base + "grupper", base + "personer",
             base + "personer/ny", base + "medlemmer/ny"]  # fmt: skip
    for path in pages:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    # One of each record page, reached the way staff reach them: by following the links.
    for link_text, within in [("Ret", base), ("Ret", base + "kommuner"), ("Ret", base + "grupper")]:
        page.goto(within)
        page.get_by_role("link", name=link_text).first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto(base)
    page.get_by_role("link", name="Ret").first.click()
    membership_url = page.url
    page.get_by_role("link", name="Afslut medlemskabet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Afslut medlemskab")
    assert_accessible(page)
    page.goto(membership_url + "/stedfortraeder")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Udpeg personlig stedfortræder")
    assert_accessible(page)
    page.goto(base + "personer")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ret person")
    assert_accessible(page)


def test_people_search_filters_in_place(page: Page, demo_people: DemoPeople):
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.goto("/kkr/sjaelland/admin/personer")
    rows = page.locator("#people-results tbody tr")
    everyone = rows.count()
    surname = demo_people.chair.split()[-1]
    page.get_by_label("Søg efter navn eller e-mail").fill(surname)
    expect(rows.first).to_contain_text(surname)
    expect(page).to_have_url(re.compile(rf"/personer\?q={surname}$"))  # hx-push-url
    assert rows.count() < everyone
    assert_accessible(page)


def test_a_form_sent_by_htmx_leads_to_one_whole_page(page: Page, demo_people: DemoPeople):
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.goto("/kkr/sjaelland/admin/grupper")
    page.get_by_label("Bogstav").fill("Å")
    page.get_by_label("Navn", exact=True).fill("Alternativet")
    page.get_by_role("button", name="Tilføj").click()
    expect(page.get_by_text("Gruppen er oprettet.")).to_be_visible()
    expect(page.get_by_role("cell", name="Alternativet", exact=True)).to_be_visible()
    assert page.locator("header.site-header").count() == 1
    assert page.locator("h1").count() == 1
    assert_accessible(page)

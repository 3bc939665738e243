"""The secretariat's forms: errors are announced and tied to their fields (WCAG 3.3.1, 4.1.2),
also when htmx swaps the re-rendered form in."""

from __future__ import annotations

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

"""Keyboard use: the skip link comes first and takes focus past the header (WCAG 2.4.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser import expect
from tests.browser.live import DemoPeople

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page):
    page.goto("/kkr/sjaelland/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Gå til indhold")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # shown while focused, not only to screen readers
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on inside main, not back into the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_demo_sign_in_works_from_the_keyboard(page: Page, demo_people: DemoPeople):
    page.goto("/demo/log-ind")
    page.get_by_role("button", name=demo_people.chair, exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/overblik")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")

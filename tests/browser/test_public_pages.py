"""What anyone sees without signing in: the meeting plan, the members, and the error pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_meeting_plan_passes_axe_and_lists_the_meetings(page: Page):
    response = page.goto("/kkr/sjaelland/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("KKR Sjælland")
    nav = page.get_by_role("navigation", name="Rådets sider")
    expect(nav.get_by_role("link", name="Mødeplan")).to_have_attribute("aria-current", "page")
    # Five ordinary meetings ahead, and one behind unless the year has just begun; each
    # ordinary meeting shows its proposal deadline (rule 3.2).
    rows = page.get_by_role("table").locator("tbody tr")
    assert rows.count() >= 5
    # Other browser tests may cancel meetings they planned: look at the ones that stand.
    standing = rows.locator(":scope:not(.cancelled)")
    expect(standing.last.get_by_role("cell").nth(3).locator("time")).to_have_count(1)
    assert_accessible(page)


def test_member_list_passes_axe_and_shows_the_members_of_all_17_municipalities(
    page: Page, demo_people: DemoPeople
):
    page.goto("/kkr/sjaelland/medlemmer")
    expect(page.get_by_role("heading", name="Medlemmer")).to_contain_text(
        f"({demo_people.member_count})"
    )
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(demo_people.member_count)
    municipalities = rows.locator("td:nth-child(2)").all_inner_texts()
    assert len(demo_people.municipalities) == 17
    assert sorted(set(municipalities)) == demo_people.municipalities
    chair = rows.filter(has_text=demo_people.chair)
    expect(chair).to_contain_text("Formand")
    expect(chair).to_contain_text(demo_people.chair_substitute)
    assert_accessible(page)


def test_not_found_page_passes_axe(page: Page):
    response = page.goto("/kkr/findes-ikke/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
    expect(page.get_by_role("link", name="Til forsiden")).to_be_visible()
    assert_accessible(page)

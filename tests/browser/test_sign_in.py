"""Signing in with the demo, what each role sees on 'Mit overblik', and signing out."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from babel.dates import format_date

from portal.demo.data import demo_meeting_dates
from portal.rules.calendar import COPENHAGEN, agenda_deadline, proposal_deadline
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import Page


def demo_start(day: date) -> datetime:
    """When a demo meeting on `day` starts (portal.demo.data: 10:00 in Copenhagen)."""
    return datetime.combine(day, time(10, 0), tzinfo=COPENHAGEN)


def danish_date(moment: datetime) -> str:
    return format_date(moment.astimezone(COPENHAGEN).date(), "EEEE d. MMMM y", locale="da")


def test_sign_in_page_passes_axe_and_offers_the_demo(page: Page):
    page.goto("/log-ind")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    expect(page.get_by_role("link", name="Log ind som demoperson")).to_be_visible()
    assert_accessible(page)


def test_demo_sign_in_page_passes_axe(page: Page, demo_people: DemoPeople):
    page.goto("/demo/log-ind")
    for section in ("Sekretariatet", "Medlemmer", "Stedfortrædere"):
        expect(page.get_by_role("region", name=section, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=demo_people.chair, exact=True)).to_be_visible()
    assert_accessible(page)


def test_member_sees_meetings_with_their_deadlines_and_their_substitute(
    page: Page, demo_people: DemoPeople, live_server: LiveServer
):
    sign_in_as(page, "Medlemmer", demo_people.chair)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    expect(page.get_by_role("banner")).to_contain_text(demo_people.chair)

    days = demo_meeting_dates(live_server.today)
    rows = page.get_by_role("region", name="Kommende møder").locator("tbody tr")
    # Other browser tests may plan meetings of their own in the shared demo council.
    assert rows.count() >= len(days)
    # The next demo meeting with its proposal deadline (rule 3.2) and send-out (rule 3.3).
    starts_at = demo_start(days[0])
    deadline_text = f"{danish_date(proposal_deadline(starts_at))} kl. 23.59"
    cells = rows.filter(has_text=deadline_text).first.get_by_role("cell")
    expect(cells.nth(1).locator("time")).to_have_text(deadline_text)
    expect(cells.nth(2)).to_have_text(danish_date(agenda_deadline(starts_at)))

    expect(page.get_by_role("region", name="Stedfortrædere")).to_contain_text(
        f"Din personlige stedfortræder er {demo_people.chair_substitute}."
    )
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    assert_accessible(page)


def test_substitute_sees_for_whom_they_stand_in(page: Page, demo_people: DemoPeople):
    sign_in_as(page, "Stedfortrædere", demo_people.substitute)
    expect(page.get_by_role("region", name="Stedfortrædere")).to_contain_text(
        f"Du er personlig stedfortræder for {demo_people.substituted_member} i KKR Sjælland."
    )
    # A substitute sees the council's meetings too, to be ready to stand in.
    meetings = page.get_by_role("region", name="Kommende møder").locator("tbody tr")
    expect(meetings).not_to_have_count(0)
    assert_accessible(page)


def test_staff_sees_the_administration_link(page: Page, demo_people: DemoPeople):
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    administration = menu.get_by_role("link", name="Administration")
    expect(administration).to_have_attribute("href", "/kkr/sjaelland/admin/")
    assert_accessible(page)


def test_sign_out_ends_the_session(page: Page, demo_people: DemoPeople):
    sign_in_as(page, "Medlemmer", demo_people.chair)
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/logget-ud")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logget ud")
    assert_accessible(page)
    page.goto("/overblik")
    expect(page).to_have_url(re.compile(r"/log-ind\?next=(/|%2F)overblik$"))
    expect(page.get_by_role("banner")).not_to_contain_text(demo_people.chair)

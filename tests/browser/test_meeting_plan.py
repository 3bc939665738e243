"""The meeting plan in the browser (rule 3.1): staff open the plan from the administration,
plan a meeting, move it (a form error shown in place first), and cancel it; axe on every page.

The live server is shared by the whole browser session: the meeting is planned at 14:00 next
year (the demo meetings are at 10:00) and cancelled at the end, so that the other tests still
see the demo council's upcoming meetings as they were built.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_staff_plan_change_and_cancel_a_meeting(
    page: Page, demo_people: DemoPeople, live_server: LiveServer
):
    year = live_server.today.year + 1
    day = date(year, 11, 18)

    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.get_by_role("link", name="Administration").click()
    nav = page.get_by_role("navigation", name="Administration")
    nav.get_by_role("link", name="Mødeplan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"mødeplan {live_server.today.year}"
    )
    expect(nav.get_by_role("link", name="Mødeplan")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # Plan a meeting.
    page.get_by_role("link", name="Planlæg et møde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planlæg et møde")
    assert_accessible(page)
    page.get_by_label("Dato").fill(day.isoformat())
    page.get_by_label("Klokkeslæt").fill("14:00")
    page.get_by_label("Sted").fill("Ringsted Rådhus")
    page.get_by_role("button", name="Sæt mødet i planen").click()
    page.wait_for_url(f"**/admin/moedeplan?aar={year}")
    expect(page.get_by_role("status")).to_contain_text("er sat i mødeplanen")
    row = page.get_by_role("row").filter(has_text="Ringsted Rådhus")
    expect(row).to_contain_text("18. november")
    expect(row).to_contain_text("14:00")
    assert_accessible(page)

    # Move it: a missing time is refused in place (htmx, 422), then the change is saved.
    row.get_by_role("link", name=re.compile(r"^Ret")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ret møde")
    expect(page.get_by_label("Klokkeslæt")).to_have_value("14:00")
    assert_accessible(page)
    page.get_by_label("Klokkeslæt").fill("")
    with page.expect_response(re.compile(r"/ret$")) as answer:
        page.get_by_role("button", name="Gem ændringerne").click()
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Klokkeslæt: Skal udfyldes.")
    assert_accessible(page)
    page.get_by_label("Klokkeslæt").fill("15:30")
    page.get_by_label("Sted").fill("Ringsted Kongrescenter")
    page.get_by_role("button", name="Gem ændringerne").click()
    page.wait_for_url(f"**/admin/moedeplan?aar={year}")
    expect(page.get_by_role("status")).to_contain_text("Mødet er ændret.")
    expect(page.get_by_role("status")).to_contain_text("har fået besked")
    row = page.get_by_role("row").filter(has_text="Ringsted Kongrescenter")
    expect(row).to_contain_text("15:30")
    assert_accessible(page)

    # Cancel it with a reason: it stays in the plan, marked cancelled.
    row.get_by_role("link", name=re.compile(r"^Aflys")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aflys møde")
    assert_accessible(page)
    page.get_by_label("Begrundelse").fill("Ingen sager til behandling")
    page.get_by_role("button", name="Aflys mødet").click()
    page.wait_for_url(f"**/admin/moedeplan?aar={year}")
    expect(page.get_by_role("status")).to_contain_text("er aflyst")
    expect(row).to_contain_text("Aflyst")
    expect(row).to_contain_text("Begrundelse: Ingen sager til behandling")
    expect(row.get_by_role("link", name=re.compile(r"^Ret"))).to_have_count(0)
    assert_accessible(page)

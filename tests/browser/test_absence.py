"""Absence in the browser (rules 1.8, 3.7, 3.9): a member registers absence for the next
meeting, their substitute is told in Beskeder and answers, and the secretariat's board shows
the substitute attending and the quorum met; axe on the form, the call-in and the board.

The live server is shared by the whole browser session: this test uses the demo council's
last group-elected member, whom no other test relies on, and cancels the absence at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from portal.absences.models import Absence
from portal.councils.models import Membership, MembershipKind, SubstituteAssignment
from portal.extensions import db
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import Page


@dataclass(frozen=True)
class Seat:
    member: str
    substitute: str


def last_group_elected_seat(live_server: LiveServer) -> Seat:
    with live_server.app.app_context():
        membership = db.session.scalars(
            select(Membership)
            .where(Membership.kind == MembershipKind.GROUP_ELECTED)
            .order_by(Membership.id.desc())
        ).first()
        assert membership is not None
        assignment = db.session.scalars(
            select(SubstituteAssignment).where(SubstituteAssignment.membership_id == membership.id)
        ).one()
        seat = Seat(membership.person.name, assignment.substitute.name)
        db.session.remove()
    return seat


def standing_absences(live_server: LiveServer) -> int:
    with live_server.app.app_context():
        count = len(db.session.scalars(select(Absence).where(Absence.cancelled_at.is_(None))).all())
        db.session.remove()
    return count


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/logget-ud")


def test_absence_substitute_answers_and_the_board_shows_the_quorum(
    page: Page, demo_people: DemoPeople, live_server: LiveServer
):
    seat = last_group_elected_seat(live_server)
    before = standing_absences(live_server)  # the demo's own absence stands throughout

    # The member registers absence for the next meeting, from 'Mit overblik'.
    sign_in_as(page, "Medlemmer", seat.member)
    page.get_by_role("link", name=re.compile(r"^Meld afbud")).first.click()
    page.wait_for_url(re.compile(r"/moeder/\d+/afbud$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld afbud")
    call = page.get_by_label(f"Indkald min personlige stedfortræder, {seat.substitute}")
    expect(call).to_be_checked()
    expect(page.get_by_label("Årsag (frivilligt)")).to_have_value("")
    assert_accessible(page)
    with page.expect_response(re.compile(r"/afbud$")) as answer:
        page.get_by_role("button", name="Meld afbud", exact=True).click()
    assert answer.value.status == 204  # htmx: the next page loads whole (HX-Redirect)
    page.wait_for_url("**/overblik")
    expect(page.get_by_role("status")).to_contain_text("er registreret")
    expect(page.get_by_text("Du har meldt afbud.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Fortryd afbud"))).to_be_visible()
    sign_out(page)

    # The substitute sees the notice in Beskeder and answers.
    sign_in_as(page, "Stedfortrædere", seat.substitute)
    inbox = page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name=re.compile(r"^Beskeder")
    )
    expect(inbox).to_have_accessible_name(re.compile(r"^Beskeder \(\d+\) ulæst"))
    inbox.click()
    page.wait_for_url("**/beskeder")
    notice = page.locator(".inbox-item").filter(has_text="Du er indkaldt som stedfortræder")
    expect(notice.first).to_contain_text(seat.member)
    notice.first.get_by_role("link", name=re.compile(r"^Åbn")).click()
    page.wait_for_url(re.compile(r"/indkaldelser/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Indkaldelse som stedfortræder")
    expect(page.get_by_role("main")).to_contain_text(f"{seat.member} har meldt afbud")
    expect(page.get_by_role("main")).to_contain_text("Du har ikke svaret endnu.")
    assert_accessible(page)
    page.get_by_role("button", name="Jeg deltager").click()
    expect(page.get_by_role("status")).to_contain_text("Du deltager i mødet i stedet for")
    expect(page.get_by_role("main")).to_contain_text("Du har svaret, at du deltager.")
    assert_accessible(page)
    sign_out(page)

    # The secretariat's board: the substitute attends, so the quorum is met (rule 3.7).
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Fremmøde"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("fremmøde og afbud")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Fremmøde og afbud")).first.click()
    page.wait_for_url(re.compile(r"/fremmoede$"))
    members = demo_people.member_count
    board = page.locator("#attendance-board")
    expect(board).to_contain_text(
        f"{members} af {members} til stede; beslutningsdygtigt ved {(members + 1) // 2}"
    )
    expect(board).to_contain_text("Rådet er beslutningsdygtigt")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=seat.member))
    expect(row).to_contain_text("Afbud, stedfortræder deltager")
    expect(row).to_contain_text(seat.substitute)
    assert_accessible(page)

    # Staff cancel it again in place (htmx): the board re-renders, the page does not reload.
    page.evaluate("window.notReloaded = true")
    with page.expect_response(re.compile(r"/afbud/annuller$")) as answer:
        row.get_by_role("button", name=f"Fortryd afbud for {seat.member}").click()
    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(row).to_contain_text("Deltager")
    expect(row).not_to_contain_text("Afbud,")
    expect(page.get_by_role("status")).to_contain_text(
        f"Afbuddet for {seat.member} er trukket tilbage."
    )
    expect(row.get_by_role("button", name=f"Registrér afbud for {seat.member}")).to_be_focused()
    assert page.evaluate("window.notReloaded === true")
    assert_accessible(page)
    assert standing_absences(live_server) == before

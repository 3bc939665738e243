"""Keyboard-only journeys (WCAG 2.1.1): Tab to move, Enter and Space to act, no mouse click.

Each role's main journey, with axe-core on every page on the way: a member registers absence
for the next meeting from 'Mit overblik' and takes it back; a called-in substitute answers and
reads the meeting's agenda; the chair places a member's proposal on the agenda; the
secretariat finds an agenda and moves an item with the »Flyt ned« / »Flyt op« buttons; the
public reads a published agenda and searches; anyone reaches the accessibility statement from
the footer.

The live server is shared by the whole browser session: the member is the second-last mayor,
the called-in substitute the third-last mayor's and the proposer the fourth-last mayor (whom
no other test signs in as); each test leaves no standing absence behind, and the agendas it
changes belong to meetings of its own, cancelled afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from portal.absences import operations as absence_operations
from portal.absences.models import Absence, CallInAnswer, SubstituteCallIn
from portal.agendas.models import AgendaItem
from portal.councils.models import Council, CouncilOffice, Membership, MembershipKind
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.proposals.models import Proposal, ProposalStatus
from portal.rules.calendar import COPENHAGEN, local_date
from portal.types import utcnow
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer
from tests.factories import make_meeting
from tests.proposals.scene import submitted

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ITEMS = ["Punkt A om trafik", "Punkt B om sundhed", "Punkt C om uddannelse"]


def tab_to(page: Page, target: Locator, limit: int = 150) -> None:
    """Press Tab until `target` has the focus (fails after `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} presses of Tab on {page.url}")


def sign_in_by_keyboard(page: Page, section: str, name: str) -> None:
    page.goto("/demo/log-ind")
    assert_accessible(page)
    region = page.get_by_role("region", name=section, exact=True)
    tab_to(page, region.get_by_role("button", name=name, exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url("**/overblik")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    assert_accessible(page)


def mayor_from_the_end(position: int) -> Membership:
    """The seat of the `position`-th last mayor without an office (0: the last); each test
    takes its own, inside the live app's context."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.kind == MembershipKind.MAYOR, Membership.office == CouncilOffice.MEMBER)
        .order_by(Membership.id.desc())
    ).all()[position]


def second_last_mayor(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        name = mayor_from_the_end(1).person.name
        db.session.remove()
    return name


def standing_absences(live_server: LiveServer, name: str) -> int:
    with live_server.app.app_context():
        absences = db.session.scalars(select(Absence).where(Absence.cancelled_at.is_(None))).all()
        count = sum(1 for absence in absences if absence.membership.person.name == name)
        db.session.remove()
    return count


def test_a_member_registers_and_takes_back_an_absence_by_keyboard(
    page: Page, live_server: LiveServer
):
    member = second_last_mayor(live_server)
    sign_in_by_keyboard(page, "Medlemmer", member)

    tab_to(page, page.get_by_role("link", name=re.compile(r"^Meld afbud")).first)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moeder/\d+/afbud$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld afbud")
    assert_accessible(page)

    # Space unticks the call-in: the substitute is left alone (no notice in anyone's inbox).
    call = page.get_by_label(re.compile(r"^Indkald min personlige stedfortræder"))
    expect(call).to_be_checked()
    tab_to(page, call)
    page.keyboard.press("Space")
    expect(call).not_to_be_checked()
    tab_to(page, page.get_by_role("button", name="Meld afbud", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url("**/overblik")
    expect(page.get_by_role("status")).to_contain_text("er registreret")
    expect(page.get_by_text("Du har meldt afbud.")).to_be_visible()
    assert standing_absences(live_server, member) == 1
    assert_accessible(page)

    tab_to(page, page.get_by_role("button", name=re.compile(r"^Fortryd afbud")).first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=re.compile(r"^Meld afbud")).first).to_be_visible()
    expect(page.get_by_text("Du har meldt afbud.")).to_have_count(0)
    assert standing_absences(live_server, member) == 0
    assert_accessible(page)


def at_three(day: date) -> datetime:
    return datetime.combine(day, time(15, 0), tzinfo=COPENHAGEN)


def cancel(live_server: LiveServer, meeting_id: int) -> None:
    """A meeting a test made for itself is cancelled at the end, so that no other test's list
    of upcoming meetings counts it."""
    with live_server.app.app_context():
        db.session.get(Meeting, meeting_id).cancelled_at = utcnow()
        db.session.commit()
        db.session.remove()


@pytest.fixture
def meeting_id(live_server: LiveServer) -> Iterator[int]:
    """A meeting of this test's own with three items, cancelled afterwards so that no other
    test's list of upcoming meetings counts it."""
    with live_server.app.app_context():
        council = db.session.scalars(select(Council).where(Council.slug == "sjaelland")).one()
        second = db.session.scalars(
            select(Meeting.starts_at)
            .where(Meeting.council_id == council.id, Meeting.starts_at > utcnow())
            .order_by(Meeting.starts_at)
        ).all()[1]
        meeting = make_meeting(
            council,
            starts_at=at_three(local_date(second) + timedelta(days=2)),
            location="Lejre Rådhus",
        )
        now = utcnow()
        for position, title in enumerate(ITEMS, start=1):
            db.session.add(
                AgendaItem(
                    council_id=council.id,
                    meeting_id=meeting.id,
                    position=position,
                    title=title,
                    presentation="Sekretariatet orienterer.",
                    recommendation="Det indstilles, at orienteringen tages til efterretning.",
                    closed=False,
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.commit()
        created = meeting.id
        db.session.remove()
    yield created
    cancel(live_server, created)


def titles_in_order(live_server: LiveServer, meeting_id: int) -> list[str]:
    with live_server.app.app_context():
        titles = list(
            db.session.scalars(
                select(AgendaItem.title)
                .where(AgendaItem.meeting_id == meeting_id, AgendaItem.removed_at.is_(None))
                .order_by(AgendaItem.position)
            )
        )
        db.session.remove()
    return titles


def test_staff_move_an_agenda_item_by_keyboard(
    page: Page, live_server: LiveServer, demo_people: DemoPeople, meeting_id: int
):
    sign_in_by_keyboard(page, "Sekretariatet", demo_people.staff)
    tab_to(page, page.get_by_role("link", name="Administration"))
    page.keyboard.press("Enter")
    admin = page.get_by_role("navigation", name="Administration")
    tab_to(page, admin.get_by_role("link", name="Dagsordener"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dagsordener")
    assert_accessible(page)
    tab_to(page, page.locator(f'a[href$="/moeder/{meeting_id}/dagsorden"]'))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/moeder/{meeting_id}/dagsorden$"))
    assert_accessible(page)

    first, second, third = ITEMS
    # Enter on »Flyt ned« twice: the list is re-rendered in place, the focus stays with the
    # moved item's button, so the second Enter moves it on.
    tab_to(page, page.get_by_role("button", name=f"Flyt ned punkt 1, {first}"))
    page.keyboard.press("Enter")
    status = page.locator("#agenda-status")
    expect(status).to_contain_text(f"»{first}« er nu punkt 2 af 3.")
    expect(page.get_by_role("button", name=f"Flyt ned punkt 2, {first}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status).to_contain_text(f"»{first}« er nu punkt 3 af 3.")
    # At the bottom only »Flyt op« is left, and it has the focus: Space moves it back up.
    moved_up = page.get_by_role("button", name=f"Flyt op punkt 3, {first}")
    expect(moved_up).to_be_focused()
    page.keyboard.press("Space")
    expect(status).to_contain_text(f"»{first}« er nu punkt 2 af 3.")
    assert titles_in_order(live_server, meeting_id) == [second, first, third]
    assert_accessible(page)


def test_the_accessibility_statement_is_reached_from_the_footer(page: Page):
    page.goto("/kkr/sjaelland/")
    tab_to(
        page, page.get_by_role("contentinfo").get_by_role("link", name="Tilgængelighedserklæring")
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/tilgaengelighed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilgængelighedserklæring")
    main = page.get_by_role("main")
    expect(main).to_contain_text("WCAG 2.1")
    expect(main).to_contain_text("Digitaliseringsstyrelsen")
    expect(main.get_by_role("link", name=re.compile(r"@"))).to_have_attribute(
        "href", re.compile(r"^mailto:")
    )
    assert_accessible(page)


@dataclass(frozen=True)
class CallIn:
    member: str
    substitute: str
    meeting_id: int


@pytest.fixture
def pending_call_in(live_server: LiveServer) -> Iterator[CallIn]:
    """The third-last mayor (no other test signs in as them or their substitute) registers
    absence for the next meeting whose agenda is out, calling their substitute in; the absence
    is cancelled afterwards, which withdraws the call-in."""
    with live_server.app.app_context():
        seat = mayor_from_the_end(2)
        meeting = db.session.scalars(
            select(Meeting)
            .where(
                Meeting.council_id == seat.council_id,
                Meeting.agenda_published_at.is_not(None),
                Meeting.cancelled_at.is_(None),
                Meeting.starts_at > utcnow(),
            )
            .order_by(Meeting.starts_at)
        ).first()
        assert meeting is not None
        absence_operations.register_absence(
            meeting,
            seat,
            by=seat.person,
            by_staff=False,
            call_substitute=True,
            reason=None,
            now=utcnow(),
        )
        db.session.commit()
        call = db.session.scalars(
            select(SubstituteCallIn).where(
                SubstituteCallIn.meeting_id == meeting.id,
                SubstituteCallIn.membership_id == seat.id,
                SubstituteCallIn.answer == CallInAnswer.PENDING,
            )
        ).one()
        made = CallIn(seat.person.name, call.substitute.name, meeting.id)
        db.session.remove()
    yield made
    with live_server.app.app_context():
        absence = db.session.scalars(
            select(Absence)
            .join(Membership)
            .where(Absence.meeting_id == made.meeting_id, Absence.cancelled_at.is_(None))
            .where(Membership.person.has(name=made.member))
        ).one()
        absence_operations.cancel_absence(
            absence, by=absence.membership.person, by_staff=False, now=utcnow()
        )
        db.session.commit()
        db.session.remove()


def answer_of(live_server: LiveServer, meeting_id: int, substitute: str) -> CallInAnswer:
    with live_server.app.app_context():
        call = db.session.scalars(
            select(SubstituteCallIn)
            .where(SubstituteCallIn.meeting_id == meeting_id)
            .where(SubstituteCallIn.substitute.has(name=substitute))
        ).one()
        answer = call.answer
        db.session.remove()
    return answer


def test_a_substitute_answers_a_call_in_and_reads_the_agenda_by_keyboard(
    page: Page, live_server: LiveServer, pending_call_in: CallIn
):
    """Rule 1.8: called in, the substitute says yes and then reads the meeting's material."""
    sign_in_by_keyboard(page, "Stedfortrædere", pending_call_in.substitute)
    expect(page.get_by_role("main")).to_contain_text(
        f"Indkaldt som stedfortræder for {pending_call_in.member}."
    )
    tab_to(page, page.get_by_role("link", name=re.compile(r"^Svar på indkaldelsen")))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/indkaldelser/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Indkaldelse som stedfortræder")
    expect(page.get_by_role("main")).to_contain_text("Du har ikke svaret endnu.")
    # Before the answer the material is not theirs to read.
    expect(page.get_by_role("link", name="Læs dagsordenen")).to_have_count(0)
    assert_accessible(page)

    tab_to(page, page.get_by_role("button", name="Jeg deltager"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Du deltager i mødet i stedet for")
    expect(page.get_by_role("main")).to_contain_text("Du har svaret, at du deltager.")
    assert answer_of(live_server, pending_call_in.meeting_id, pending_call_in.substitute) is (
        CallInAnswer.ATTENDING
    )
    assert_accessible(page)

    tab_to(page, page.get_by_role("link", name="Læs dagsordenen"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/moeder/{pending_call_in.meeting_id}/dagsorden")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Godkendelse af dagsorden")
    # The closed item is in the material an attending substitute reads (rule 3.0).
    expect(main).to_contain_text("Erhvervshus Sjælland")
    assert_accessible(page)


def test_the_public_reads_an_agenda_and_searches_by_keyboard(page: Page):
    """Anonymous: from the meeting plan to a published agenda, then a search and its hit."""
    page.goto("/kkr/sjaelland/")
    assert_accessible(page)
    tab_to(
        page,
        page.get_by_role("main").get_by_role("link", name=re.compile(r"^Dagsorden\b(?!er)")).first,
    )
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kkr/sjaelland/moeder/\d+/dagsorden$"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Godkendelse af dagsorden")
    expect(main).not_to_contain_text("Erhvervshus Sjælland")  # closed: number only (rule 3.0)
    expect(main.get_by_role("link", name="Dagsordenen som PDF")).to_be_visible()
    assert_accessible(page)

    tab_to(page, page.get_by_role("navigation").get_by_role("link", name="Søg", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url("**/soeg")
    box = page.get_by_role("searchbox")
    tab_to(page, box)
    page.keyboard.type("Movia")
    page.keyboard.press("Enter")
    hit = page.get_by_role("main").get_by_role("link", name=re.compile(r"Kollektiv trafik"))
    expect(hit.first).to_be_visible()
    assert_accessible(page)
    tab_to(page, hit.first)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dagsorden#punkt-\d+$"))
    expect(page.get_by_role("heading", name=re.compile(r"Kollektiv trafik"))).to_be_visible()
    assert_accessible(page)


PROPOSAL_TITLE = "Fælles cykelstier mellem kommunerne"


@pytest.fixture
def received_proposal(live_server: LiveServer) -> Iterator[int]:
    """A proposal by the fourth-last mayor for a meeting of this test's own (cancelled
    afterwards, with the item the chair places on it)."""
    with live_server.app.app_context():
        seat = mayor_from_the_end(3)
        last = db.session.scalars(
            select(Meeting.starts_at)
            .where(Meeting.council_id == seat.council_id, Meeting.cancelled_at.is_(None))
            .order_by(Meeting.starts_at.desc())
        ).first()
        assert last is not None
        meeting = make_meeting(
            seat.council,
            starts_at=at_three(local_date(last) + timedelta(days=30)),
            location="Odsherred Rådhus",
        )
        db.session.commit()
        proposal = submitted(seat.person, meeting, title=PROPOSAL_TITLE)
        made, meeting_id = proposal.id, meeting.id
        db.session.remove()
    yield made
    cancel(live_server, meeting_id)


def test_rule_3_2_the_chair_places_a_proposal_on_the_agenda_by_keyboard(
    page: Page, live_server: LiveServer, demo_people: DemoPeople, received_proposal: int
):
    """The chair receives members' proposals (rule 3.2) and works them without a mouse."""
    sign_in_by_keyboard(page, "Medlemmer", demo_people.chair)
    tab_to(page, page.get_by_role("link", name=re.compile(r"^Modtagne forslag til .*formand")))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/forslag$"))
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name=PROPOSAL_TITLE, exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/admin/forslag/{received_proposal}$"))
    expect(page.get_by_role("main")).to_contain_text(PROPOSAL_TITLE)
    assert_accessible(page)

    tab_to(page, page.get_by_role("button", name="Begynd behandlingen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Behandlingen er begyndt.")
    assert_accessible(page)
    tab_to(page, page.get_by_role("button", name="Sæt forslaget på dagsordenen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Forslaget er sat på dagsordenen")
    with live_server.app.app_context():
        proposal = db.session.get(Proposal, received_proposal)
        assert proposal is not None and proposal.status is ProposalStatus.PLACED
        item = db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == proposal.meeting_id)
        ).one()
        assert item.title == PROPOSAL_TITLE
        db.session.remove()
    assert_accessible(page)

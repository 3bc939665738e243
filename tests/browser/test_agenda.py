"""The agenda in the browser (rules 3.0, 3.3, 3.6): the secretariat builds an agenda with a
closed item, orders it with the buttons and by drag and drop, previews and sends it out; a
member reads every item, the closed one included; an anonymous visitor reads the public
agenda without the closed item's content. axe-core on every page, no CSP violation.

The live server is shared by the whole browser session: this test adds a meeting of its own
and removes the notices its publication wrote at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import delete, select

from portal.agendas.models import AgendaItem
from portal.councils.models import Council, Membership, MembershipKind
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import Notice
from portal.rules.calendar import COPENHAGEN, local_date
from portal.types import utcnow
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as
from tests.browser.test_csp import RECORD_CSP_VIOLATIONS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

OPEN = "Trafikplan for Region Sjælland"
CLOSED = "Indstilling af medlem til Erhvervshusets bestyrelse"
CLOSED_TEXT = "Kandidaterne drøftes for lukkede døre."
LAST = "Eventuelt"


@pytest.fixture
def meeting_id(live_server: LiveServer) -> Iterator[int]:
    """An ordinary meeting of this test's own, between the demo's (not first, not last). After
    the test its notices are taken away and it is cancelled, so no other test's inbox or list
    of upcoming meetings counts it."""
    with live_server.app.app_context():
        council = db.session.scalars(select(Council).where(Council.slug == "sjaelland")).one()
        second = db.session.scalars(
            select(Meeting.starts_at)
            .where(Meeting.council_id == council.id, Meeting.starts_at > utcnow())
            .order_by(Meeting.starts_at)
        ).all()[1]
        day = local_date(second) + timedelta(days=1)
        meeting = Meeting(
            council=council,
            kind=MeetingKind.ORDINARY,
            starts_at=datetime.combine(day, time(14, 0), tzinfo=COPENHAGEN),
            location="Slagelse Rådhus",
        )
        db.session.add(meeting)
        db.session.commit()
        created = meeting.id
        db.session.remove()
    yield created
    with live_server.app.app_context():
        db.session.execute(delete(Notice).where(Notice.meeting_id == created))
        # Cancelled, it leaves the members' lists of upcoming meetings as the demo built them.
        db.session.get(Meeting, created).cancelled_at = utcnow()
        db.session.commit()
        db.session.remove()


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


def a_member(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        membership = db.session.scalars(
            select(Membership)
            .where(Membership.kind == MembershipKind.MAYOR)
            .order_by(Membership.id.desc())
        ).first()
        assert membership is not None
        name = membership.person.name
        db.session.remove()
    return name


def watch(context: BrowserContext) -> tuple[Page, list[str]]:
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def assert_clean(page: Page, errors: list[str]) -> None:
    assert_accessible(page)
    assert page.evaluate("window.__cspViolations") == []
    assert errors == [], "\n".join(errors)


def add_item(page: Page, title: str, presentation: str, *, closed: bool = False) -> None:
    page.get_by_role("link", name="Tilføj punkt").click()
    page.wait_for_url(re.compile(r"/punkter/nyt$"))
    page.get_by_label("Overskrift").fill(title)
    page.get_by_label("Sagsfremstilling").fill(presentation)
    page.get_by_label("Indstilling").fill("Det indstilles, at KKR Sjælland drøfter sagen.")
    if closed:
        page.get_by_label("Lukket punkt").check()
    page.get_by_role("button", name="Tilføj punktet").click()
    page.wait_for_url(re.compile(r"/dagsorden$"))
    expect(page.get_by_role("status").first).to_contain_text(f"»{title}« er tilføjet")


def item_titles(page: Page) -> list[str]:
    return [
        re.sub(r"^\d+\.\s*", "", title.strip())
        for title in page.locator("#agenda-items .builder-title").all_inner_texts()
    ]


def test_staff_build_and_send_out_an_agenda_a_member_reads_it_the_public_sees_less(
    browser: Browser,
    context: BrowserContext,
    live_server: LiveServer,
    demo_people: DemoPeople,
    meeting_id: int,
):
    page, errors = watch(context)

    # The secretariat finds the meeting among the agendas and builds its agenda.
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Dagsordener"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("dagsordener")
    assert_clean(page, errors)
    page.locator(f'a[href$="/moeder/{meeting_id}/dagsorden"]').click()
    expect(page.get_by_text("Der er ingen punkter på dagsordenen endnu.")).to_be_visible()

    add_item(page, OPEN, "Regionens trafikplan er i høring.\nKommunerne svarer samlet.")
    page.get_by_role("link", name="Tilføj punkt").click()
    assert_clean(page, errors)  # the item form
    page.go_back()
    add_item(page, CLOSED, CLOSED_TEXT, closed=True)
    add_item(page, LAST, "Intet.")
    assert item_titles(page) == [OPEN, CLOSED, LAST]

    # Rule 3.6 by keyboard: "Flyt op" on the closed item moves it first; the list is
    # re-rendered in place and the button keeps the focus (it is now the first: "Flyt ned").
    page.evaluate("window.notReloaded = true")
    with page.expect_response(re.compile(r"/raekkefoelge$")) as answer:
        page.get_by_role("button", name=f"Flyt op punkt 2, {CLOSED}").focus()
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(page.locator("#agenda-status")).to_contain_text(f"»{CLOSED}« er nu punkt 1 af 3.")
    expect(page.get_by_role("button", name=f"Flyt ned punkt 1, {CLOSED}")).to_be_focused()
    assert item_titles(page) == [CLOSED, OPEN, LAST]
    assert page.evaluate("window.notReloaded === true")

    # And by drag and drop: "Eventuelt" dragged onto the top of the list.
    last = page.locator("#agenda-items .builder-item").nth(2)
    first = page.locator("#agenda-items .builder-item").nth(0)
    with page.expect_response(re.compile(r"/raekkefoelge$")) as answer:
        last.drag_to(first, target_position={"x": 20, "y": 5})
    assert answer.value.status == 200
    expect(page.locator("#agenda-items .builder-title").first).to_contain_text(LAST)
    assert titles_in_order(live_server, meeting_id) == [LAST, CLOSED, OPEN]
    assert_clean(page, errors)

    # The preview, as members will see it.
    page.get_by_role("link", name="Forhåndsvisning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forhåndsvisning af dagsorden")
    expect(page.get_by_role("heading", name=f"Punkt 2. {CLOSED}")).to_be_visible()
    assert_clean(page, errors)
    page.get_by_role("link", name="Tilbage til dagsordenen").click()

    # Sent out (rule 3.3: in time, so no reason is asked for).
    page.get_by_role("link", name="Udsend dagsorden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Udsend dagsorden")
    expect(page.get_by_label("Begrundelse for udsendelse efter fristen")).to_have_count(0)
    assert_clean(page, errors)
    # Rule 3.2: the meeting still takes proposals; staff confirm the warning to send it out.
    page.get_by_label(
        "Jeg har set forslagene og fristen ovenfor og vil udsende dagsordenen alligevel"
    ).check()
    page.get_by_role("button", name="Udsend dagsorden").click()
    page.wait_for_url(re.compile(rf"/moeder/{meeting_id}/dagsorden$"))
    expect(page.get_by_role("status").first).to_contain_text("Dagsordenen er udsendt.")
    expect(page.get_by_text("Medlemmerne ser dagsordenen, som den står her.")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()

    # A member reads everything, the closed item in full, from 'Mit overblik'.
    sign_in_as(page, "Medlemmer", a_member(live_server))
    page.locator(f'a[href="/moeder/{meeting_id}/dagsorden"]').click()
    page.wait_for_url(re.compile(rf"/moeder/{meeting_id}/dagsorden$"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name=f"Punkt 2. {CLOSED}")).to_be_visible()
    expect(main).to_contain_text(CLOSED_TEXT)
    expect(main).to_contain_text("Lukket punkt")
    expect(page.get_by_role("heading", name=f"Punkt 3. {OPEN}")).to_be_visible()
    assert_clean(page, errors)

    # Anyone else reads the public agenda: the closed item by its number only.
    anonymous = browser.new_context(base_url=live_server.url, locale="da-DK")
    try:
        public, public_errors = watch(anonymous)
        response = public.goto(f"/kkr/sjaelland/moeder/{meeting_id}/dagsorden")
        assert response is not None and response.status == 200
        body = public.content()
        expect(public.get_by_role("main")).to_contain_text(OPEN)
        expect(public.get_by_role("main")).to_contain_text("Lukket punkt")
        assert CLOSED not in body and CLOSED_TEXT not in body
        assert_clean(public, public_errors)
    finally:
        anonymous.close()

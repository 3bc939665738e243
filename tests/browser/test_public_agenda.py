"""The public site in the browser (rules 3.0, 3.3, 3.4): an anonymous visitor opens the meeting
plan, a published agenda and its minutes, and searches them; the search updates in place
(htmx active search). A closed item is shown as "Lukket punkt <nr>" only; axe on every page.

The demo publishes the last meeting's agenda and minutes, each with a closed item
(portal/demo/agendas.py, minutes.py); the test reads them from the live portal's database.
Where the demo has none, it publishes a meeting of its own, in the past, that no other test
uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from portal.agendas.models import Publication, PublicationKind
from portal.agendas.publishing import publish
from portal.agendas.snapshot import build_content
from portal.councils.models import Council
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page


@dataclass(frozen=True)
class PublishedMeeting:
    meeting_id: int
    closed_number: int
    closed_title: str
    open_title: str
    search_word: str  # a word of the open item's title


def _with_agenda_and_minutes(council: Council) -> tuple[Meeting, dict] | None:
    rows = db.session.execute(
        select(Meeting, Publication)
        .join(Publication, Publication.meeting_id == Meeting.id)
        .where(
            Meeting.council_id == council.id,
            Publication.current.is_(True),
            Publication.kind == PublicationKind.MINUTES,
        )
        .order_by(Meeting.starts_at.desc())
    ).all()
    for meeting, minutes in rows:
        items = minutes.content["items"]
        if any(i["closed"] for i in items) and any(not i["closed"] for i in items):
            return meeting, minutes.content
    return None


def _publish_own_meeting(council: Council, today) -> tuple[Meeting, dict]:  # noqa: ANN001
    from portal.agendas.models import AgendaItem, ItemMinutes

    day = today - timedelta(days=2)
    if day.year != today.year:  # the plan starts on 1 January
        day = today + timedelta(days=340)
    meeting = Meeting(
        council=council,
        kind=MeetingKind.EXTRAORDINARY,
        starts_at=datetime.combine(day, time(14, 0), tzinfo=COPENHAGEN),
        location="Browsertestens mødelokale",
    )
    db.session.add(meeting)
    db.session.flush()
    for position, (title, closed) in enumerate(
        [("Cykelsuperstier mellem kommunerne", False), ("Fortrolig personsag Kakadue", True)]
    ):
        item = AgendaItem(
            council_id=council.id,
            meeting=meeting,
            position=position,
            title=title,
            presentation="Sagsfremstilling.",
            closed=closed,
        )
        db.session.add(item)
        db.session.flush()
        db.session.add(ItemMinutes(item=item, decision="Godkendt."))
    db.session.flush()
    now = utcnow()
    publish(meeting, PublicationKind.AGENDA, build_content(meeting), by=None, now=now)
    content = build_content(meeting, with_minutes=True, attendance={"present": [], "absent": []})
    publish(meeting, PublicationKind.MINUTES, content, by=None, now=now)
    return meeting, content


def published_meeting(live_server: LiveServer) -> PublishedMeeting:
    with live_server.app.app_context():
        council = db.session.scalars(select(Council).where(Council.slug == "sjaelland")).one()
        found = _with_agenda_and_minutes(council)
        if found is None:
            found = _publish_own_meeting(council, live_server.today)
            db.session.commit()
        meeting, content = found
        closed = next(i for i in content["items"] if i["closed"])
        opened = max(
            (i for i in content["items"] if not i["closed"]), key=lambda i: len(i["title"])
        )
        word = max(re.findall(r"\w{5,}", opened["title"]), key=len)
        result = PublishedMeeting(
            meeting.id, closed["number"], closed["title"], opened["title"], word
        )
        db.session.remove()
    return result


def test_anonymous_visitor_reads_the_published_agenda_minutes_and_searches(
    page: Page, live_server: LiveServer
):
    published = published_meeting(live_server)
    base = "/kkr/sjaelland"

    # The meeting plan links the meeting's agenda and minutes.
    page.goto(f"{base}/")
    agenda_link = page.locator(f'a[href="{base}/moeder/{published.meeting_id}/dagsorden"]')
    expect(agenda_link).to_have_count(1)
    assert_accessible(page)
    agenda_link.click()
    page.wait_for_url(f"**{base}/moeder/{published.meeting_id}/dagsorden")

    # The agenda: open items in full, the closed one by its number only (rule 3.0).
    expect(page.get_by_role("heading", level=2)).to_contain_text("agsorden")
    expect(page.get_by_role("heading", name=published.open_title)).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"Lukket punkt {published.closed_number}", exact=True)
    ).to_be_visible()
    assert published.closed_title not in page.content()
    assert_accessible(page)

    # The minutes of the same meeting.
    page.get_by_role("link", name="Referat af mødet").click()
    page.wait_for_url(f"**{base}/moeder/{published.meeting_id}/referat")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Referat")
    expect(page.get_by_role("heading", name="Beslutning").first).to_be_visible()
    assert published.closed_title not in page.content()
    assert_accessible(page)

    # The list of everything published.
    nav = page.get_by_role("navigation", name="Rådets sider")
    nav.get_by_role("link", name="Dagsordener og referater").click()
    page.wait_for_url(f"**{base}/dagsordener")
    expect(page.locator(f'a[href="{base}/moeder/{published.meeting_id}/referat"]')).to_have_count(1)
    assert_accessible(page)

    # Active search: typing updates the results in place, without loading a new page.
    nav.get_by_role("link", name="Søg").click()
    page.wait_for_url(f"**{base}/soeg")
    assert_accessible(page)
    page.evaluate("window.stillTheSamePage = true")
    box = page.get_by_label("Søgeord")
    box.press_sequentially(published.search_word.lower(), delay=20)
    results = page.locator("#search-results")
    expect(results.locator("mark").first).to_be_visible()
    expect(results.get_by_role("link").first).to_be_visible()
    assert page.evaluate("window.stillTheSamePage === true")
    expect(page).to_have_url(re.compile(r"[?&]q="))  # the address follows (hx-push-url)
    assert published.closed_title not in page.content()
    assert_accessible(page)
    # Back and forward restore whole pages (htmx asks for them with HX-Request-Type: full).
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("KKR Sjælland")
    expect(box).to_have_value("")
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text("KKR Sjælland")
    expect(results.locator("mark").first).to_be_visible()

    # Searching for the closed item's words never shows it.
    closed_word = max(re.findall(r"\w{5,}", published.closed_title), key=len)
    with page.expect_response(lambda response: "/soeg?" in response.url):
        box.fill(closed_word)
    expect(results).not_to_contain_text(published.closed_title)
    assert published.closed_title not in page.content()

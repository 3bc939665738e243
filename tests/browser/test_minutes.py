"""The minutes in the browser (rules 3.4, 3.7, 3.9): the secretariat records a decision with a
tied vote (recorded as not adopted, then decided by the leader's vote), publishes the minutes,
and a member reads every item with its decision, the closed one included. axe-core on the
editor and on the member's page, no CSP violation.

The live server is shared by the whole browser session: this test adds its own meeting three
days ago, with a published agenda and no minutes, and leaves the demo's meetings alone.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from portal.agendas.models import AgendaItem, PublicationKind
from portal.agendas.publishing import publish
from portal.agendas.snapshot import build_content
from portal.councils.models import Council
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as
from tests.browser.test_csp import RECORD_CSP_VIOLATIONS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

OPEN = "Fælles indkøb af elbusser til lokalruterne"
CLOSED = "Fortrolig sag om en direktørs ansættelse"


def meeting_with_agenda(live_server: LiveServer) -> int:
    with live_server.app.app_context():
        council = db.session.scalars(select(Council).where(Council.slug == "sjaelland")).one()
        day = live_server.today - timedelta(days=3)
        meeting = Meeting(
            council=council,
            kind=MeetingKind.ORDINARY,
            starts_at=datetime.combine(day, time(9, 0), tzinfo=COPENHAGEN),
            location="Ringsted Rådhus",
        )
        db.session.add(meeting)
        db.session.flush()
        for position, (title, closed) in enumerate([(OPEN, False), (CLOSED, True)], start=1):
            db.session.add(
                AgendaItem(
                    council_id=council.id,
                    meeting=meeting,
                    position=position,
                    title=title,
                    recommendation="Det indstilles, at rådet beslutter.",
                    closed=closed,
                )
            )
        db.session.flush()
        publish(meeting, PublicationKind.AGENDA, build_content(meeting), by=None, now=utcnow())
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/logget-ud")


def test_staff_record_a_tie_publish_and_a_member_reads_the_minutes(
    context: BrowserContext, demo_people: DemoPeople, live_server: LiveServer
):
    meeting_id = meeting_with_agenda(live_server)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.goto(f"/kkr/sjaelland/admin/moeder/{meeting_id}/referat")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referat")
    # Everyone came. The council's size is its confirmed composition, which an election the
    # browser session confirmed may have changed (rule 3.7), so only the count present is fixed.
    expect(
        page.get_by_text(re.compile(rf"^{demo_people.member_count} af \d+ til stede"))
    ).to_be_visible()
    assert_accessible(page)

    # A tie without the leader's vote is recorded: not adopted (rule 3.7).
    item = page.locator("form", has=page.get_by_role("button", name="Gem punkt 1"))
    item.get_by_label("Beslutning").fill("Forslaget blev sat til afstemning.")
    item.get_by_role("spinbutton", name="For", exact=True).fill("10")
    item.get_by_role("spinbutton", name="Imod", exact=True).fill("10")
    item.get_by_label("Hverken for eller imod").fill("2")
    with page.expect_response(re.compile(r"/punkter/\d+$")) as answer:
        item.get_by_role("button", name="Gem punkt 1").click()
    assert answer.value.status == 200
    expect(item.get_by_text("Ikke vedtaget.")).to_be_visible()
    assert_accessible(page)

    # The leader voted for: adopted, computed, not typed.
    item.get_by_role("group", name="Mødelederens stemme ved stemmelighed").get_by_label(
        "For", exact=True
    ).check()
    with page.expect_response(re.compile(r"/punkter/\d+$")) as answer:
        item.get_by_role("button", name="Gem punkt 1").click()
    assert answer.value.status == 200
    expect(item.locator(".vote-result")).to_contain_text("Vedtaget")
    expect(page.locator("#minutes-status")).to_contain_text("Referatet af punkt 1 er gemt.")

    closed = page.locator("form", has=page.get_by_role("button", name="Gem punkt 2"))
    closed.get_by_label("Beslutning").fill("Rådet fulgte indstillingen.")
    closed.get_by_role("button", name="Gem punkt 2").click()
    expect(page.locator("#minutes-status")).to_contain_text("Referatet af punkt 2 er gemt.")

    page.get_by_role("button", name="Offentliggør referatet").click()
    expect(page.locator(".flash-success")).to_contain_text("Referatet er offentliggjort.")
    sign_out(page)

    sign_in_as(page, "Medlemmer", demo_people.chair)
    page.goto(f"/moeder/{meeting_id}/referat")
    expect(page.get_by_role("heading", name=re.compile(CLOSED))).to_be_visible()
    expect(page.get_by_text("Rådet fulgte indstillingen.")).to_be_visible()
    expect(page.locator("#punkt-1 .vote-result")).to_contain_text(
        "mødelederen stemte for, og mødelederens stemme gør udslaget"
    )
    assert_accessible(page)
    assert page.evaluate("window.__cspViolations") == []
    # The refused save answered 422 on purpose; Chromium logs every 4xx response.
    assert [e for e in errors if "status of 422" not in e] == [], errors

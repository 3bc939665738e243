"""A notice reaches the person twice: in the inbox, and as an e-mail whose link leads back
into the portal. The e-mail goes through the real worker to a real SMTP server on loopback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from portal.councils.models import Person
from portal.extensions import db
from portal.notifications.delivery import deliver_batch
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.smtp import SmtpTestServer

SUBJECT = "Referatet fra mødet er klar"


def test_a_notice_arrives_in_the_inbox_and_by_email(
    page: Page, live_server: LiveServer, demo_people: DemoPeople, smtp: SmtpTestServer
):
    app = live_server.app
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.name == demo_people.chair))
        notify(
            [person],
            NoticeKind.GENERAL,
            subject=SUBJECT,
            body="Referatet ligger nu i portalen.",
            link="/kkr/sjaelland/",
            council=person.council,
        )
        db.session.commit()
        email = person.email
        db.session.remove()

    # The worker, as `flask notifications send` runs it, against the live portal's database.
    smtp_before = app.config["PORTAL_SMTP"]
    app.config.update(PORTAL_SMTP=smtp.settings, PORTAL_BASE_URL=live_server.url)
    try:
        with app.app_context():
            report = deliver_batch("browser-test", limit=500)
            db.session.remove()
    finally:
        app.config["PORTAL_SMTP"] = smtp_before
    assert report.sent >= 1
    [message] = [m for m in smtp.messages if m["Subject"] == SUBJECT]
    assert email in message["To"] and "KKR Sjælland" in message["From"]
    text = message.get_body(("plain",)).get_content()
    link = next(line for line in text.splitlines() if line.startswith(live_server.url))
    assert link == live_server.url + "/kkr/sjaelland/"

    sign_in_as(page, "Medlemmer", demo_people.chair)
    page.get_by_role("link", name="Beskeder").first.click()
    notice = page.get_by_role("listitem").filter(has_text=SUBJECT)
    expect(notice).to_be_visible()
    assert_accessible(page)
    # The e-mail's link leads to the page the notice is about.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("KKR Sjælland")

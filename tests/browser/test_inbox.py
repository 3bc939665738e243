"""Beskeder in the browser: the unread count in the header (kept current by its poll and by
every change), marking read with htmx without a reload, the settings page with the private
calendar address, and the secretariat's e-mails that could not be sent; axe on each page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.notifications.models import EmailStatus, Notice, NoticeKind
from portal.notifications.operations import notify
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


def give_notice(live_server: LiveServer, name: str, subject: str, *, dead: bool = False) -> None:
    """A notice for the demo person `name`, written straight into the live portal's database
    (as an operation would, through notify) and committed."""
    with live_server.app.app_context():
        person = db.session.scalar(select(Person).where(Person.name == name))
        council = db.session.scalar(select(Council).where(Council.slug == "sjaelland"))
        (notice,) = notify(
            [person],
            NoticeKind.GENERAL,
            subject=subject,
            body=f"{subject}: der er nyt i portalen.",
            link="/overblik",
            council=council,
        )
        if dead:
            notice.email_status = EmailStatus.DEAD
            notice.attempts = 8
            notice.last_error = "550 5.1.1 Recipient address rejected"
        db.session.commit()
        db.session.remove()


def read_everything(live_server: LiveServer, name: str) -> None:
    """Start from an empty unread count, whatever other tests gave this person."""
    with live_server.app.app_context():
        person_id = db.session.scalar(select(Person.id).where(Person.name == name))
        db.session.execute(
            update(Notice).where(Notice.recipient_id == person_id).values(read_at=Notice.created_at)
        )
        db.session.commit()
        db.session.remove()


def inbox_link(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name=re.compile(r"^Beskeder")
    )


def test_member_reads_notices_and_creates_a_calendar_address(
    page: Page, demo_people: DemoPeople, live_server: LiveServer
):
    name = demo_people.substituted_member
    read_everything(live_server, name)
    give_notice(live_server, name, "Mødet er flyttet")
    give_notice(live_server, name, "Nyt punkt på dagsordenen")
    page.clock.install()  # the header's poll runs on the page's timers: the test moves them on
    sign_in_as(page, "Medlemmer", name)

    # The count in the header: "(2)" to the eye, "(2) ulæste" to a screen reader.
    expect(inbox_link(page)).to_have_accessible_name("Beskeder (2) ulæste")
    count = page.locator("#unread-count")
    expect(count).to_contain_text("(2)")
    expect(count.locator(".visually-hidden")).to_have_text("ulæste", use_inner_text=False)

    # A new notice arrives; within a minute the poll shows it, without a reload.
    page.evaluate("window.notReloaded = true")
    give_notice(live_server, name, "Husk fristen")
    with page.expect_response("**/beskeder/antal") as polled:
        page.clock.run_for("01:00")
    assert polled.value.status == 200
    expect(inbox_link(page)).to_have_accessible_name("Beskeder (3) ulæste")
    assert page.evaluate("window.notReloaded === true")

    inbox_link(page).click()
    page.wait_for_url("**/beskeder")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beskeder")
    notices = page.locator(".inbox-item")
    expect(notices).to_have_count(3)
    expect(notices.first).to_contain_text("Ulæst")
    expect(notices.first).to_contain_text("Husk fristen")
    assert_accessible(page)

    # Mark one read with htmx: the row and the header change, the page does not reload.
    page.evaluate("window.notReloaded = true")
    with page.expect_response(re.compile(r"/beskeder/\d+/laest$")) as answer:
        page.get_by_role("button", name=re.compile(r"^Markér som læst\W+Husk fristen$")).click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(notices.first).not_to_contain_text("Ulæst")
    expect(inbox_link(page)).to_have_accessible_name("Beskeder (2) ulæste")
    expect(page.get_by_role("status")).to_contain_text("Beskeden er markeret som læst.")
    expect(page.get_by_role("link", name=re.compile(r"^Åbn\W+Husk fristen$"))).to_be_focused()
    assert page.evaluate("window.notReloaded === true")
    assert_accessible(page)

    # And all of them.
    page.get_by_role("button", name="Markér alle som læst").click()
    expect(inbox_link(page)).to_have_accessible_name("Beskeder")
    expect(page.locator(".inbox-item.unread")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Alle beskeder er markeret som læst.")
    expect(page.get_by_role("button", name="Markér alle som læst")).to_have_count(0)
    assert page.evaluate("window.notReloaded === true")
    assert_accessible(page)

    # The settings: e-mail choices, with the urgent kinds always e-mailed.
    page.get_by_role("link", name=re.compile("^Vælg, hvilke beskeder")).click()
    page.wait_for_url("**/beskeder/indstillinger")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indstillinger for beskeder")
    urgent = page.get_by_role("group", name="Indkaldelse af stedfortræder")
    expect(urgent.get_by_role("radio", name="Kun indbakke")).to_be_disabled()
    expect(urgent.get_by_role("radio", name="E-mail og indbakke")).to_be_checked()
    assert_accessible(page)
    changes = page.get_by_role("group", name="Ændringer af møder")
    changes.get_by_role("radio", name="Kun indbakke").check()
    page.get_by_role("button", name="Gem valg").click()
    expect(page.get_by_role("status")).to_contain_text("Dine valg er gemt.")
    expect(changes.get_by_role("radio", name="Kun indbakke")).to_be_checked()

    # A private calendar address, shown once.
    page.get_by_role("button", name="Opret kalenderadresse").click()
    address = page.get_by_label("Kalenderadresse", exact=True)
    expect(address).to_have_value(re.compile(r"/kalender/[A-Za-z0-9_-]{43}\.ics$"))
    expect(address).to_have_accessible_description(re.compile("vises kun denne ene gang"))
    assert_accessible(page)
    path = "/kalender/" + address.input_value().split("/kalender/")[1]
    feed = page.request.get(live_server.url + path)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text() and "KKR Sjælland: møde" in feed.text()
    page.reload()
    expect(page.get_by_label("Kalenderadresse", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Tilbagekald").click()
    expect(page.get_by_text("Du har ingen kalenderadresse.")).to_be_visible()
    assert page.request.get(live_server.url + path).status == 404


def test_staff_see_and_retry_emails_that_could_not_be_sent(
    page: Page, demo_people: DemoPeople, live_server: LiveServer
):
    give_notice(live_server, demo_people.chair, "Opgivet e-mail", dead=True)
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.goto("/kkr/sjaelland/admin/")
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Udsendelser"
    ).click()
    page.wait_for_url("**/admin/udsendelser")
    expect(page.get_by_role("heading", level=1)).to_contain_text("udsendelser")
    row = page.get_by_role("row").filter(has_text="Opgivet e-mail")
    expect(row).to_contain_text(demo_people.chair)
    expect(row).to_contain_text("Recipient address rejected")
    assert_accessible(page)
    row.get_by_role("button", name=re.compile("^Send igen")).click()
    expect(page.get_by_role("status")).to_contain_text("sendes igen")
    expect(page.get_by_role("row").filter(has_text="Opgivet e-mail")).to_have_count(0)
    assert_accessible(page)

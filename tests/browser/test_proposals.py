"""Proposals in the browser (rule 3.2): a member proposes an item with a small real PDF from
'Mit overblik' (inline validation, the character count and the countdown at work), the
secretariat places it on the agenda, and the member sees the new status and the notice in
Beskeder; axe on every page on the way.

The live server is shared by the whole browser session: this test uses a group-elected member
no other test relies on, and the last meeting of the demo plan (others use the next one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from portal.councils.models import Membership, MembershipKind
from portal.extensions import db
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as
from tests.proposals.scene import tiny_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Page

TITLE = "Fælles plan for regionale busruter"


@pytest.fixture
def upload_folder(live_server: LiveServer, tmp_path: Path) -> Iterator[Path]:
    """Files go to the test's folder, not to the developer's instance/."""
    config = live_server.app.config
    before = config["PORTAL_UPLOAD_FOLDER"]
    config["PORTAL_UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    config["PORTAL_UPLOAD_FOLDER"] = before


def proposing_member(live_server: LiveServer) -> str:
    """The demo council's second-to-last group-elected member."""
    with live_server.app.app_context():
        memberships = db.session.scalars(
            select(Membership)
            .where(Membership.kind == MembershipKind.GROUP_ELECTED)
            .order_by(Membership.id.desc())
        ).all()
        name = memberships[1].person.name
        db.session.remove()
    return name


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/logget-ud")


def test_rule_3_2_a_member_proposes_staff_place_it_and_the_member_is_told(
    page: Page, demo_people: DemoPeople, live_server: LiveServer, upload_folder: Path, tmp_path
):
    member = proposing_member(live_server)
    pdf = tmp_path / "Notat om busruter.pdf"
    pdf.write_bytes(tiny_pdf("Busruter"))

    # The member starts from 'Mit overblik', at the last meeting of the plan.
    sign_in_as(page, "Medlemmer", member)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Stil forslag")).last.click()
    page.wait_for_url(re.compile(r"/forslag/nyt\?moede=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nyt forslag til dagsordenen")
    # countdown.js adds the time left beside the deadline.
    expect(page.locator("#meeting_id-hint .countdown")).to_contain_text("tilbage")

    # Inline validation: a title too long is told at once, in the field's own block.
    title = page.get_by_label("Titel")
    title.fill("x" * 301)
    with page.expect_response(re.compile(r"/forslag/valider\?felt=title$")) as answer:
        page.get_by_label("Forslaget", exact=True).focus()
    assert answer.value.status == 200
    expect(page.locator("#title-error")).to_have_text("Højst 300 tegn.")
    expect(title).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    title.fill(TITLE)
    with page.expect_response(re.compile(r"/forslag/valider\?felt=title$")):
        page.get_by_label("Forslaget", exact=True).focus()
    expect(page.locator("#title-error")).to_have_count(0)

    body = "Rådet drøfter en fælles plan for busruterne.\n\nRuterne skal hænge sammen."
    page.get_by_label("Forslaget", exact=True).fill(body)
    expect(page.locator("#body-count")).to_have_text(f"{len(body)} af 20.000 tegn")
    page.get_by_label("Hvorfor er emnet af regional eller tværkommunal karakter?").fill(
        "Busserne kører på tværs af ni kommuner."
    )
    page.get_by_label("Bilag (frivilligt)").set_input_files(pdf)
    assert_accessible(page)
    with page.expect_response(re.compile(r"/forslag/nyt$")) as answer:
        page.get_by_role("button", name="Indsend forslaget").click()
    assert answer.value.status == 204  # htmx: the proposal's page loads whole (HX-Redirect)
    page.wait_for_url(re.compile(r"/forslag/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Dit forslag er indsendt")
    expect(page.locator("#proposal-status")).to_have_text("Indsendt")
    expect(page.get_by_role("link", name="Notat om busruter.pdf")).to_be_visible()
    expect(page.locator(".typed").filter(has_text="Ruterne skal hænge sammen.")).to_be_visible()
    assert_accessible(page)
    assert len(list(upload_folder.iterdir())) == 1
    sign_out(page)

    # The secretariat: the proposals received, then this one placed on the agenda.
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Forslag"
    ).click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(member)
    expect(row).to_contain_text("Indsendt")
    expect(row.get_by_role("link", name="Notat om busruter.pdf")).to_be_visible()
    assert_accessible(page)
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r"/admin/forslag/\d+$"))
    expect(page.get_by_role("heading", name="Returnér forslaget")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sæt forslaget på dagsordenen").click()
    expect(page.get_by_role("status")).to_contain_text("sat på dagsordenen")
    expect(page.locator("#proposal-status")).to_have_text("Sat på dagsordenen")
    assert_accessible(page)
    sign_out(page)

    # The member sees the notice in Beskeder and the new status on the proposal.
    sign_in_as(page, "Medlemmer", member)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name=re.compile(r"^Beskeder")
    ).click()
    page.wait_for_url("**/beskeder")
    notice = page.locator(".inbox-item").filter(has_text="Dit forslag er sat på dagsordenen")
    expect(notice.first).to_contain_text(TITLE)
    expect(page.locator(".inbox-item").filter(has_text="Kvittering for forslag")).to_have_count(1)
    assert_accessible(page)
    notice.first.get_by_role("link", name=re.compile(r"^Åbn")).click()
    page.wait_for_url(re.compile(r"/forslag/\d+$"))
    expect(page.locator("#proposal-status")).to_have_text("Sat på dagsordenen")
    expect(page.get_by_role("main")).to_contain_text("Sat på dagsordenen")
    assert_accessible(page)

    # ... and among their proposals, from 'Mit overblik'.
    page.get_by_role("link", name="Mit overblik").click()
    page.get_by_role("link", name="Dine forslag til dagsordenen").click()
    page.wait_for_url("**/forslag")
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Sat på dagsordenen")
    assert_accessible(page)

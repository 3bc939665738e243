"""Appointments in the browser (rule 3.8): staff create a body with 3 seats, run a d'Hondt
round over the council's groups with a joint group (valggruppe), name a person for each seat
(the joint group names its own for the seats it won) and publish; the public appointments page
lists them. axe on every page on the way.

The live server is shared by the whole browser session: this test adds its own body and
names group-elected members no other test relies on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from portal.councils.models import Group, Membership, MembershipKind
from portal.extensions import db
from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, LiveServer, sign_in_as

if TYPE_CHECKING:
    from playwright.sync_api import Page

BODY = "Det regionale arbejdsmarkedsråd (browsertest)"


def last_group_elected(
    live_server: LiveServer, letters: tuple[str, ...]
) -> dict[str, tuple[str, str]]:
    """Each group (as the select shows it) and its last group-elected member ("name,
    municipality"), to be named for its seat."""
    with live_server.app.app_context():
        chosen = {}
        for letter in letters:
            membership = db.session.scalars(
                select(Membership)
                .join(Group, Group.id == Membership.group_id)
                .where(Group.letter == letter, Membership.kind == MembershipKind.GROUP_ELECTED)
                .order_by(Membership.id.desc())
            ).first()
            assert membership is not None
            chosen[letter] = (
                f"{letter} · {membership.group.name}",
                f"{membership.person.name}, {membership.municipality.name}",
            )
        db.session.remove()
    return chosen


def submit(page: Page, button: str, url: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(re.compile(url))


def test_rule_3_8_a_dhondt_round_with_a_joint_group_from_body_to_public_page(
    page: Page, demo_people: DemoPeople, live_server: LiveServer
):
    appointees = last_group_elected(live_server, ("A", "V", "C"))
    start = live_server.today.year + 1  # a term ahead: the names run from its first day
    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Udpegninger"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("udpegninger")
    assert_accessible(page)

    # A body with three seats.
    page.get_by_role("link", name="Opret organ").click()
    page.get_by_label("Navn").fill(BODY)
    page.get_by_label("Antal pladser").fill("3")
    page.get_by_label("Periode fra og med").fill(f"{start}-01-01")
    page.get_by_label("Periode til og med").fill(f"{start + 4}-03-31")
    page.get_by_label("Hjemmel").fill(
        "Lov om organisering og understøttelse af beskæftigelsesindsatsen"
    )
    assert_accessible(page)
    submit(page, "Gem", r"/sekretariat/udpegninger$")
    page.get_by_role("link", name=BODY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BODY)
    assert_accessible(page)

    # Three seats: proportional representation over the groups' members present.
    expect(page.get_by_label("Pladser der skal besættes")).to_have_value("3")
    submit(page, "Start udpegning", r"/runder/\d+$")
    expect(page.get_by_label("Medlemmer til stede for A")).to_have_value("10")
    page.get_by_label("Valggruppe for V").select_option(label="Valggruppe 1")
    page.get_by_label("Valggruppe for C").select_option(label="Valggruppe 1")
    assert_accessible(page)
    submit(page, "Beregn fordelingen", r"/runder/\d+$")
    expect(page.get_by_role("status")).to_contain_text("Fordelingen er beregnet.")
    # V+C pool 9 + 6 = 15 > A's 10 > 15 ÷ 2 = 7,50: two seats to the joint group, one to A,
    # with no split inside the joint group.
    main = page.get_by_role("main")
    expect(main).to_contain_text("Valggruppe V · Venstre + C · Det Konservative Folkeparti: 2")
    steps = page.locator("ol").filter(has_text="kvotient")
    expect(steps.get_by_role("listitem")).to_have_count(3)
    expect(steps.get_by_role("listitem").nth(0)).to_contain_text("kvotient 15")
    expect(steps.get_by_role("listitem").nth(2)).to_contain_text("7,50")
    assert_accessible(page)

    # Each group names its person, the joint group its two; then staff publish.
    joint = f"Valggruppe {appointees['V'][0]} + {appointees['C'][0]}"
    for letter in ("A", "V", "C"):
        group, person = appointees[letter]
        choice = group if letter == "A" else joint
        page.get_by_label("Gruppe eller valggruppe", exact=True).select_option(label=choice)
        page.get_by_label("Person", exact=True).select_option(label=person)
        page.get_by_role("button", name="Udpeg", exact=True).click()
        # The same address again: wait for the new page, with the person in the table.
        named = page.get_by_role("table", name="Udpegede i runden")
        expect(named.get_by_role("row").filter(has_text=person.split(", ")[0])).to_have_count(1)
    expect(page.get_by_role("button", name="Udpeg", exact=True)).to_have_count(0)  # all named
    assert_accessible(page)
    submit(page, "Offentliggør udpegningerne", r"/runder/\d+$")
    expect(page.get_by_role("status")).to_contain_text("offentliggjort")
    expect(page.get_by_role("main")).to_contain_text("Offentliggjort")
    assert_accessible(page)

    # The public page lists body, person, municipality, group and term.
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/logget-ud")
    page.goto("/kkr/sjaelland/")
    page.get_by_role("navigation", name="Rådets sider").get_by_role(
        "link", name="Udpegninger"
    ).click()
    page.wait_for_url("**/kkr/sjaelland/udpegninger")
    table = page.get_by_role("table")
    for group, text in appointees.values():
        person, municipality = text.split(", ")
        row = table.get_by_role("row").filter(has_text=person)
        expect(row).to_contain_text(BODY)
        expect(row).to_contain_text(municipality)
        expect(row).to_contain_text(group)
        expect(row).to_contain_text(re.compile(f"1. januar {start} – .* 31. marts {start + 4}"))
    assert_accessible(page)

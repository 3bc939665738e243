"""The composition after a municipal election in the browser (rules 1.0–1.1): staff create the
election, upload the results as CSV (a bad file first: its lines are named, nothing stored),
see the composition with its chart and table, and confirm it; axe on every state, and no CSP
violation or script error on the way (the upload goes through static/js/upload-progress.js).

The live server is shared by the whole browser session: this test adds an election to the
demo council, which no other test reads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.browser import expect
from tests.browser.axe import assert_accessible
from tests.browser.live import DemoPeople, sign_in_as
from tests.browser.test_csp import RECORD_CSP_VIOLATIONS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

RESULTS = """name,votes,mayors,council_seats,letter
Socialdemokratiet,180000,7,160,A
Venstre,130000,6,120,V
Det Konservative Folkeparti,90000,4,80,C
SF,40000,0,30,F
Dansk Folkeparti,35000,0,25,O
"Listesamarbejdet B, I og Ø",45000,0,35,BIØ
Kristendemokraterne,3000,0,1,K
"""
BAD = "name,votes,mayors,council_seats\nSocialdemokratiet,180000,7,160\nVenstre,mange,6,120\n"


def csv_file(text: str) -> dict[str, object]:
    return {"name": "resultater.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_staff_upload_results_see_the_composition_and_confirm_it(
    context: BrowserContext, demo_people: DemoPeople
):
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in_as(page, "Sekretariatet", demo_people.staff)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Valg").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("valg og sammensætning")
    assert_accessible(page)

    page.get_by_label("Valgdag").fill("2025-11-18")
    expect(page.get_by_label("Antal kommuner i regionen")).to_have_value("17")
    page.get_by_role("button", name="Opret valg").click()
    page.wait_for_url(re.compile(r"/sekretariat/valg/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kommunalvalget tirsdag 18. november 2025"
    )
    assert_accessible(page)

    # A bad file: the lines are named, nothing is stored, the form stays where it was.
    upload = page.get_by_label("CSV-fil med resultaterne")
    upload.set_input_files(csv_file(BAD))
    with page.expect_response(re.compile(r"/import$")) as answer:
        page.get_by_role("button", name="Indlæs").click()
    assert answer.value.status == 422
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text(
        "Linje 3: stemmer skal være et helt tal fra 0 til 100.000.000, ikke »mange«."
    )
    expect(problems).to_contain_text("Intet er gemt.")
    expect(page.get_by_text("Ingen resultater endnu.")).to_be_visible()
    assert_accessible(page)

    # The real file: the page comes back with the composition, its chart and its table.
    page.get_by_label("CSV-fil med resultaterne").set_input_files(csv_file(RESULTS))
    with page.expect_response(re.compile(r"/import$")) as answer:
        page.get_by_role("button", name="Indlæs").click()
    assert answer.value.status == 204  # htmx: the page is loaded again (HX-Redirect)
    expect(page.locator(".flashes")).to_contain_text("7 grupper er indlæst fra filen.")
    chart = page.get_by_role("img", name="Andel af stemmerne og andel af pladserne pr. gruppe")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_description(re.compile(r"A · Socialdemokratiet: stemmer"))
    workings = page.get_by_role("table", name="Beregningen pr. gruppe")
    expect(workings.get_by_role("row")).to_have_count(9)  # heading, 7 groups, total
    row = workings.get_by_role("row", name=re.compile(r"^K · Kristendemokraterne"))
    expect(row).to_contain_text("nej")  # under 2 % of the votes: no supplementary seat
    facts = page.locator("#composition .facts")
    expect(facts).to_contain_text("Loft34 medlemmer")  # 2 × 17 municipalities
    expect(facts).to_contain_text("Rådets størrelse22 medlemmer")
    assert_accessible(page)

    page.get_by_role("button", name="Godkend sammensætningen").click()
    expect(page.locator(".flashes")).to_contain_text("Sammensætningen er godkendt")
    expect(page.locator(".facts").first).to_contain_text("Godkendt")
    expect(page.get_by_role("button", name="Godkend sammensætningen")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Gruppen vælger")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Det konstituerende møde, formand og næstformand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det konstituerende møde")
    expect(page.locator("#seat-order")).to_contain_text("Formand:")
    assert_accessible(page)
    # Rule 1.3: the meeting by 31 January; once it is past, the persons elected are recorded.
    page.get_by_label("Det konstituerende møde").fill("2026-01-14T10:00")
    page.get_by_role("button", name="Gem tidspunktet").click()
    expect(page.locator(".flashes")).to_contain_text("Tidspunktet for det konstituerende møde")
    expect(page.get_by_text("Fristen for at anmelde valgforbund er udløbet.")).to_be_visible()
    expect(page.get_by_role("button", name="Registrér formand og næstformand")).to_be_visible()
    assert_accessible(page)

    assert page.evaluate("window.__cspViolations") == []
    assert errors == []

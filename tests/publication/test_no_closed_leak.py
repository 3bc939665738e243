"""Rule 3.0: a closed item is never in a public response.

One council holds a meeting whose published agenda and minutes have a closed item from the
start and an item closed in the second version, and a meeting whose agenda is not published
(only shared with members). Every GET URL of the public and publication blueprints is then
requested with every combination of ids, anonymously, as a signed-in outsider and under htmx;
PDFs are read as text, and the search is asked for every secret word. None of the closed items'
titles, texts, decisions or file names may appear, and unpublished material is not found.
"""

from __future__ import annotations

import io
import itertools

from flask import Flask, url_for
from pypdf import PdfReader

from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_council, make_meeting, make_person, make_staff
from tests.publication.scene import (
    HTMX,
    OPEN_FILE,
    OPEN_TITLE,
    SECRET_DECISION,
    SECRET_FILE,
    SECRET_PRESENTATION,
    SECRET_RECOMMENDATION,
    SECRET_TITLE,
    attach,
    make_item,
    publish_agenda,
    publish_minutes,
    record_minutes,
)

# The item that was open in version 1 and closed in version 2.
LATER_CLOSED = {
    "title": "Bæverprojektet ved Gyrstinge",
    "presentation": "Bæverfremstilling om en enkelt borger",
    "recommendation": "Bæverindstilling om erstatning",
    "decision": "Bæverbeslutning om forlig",
    "file": "baeverbilag-forlig.pdf",
}
# The meeting whose agenda is not published: nothing of it is public.
UNPUBLISHED = {
    "title": "Pelikanplanen for kysten",
    "presentation": "Pelikanfremstilling i udkast",
    "file": "pelikanbilag.pdf",
}
SECRETS = [
    SECRET_TITLE,
    SECRET_PRESENTATION,
    SECRET_RECOMMENDATION,
    SECRET_DECISION,
    SECRET_FILE,
    "Zebrafinkesagen",
    "Okapifremstilling",
    "Quokkaindstilling",
    "Narhvalbeslutning",
    "tapirbilag",
    *LATER_CLOSED.values(),
    "Bæverprojektet",
    "Bæverfremstilling",
    "Bæverindstilling",
    "Bæverbeslutning",
    "baeverbilag",
    *UNPUBLISHED.values(),
    "Pelikanplanen",
    "Pelikanfremstilling",
    "pelikanbilag",
]
SEARCH_WORDS = [
    "Zebrafinkesagen",
    "Okapifremstilling",
    "Quokkaindstilling",
    "Narhvalbeslutning",
    "tapirbilag",
    "Bæverprojektet",
    "Bæverfremstilling",
    "Bæverindstilling",
    "Bæverbeslutning",
    "Pelikanplanen",
    "Pelikanfremstilling",
]


def build_council():  # noqa: ANN201
    council = make_council(name="KKR Lækketest")
    staff = make_staff(council)
    meeting = make_meeting(council, days_ahead=10)
    open_item = make_item(meeting, OPEN_TITLE, presentation="Åben sagsfremstilling.")
    secret = make_item(
        meeting,
        SECRET_TITLE,
        closed=True,
        presentation=SECRET_PRESENTATION,
        recommendation=SECRET_RECOMMENDATION,
    )
    later = make_item(
        meeting,
        LATER_CLOSED["title"],
        presentation=LATER_CLOSED["presentation"],
        recommendation=LATER_CLOSED["recommendation"],
    )
    files = {
        "open": attach(open_item, OPEN_FILE, staff),
        "secret": attach(secret, SECRET_FILE, staff),
        "later": attach(later, LATER_CLOSED["file"], staff),
    }
    publish_agenda(meeting)  # version 1: the later-closed item is still open
    later.closed = True
    publish_agenda(meeting)  # version 2: "Rettet dagsorden"
    record_minutes(open_item, "Godkendt.", votes=(5, 1, 0))
    record_minutes(secret, SECRET_DECISION, votes=(3, 3, 0))
    record_minutes(later, LATER_CLOSED["decision"])
    publish_minutes(
        meeting,
        attendance={"present": ["Anna Andersen"], "absent": []},
        results={1: "adopted", 2: "rejected", 3: "adopted"},
    )

    draft = make_meeting(council, days_ahead=20)
    draft_item = make_item(draft, UNPUBLISHED["title"], presentation=UNPUBLISHED["presentation"])
    files["draft"] = attach(draft_item, UNPUBLISHED["file"], staff)
    draft.agenda_shared_at = utcnow()
    return council, meeting, draft, files


def public_requests(app: Flask, council, meetings, files) -> list[tuple[str, str]]:  # noqa: ANN001
    """(endpoint, url) for every GET route of the public site and every combination of ids."""
    choices = {
        "council_slug": [council.slug],
        "meeting_id": [meeting.id for meeting in meetings],
        "attachment_id": [attachment.id for attachment in files.values()],
    }
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] not in {"public", "publication"}:
                continue
            if "GET" not in rule.methods:
                continue
            arguments = sorted(rule.arguments)
            assert set(arguments) <= set(choices), f"no test values for {rule}"
            for values in itertools.product(*(choices[name] for name in arguments)):
                found.append(
                    (
                        rule.endpoint,
                        url_for(rule.endpoint, **dict(zip(arguments, values, strict=True))),
                    )
                )
    return found


def readable(response) -> str:  # noqa: ANN001
    """The response as text a person could read: PDFs through pypdf, and every header."""
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        body = ""  # a file as uploaded (the open item's): its name is in the headers
    elif response.mimetype == "application/pdf" and response.status_code == 200:
        reader = PdfReader(io.BytesIO(response.data))
        body = "\n".join(page.extract_text() for page in reader.pages)
        body += " " + " ".join(str(value) for value in (reader.metadata or {}).values())
    else:
        body = response.get_data(as_text=True)
    headers = " ".join(f"{key}: {value}" for key, value in response.headers.items())
    return " ".join(f"{body}\n{headers}".split())


def assert_no_secret(text: str, where: str) -> None:
    lowered = text.lower()
    leaked = [secret for secret in SECRETS if secret.lower() in lowered]
    assert not leaked, f"{where} shows {leaked}"


def test_rule_3_0_no_public_url_shows_a_closed_or_unpublished_item(app, client):
    council, meeting, draft, files = build_council()
    requests = public_requests(app, council, [meeting, draft], files)
    endpoints = {endpoint for endpoint, _ in requests}
    assert {
        "public.show_meeting_plan",
        "publication.show_agenda",
        "publication.show_minutes",
        "publication.agenda_pdf",
        "publication.minutes_pdf",
        "publication.download_attachment",
        "publication.list_publications",
        "publication.search_publications",
        "publication.atom_feed",
        "publication.meeting_plan_ics",
        "publication.member_agenda_pdf",
    } <= endpoints
    outsider = make_person(make_council())
    statuses: dict[str, int] = {}
    # The public PDFs do not depend on who asks: rendered for the anonymous visitor only.
    same_for_all = {"publication.agenda_pdf", "publication.minutes_pdf"}
    for who in ("anonymous", "outsider"):
        if who == "outsider":
            sign_in(client, outsider)
        for endpoint, url in requests:
            if who == "outsider" and endpoint in same_for_all:
                continue
            response = client.get(url)
            assert response.status_code < 500, url
            assert_no_secret(readable(response), f"{url} ({who})")
            if who == "anonymous":
                statuses[url] = response.status_code
            if response.mimetype == "text/html":
                fragment = client.get(url, headers=HTMX)
                assert_no_secret(readable(fragment), f"{url} ({who}, htmx)")

    def status(page: str, of=meeting) -> int:  # noqa: ANN001
        return statuses[f"/kkr/{council.slug}/moeder/{of.id}/{page}"]

    # The published meeting's pages are there (and were checked above) ...
    for page in ("dagsorden", "referat", "dagsorden.pdf", "referat.pdf"):
        assert status(page) == 200, page
        # ... the unpublished meeting's are not.
        assert status(page, draft) == 404, page
    # Only the open item's file is public, and only through its own meeting.
    assert status(f"bilag/{files['open'].id}") == 200
    for name in ("secret", "later", "draft"):
        assert status(f"bilag/{files[name].id}") == 404, name
        assert status(f"bilag/{files[name].id}", draft) == 404, name
    assert status(f"bilag/{files['open'].id}", draft) == 404
    # The members' material needs sign-in.
    assert status("materiale/dagsorden.pdf") == 302


def test_rule_3_0_search_finds_no_closed_or_unpublished_item(client):
    council, _meeting, _draft, _files = build_council()
    for word in SEARCH_WORDS:
        url = f"/kkr/{council.slug}/soeg?q={word}"
        fragment = client.get(url, headers=HTMX).get_data(as_text=True)
        assert "Ingen dagsordener eller referater indeholder det søgte." in fragment, word
        assert_no_secret(fragment, url)
        page = client.get(url).get_data(as_text=True)
        # The page repeats what was typed (the search box, the language form's return path).
        page = page.replace(f'value="{word}"', "").replace(f"q={word}", "")
        assert_no_secret(page, url)
    # The open item is found, so the search itself works.
    assert "<mark>Kollektiv</mark>" in client.get(f"/kkr/{council.slug}/soeg?q=kollektiv").get_data(
        as_text=True
    )

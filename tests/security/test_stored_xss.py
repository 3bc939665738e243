"""Issue #8: stored XSS payloads in every free-text field that reaches other people are inert
wherever they are shown: member, staff and public pages, the notice e-mails (text and HTML),
the public PDFs, the Atom feed and the calendar feeds.

Each field carries its own tag before the payload, so the test also proves that every field
reached some page (the payload is shown escaped, not dropped)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from portal.agendas import operations as agenda_operations
from portal.agendas.models import ItemMinutes, PublicationKind
from portal.agendas.publishing import publish
from portal.agendas.snapshot import build_content
from portal.appointments import operations as appointment_operations
from portal.auth.models import Identity
from portal.auth.sessions import open_session
from portal.councils.models import Council, Person
from portal.extensions import db
from portal.meeting_requests import operations as request_operations
from portal.meetings import operations as meeting_operations
from portal.meetings.models import Meeting
from portal.notifications import operations as notice_operations
from portal.notifications.mail import compose
from portal.notifications.models import Notice
from portal.proposals.models import Proposal
from portal.types import utcnow
from tests.conftest import portal_app, sign_in
from tests.factories import (
    make_council,
    make_group,
    make_meeting,
    make_member,
    make_municipality,
    make_person,
    make_staff,
)
from tests.proposals.scene import submitted
from tests.publication.scene import publish_agenda, publish_minutes

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)> javascript:alert(1) X{{7*7}}Y'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def payload(tag: str) -> str:
    return f"{tag} {PAYLOAD}"


# The free-text fields, each tagged: the tag shows which one reached a page.
FIELDS = {
    "proposal title": "Pt1",
    "proposal body": "Pb2",
    "proposal justification": "Pj3",
    "item title": "It4",
    "item presentation": "Ip5",
    "item recommendation": "Ir6",
    "minutes decision": "Md7",
    "meeting location": "Ml8",
    "cancellation reason": "Cr9",
    "person name": "Pn10",
    "municipality name": "Mn11",
    "group name": "Gn12",
    "body name": "Bn13",
    "body notes": "Bo14",
    "late reason": "Lr15",
    "request subject": "Rs16",
    # A person's sign-in, on the secretariat's page of it: an account's id (a provider's
    # sub, or typed by staff) and a session's browser (the User-Agent anyone can send).
    "account subject": "As17",
    "session browser": "Sb18",
}


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def assert_inert(html: str, where: str) -> None:
    """Parsed as a browser would: no element, handler or link came from a payload."""
    assert "<script>alert" not in html, where
    assert "X49Y" not in html, where
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag != "img" or dict(attrs).get("src") != "x", (where, tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (where, tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith("javascript:"), (where, tag)
    assert not [s for s in parser.scripts if "alert(1)" in s], where


@dataclass
class Stage:
    app: Flask
    council: Council
    member: Person  # carries the payload in their name
    neighbour: Person
    staff: Person
    upcoming: Meeting
    past: Meeting
    cancelled: Meeting
    proposal: Proposal
    body_id: int
    seen: dict[str, int] = field(default_factory=dict)

    def record(self, text: str) -> None:
        for tag in FIELDS.values():
            if f"{tag} {ESCAPED}" in text or f"{tag} {PAYLOAD}" in text:
                self.seen[tag] = self.seen.get(tag, 0) + 1


def build_stage(app: Flask) -> Stage:
    now = utcnow()
    council = make_council(slug="xss", name="KKR Test")
    municipality = make_municipality(council, name=payload(FIELDS["municipality name"]))
    group = make_group(council, "A", name=payload(FIELDS["group name"]))
    person = make_person(council, name=payload(FIELDS["person name"]), municipality=municipality)
    member = make_member(council, person, group=group).person
    neighbour = make_member(council, group=group).person
    staff = make_staff(council)
    upcoming = make_meeting(council, days_ahead=40, location=payload(FIELDS["meeting location"]))
    cancelled = make_meeting(council, days_ahead=60)
    past = make_meeting(council, starts_at=now - timedelta(hours=2), location="Rådhuset")

    proposal = submitted(
        member,
        upcoming,
        title=payload(FIELDS["proposal title"]),
        body=payload(FIELDS["proposal body"]),
        justification=payload(FIELDS["proposal justification"]),
    )
    items = {}
    for meeting in (upcoming, past):
        items[meeting.id] = agenda_operations.add_item(
            meeting,
            title=payload(FIELDS["item title"]),
            presentation=payload(FIELDS["item presentation"]),
            recommendation=payload(FIELDS["item recommendation"]),
            closed=False,
            uploads=[],
            by=staff,
            now=now - timedelta(days=3),
        )
    publish(
        upcoming,
        PublicationKind.AGENDA,
        build_content(upcoming),
        by=staff,
        now=now,
        late_reason=payload(FIELDS["late reason"]),
    )
    publish_agenda(past, now=now - timedelta(days=3))
    minutes = ItemMinutes(item=items[past.id], decision=payload(FIELDS["minutes decision"]))
    db.session.add(minutes)
    db.session.flush()
    publish_minutes(past)
    meeting_operations.cancel_meeting(
        cancelled, reason=payload(FIELDS["cancellation reason"]), by=staff, now=now
    )
    body = appointment_operations.save_body(
        council,
        name=payload(FIELDS["body name"]),
        seats=2,
        term_starts_on=date(2026, 1, 1),
        term_ends_on=date(2029, 12, 31),
        legal_basis="Sundhedsloven",
        notes=payload(FIELDS["body notes"]),
    )
    request_operations.start_request(
        council, payload(FIELDS["request subject"]), by=neighbour, now=now
    )
    db.session.add(
        Identity(
            person=member,
            issuer="https://login.example/x",
            subject=payload(FIELDS["account subject"]),
            provider_name="x",
        )
    )
    open_session(member, "x", user_agent=payload(FIELDS["session browser"]))
    db.session.commit()
    return Stage(
        app, council, member, neighbour, staff, upcoming, past, cancelled, proposal, body.id
    )


@pytest.fixture(scope="module")
def stage(schema: str) -> Iterator[Stage]:
    with portal_app(schema) as app:
        yield build_stage(app)


def pages(stage: Stage) -> dict[Person | None, list[str]]:
    slug, up, past = stage.council.slug, stage.upcoming.id, stage.past.id
    admin = f"/kkr/{slug}/admin"
    return {
        stage.member: [
            "/overblik",
            f"/moeder/{up}/dagsorden",
            f"/moeder/{past}/dagsorden",
            f"/moeder/{past}/referat",
            f"/forslag/{stage.proposal.id}",
            "/forslag",
            "/beskeder",
            "/anmodninger",
        ],
        stage.neighbour: ["/overblik", "/beskeder", "/anmodninger"],
        stage.staff: [
            f"{admin}/",
            f"{admin}/moeder/{up}/dagsorden",
            f"{admin}/moeder/{up}/dagsorden/forhaandsvisning",
            f"{admin}/moeder/{past}/referat",
            f"{admin}/moeder/{up}/fremmoede",
            f"{admin}/moeder/{up}/forslag",
            f"{admin}/forslag",
            f"{admin}/forslag/{stage.proposal.id}",
            f"{admin}/personer",
            f"{admin}/kommuner",
            f"{admin}/grupper",
            f"{admin}/moedeplan",
            f"{admin}/historik",
            f"{admin}/anmodninger",
            f"{admin}/dagsordener",
            f"/kkr/{slug}/sekretariat/udpegninger",
            f"/kkr/{slug}/sekretariat/udpegninger/{stage.body_id}",
            f"{admin}/personer/{stage.member.id}/log-ind",
        ],
        None: [
            f"/kkr/{slug}/",
            f"/kkr/{slug}/moeder/{up}/dagsorden",
            f"/kkr/{slug}/moeder/{past}/dagsorden",
            f"/kkr/{slug}/moeder/{past}/referat",
            f"/kkr/{slug}/dagsordener",
            f"/kkr/{slug}/medlemmer",
            f"/kkr/{slug}/udpegninger",
            f"/kkr/{slug}/soeg?q=alert",
            f"/kkr/{slug}/soeg?q=" + PAYLOAD.replace("&", "%26"),
        ],
    }


def test_payloads_are_inert_on_every_page(stage: Stage):
    for person, urls in pages(stage).items():
        client = stage.app.test_client()
        if person is not None:
            sign_in(client, person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html = response.get_data(as_text=True)
            assert_inert(html, url)
            stage.record(html)
    missing = [name for name, tag in FIELDS.items() if tag not in stage.seen]
    assert not missing, missing


def test_payloads_are_inert_in_the_notice_emails(stage: Stage):
    notices = db.session.scalars(select(Notice)).all()
    assert notices
    seen = set()
    for notice in notices:
        message = compose(notice)
        text_part = message.get_body(("plain",)).get_content()
        html_part = message.get_body(("html",)).get_content()
        assert_inert(html_part, notice.subject)
        assert "X49Y" not in text_part and "X49Y" not in str(message["Subject"])
        for name, tag in FIELDS.items():
            if f"{tag} {ESCAPED}" in html_part:
                assert f"{tag} {PAYLOAD}" in text_part  # the text part shows it literally
                seen.add(name)
    # The proposal's receipt and the cancellation reach people with the payloads in them.
    assert {"proposal title", "cancellation reason"} <= seen, seen


def pdf_text_and_links(data: bytes) -> tuple[str, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    links = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            links.append(str(action.get("/URI", "")) + str(action.get("/JS", "")))
    return " ".join(text.split()), links


def test_payloads_are_literal_text_in_the_pdfs(stage: Stage):
    slug = stage.council.slug
    urls = [
        f"/kkr/{slug}/moeder/{stage.upcoming.id}/dagsorden.pdf",
        f"/kkr/{slug}/moeder/{stage.past.id}/dagsorden.pdf",
        f"/kkr/{slug}/moeder/{stage.past.id}/referat.pdf",
    ]
    client = stage.app.test_client()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "application/pdf"
        text, links = pdf_text_and_links(response.data)
        assert "<script>alert(1)</script>" in text, url  # shown, as text
        assert "onerror=alert(1)>" in text, url
        assert "X49Y" not in text, url
        assert not [link for link in links if "javascript" in link.lower()], links


def test_payloads_are_inert_in_the_atom_and_calendar_feeds(stage: Stage):
    client = stage.app.test_client()
    slug = stage.council.slug
    atom = client.get(f"/kkr/{slug}/dagsordener.atom")
    assert atom.status_code == 200
    # Well-formed: nothing broke out of the markup (our own response, not untrusted XML).
    tree = ElementTree.fromstring(atom.data)  # noqa: S314
    assert not [e for e in tree.iter() if e.tag.lower().endswith("script")]
    body = atom.get_data(as_text=True)
    assert "<script>alert" not in body and "X49Y" not in body
    assert FIELDS["item title"] in body or FIELDS["late reason"] in body

    token = notice_operations.create_calendar_feed(stage.member)
    db.session.commit()
    for url in (f"/kkr/{slug}/moedeplan.ics", f"/kalender/{token}.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = response.get_data(as_text=True)
        assert "X49Y" not in calendar
        assert FIELDS["meeting location"] in calendar, url
        unfolded = re.sub(r"\r\n[ \t]", "", calendar)
        names = {line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line}
        assert names <= {
            "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME",
            "X-WR-TIMEZONE", "X-PUBLISHED-TTL", "REFRESH-INTERVAL", "NAME", "UID", "DTSTAMP",
            "DTSTART", "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL", "STATUS",
            "SEQUENCE", "LAST-MODIFIED", "TZID", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME",
            "RRULE", "CREATED", "TRANSP", "CLASS", "COLOR", "SOURCE",
        }, (url, names)  # fmt: skip

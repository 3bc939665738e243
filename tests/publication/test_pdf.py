"""Agendas and minutes as tagged PDF: the public's without closed items, the members' whole."""

from __future__ import annotations

import io
from datetime import datetime

from pypdf import PdfReader

from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_council, make_meeting, make_member, make_person, make_staff
from tests.publication.scene import (
    OPEN_DECISION,
    OPEN_TITLE,
    SECRET_DECISION,
    SECRET_FILE,
    SECRET_PRESENTATION,
    SECRET_TITLE,
    Published,
    make_item,
    publish_agenda,
)


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_rule_3_3_public_agenda_pdf_is_tagged_and_has_no_closed_item(client):
    council = make_council(name="KKR Sjælland")
    meeting = make_meeting(council, starts_at=datetime(2099, 3, 30, 10, tzinfo=COPENHAGEN))
    scene = Published(council, make_staff(council), meeting, minutes=False)
    response = client.get(scene.url("dagsorden.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="dagsorden-2099-03-30.pdf"'
    reader, text = pdf_text(response.data)
    root = reader.trailer["/Root"]
    # Tagged (PDF/UA-1): marked content, a structure tree, the language, the title shown.
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "da"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == (
        "Dagsorden: Ordinært møde 30. marts 2099 kl. 10:00 · KKR Sjælland"
    )
    assert reader.metadata.author == "KKR Sjælland"
    assert "KKR Sjælland" in text and "30. marts 2099" in text
    assert f"1. {OPEN_TITLE}" in text and "Lukket punkt 2" in text
    assert "1 / 1" in text  # page numbers from the CSS counters
    for secret in (SECRET_TITLE, SECRET_PRESENTATION, SECRET_FILE):
        assert secret not in text


def test_rule_3_4_public_minutes_pdf_has_decisions(client):
    council = make_council()
    scene = Published(council, make_staff(council), make_meeting(council))
    make_item(scene.meeting, "Ekstra punkt", presentation="Efter offentliggørelsen.")
    response = client.get(scene.url("referat.pdf"))
    reader, text = pdf_text(response.data)
    assert OPEN_DECISION in text and "Vedtaget" in text and "Anna Andersen" in text
    assert SECRET_DECISION not in text and SECRET_TITLE not in text
    # The minutes were published before the extra item: the PDF is the snapshot's.
    assert "Ekstra punkt" not in text


def test_rule_3_3_long_agenda_pdf_numbers_its_pages(client):
    council = make_council()
    meeting = make_meeting(council)
    for number in range(3):
        make_item(meeting, f"Punkt om emne {number}", presentation="En lang tekst. " * 250)
    publish_agenda(meeting)
    response = client.get(f"/kkr/{council.slug}/moeder/{meeting.id}/dagsorden.pdf")
    reader, text = pdf_text(response.data)
    pages = len(reader.pages)
    assert pages > 2
    assert f"1 / {pages}" in text and f"{pages} / {pages}" in text
    # The running head names the council from page 2 on.
    assert council.name in reader.pages[1].extract_text()


def test_rule_3_0_members_pdf_has_the_closed_items_and_is_guarded(client):
    council = make_council()
    scene = Published(council, make_staff(council), make_meeting(council))
    member = make_member(council).person
    url = scene.url("materiale/dagsorden.pdf")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/log-ind" in anonymous.headers["Location"]
    assert url not in client.get(scene.url("dagsorden")).get_data(as_text=True)
    sign_in(client, make_person())  # signed in, but not of this council
    assert client.get(url).status_code == 403
    assert url not in client.get(scene.url("dagsorden")).get_data(as_text=True)
    sign_in(client, make_member(make_council()).person)  # a member of another council
    assert client.get(url).status_code == 403
    sign_in(client, member)
    assert f'href="{url}"' in client.get(scene.url("dagsorden")).get_data(as_text=True)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(response.data)[1]
    assert SECRET_TITLE in text and SECRET_PRESENTATION in text and SECRET_FILE in text
    assert "Fortroligt" in text
    minutes = pdf_text(client.get(scene.url("materiale/referat.pdf")).data)[1]
    assert SECRET_DECISION in minutes


def test_rule_3_0_members_pdf_of_a_shared_draft(client):
    council = make_council()
    meeting = make_meeting(council)
    make_item(meeting, "Udkastets punkt", closed=True)
    member = make_member(council).person
    sign_in(client, member)
    url = f"/kkr/{council.slug}/moeder/{meeting.id}/materiale/dagsorden.pdf"
    assert client.get(url).status_code == 404  # not shared yet
    meeting.agenda_shared_at = utcnow()
    text = pdf_text(client.get(url).data)[1]
    assert "Udkastets punkt" in text and "Udkast" in text
    assert client.get(f"/kkr/{council.slug}/moeder/{meeting.id}/dagsorden.pdf").status_code == 404

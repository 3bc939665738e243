"""A council with a meeting, an agenda to build, and everyone rule 3.0 must tell apart."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.agendas.models import AgendaItem
from portal.attachments.models import Attachment
from portal.councils.models import Council, Membership, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import utcnow
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute

HTMX = {"HX-Request": "true"}
# Staff confirm the rule 3.2 warning: the scene's meeting still takes proposals.
CONFIRM = {"confirm_pending": "y"}
# The smallest file the portal takes for a PDF: its type is read from these bytes.
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@dataclass
class Scene:
    council: Council
    meeting: Meeting
    seat: Membership  # a member whose substitute may be called in
    substitute: Person  # ... that personal substitute
    neighbour: Membership  # another member
    neighbours_substitute: Person  # a substitute who is not called in
    staff: Person
    other_council: Council
    outsider: Membership  # a member of the other council
    other_staff: Person  # the other council's secretariat
    other_meeting: Meeting

    @property
    def member(self) -> Person:
        return self.seat.person

    def staff_url(self, suffix: str = "", meeting: Meeting | None = None) -> str:
        meeting = meeting or self.meeting
        return f"/kkr/{self.council.slug}/admin/moeder/{meeting.id}/dagsorden{suffix}"

    def item_url(self, item: AgendaItem, suffix: str = "") -> str:
        return self.staff_url(f"/punkter/{item.id}{suffix}")

    def reader_url(self, meeting: Meeting | None = None) -> str:
        return f"/moeder/{(meeting or self.meeting).id}/dagsorden"

    def file_url(self, attachment: Attachment, meeting: Meeting | None = None) -> str:
        return f"/moeder/{(meeting or self.meeting).id}/bilag/{attachment.id}"


def build_scene(days_ahead: int = 30) -> Scene:
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    seat = make_member(council)
    substitute = make_substitute(seat).substitute
    neighbour = make_member(council)
    neighbours_substitute = make_substitute(neighbour).substitute
    staff = make_staff(council)
    meeting = make_meeting(council, days_ahead=days_ahead, location="Sorø Rådhus")
    other_council = make_council(slug="hovedstaden", name="KKR Hovedstaden")
    outsider = make_member(other_council)
    other_staff = make_staff(other_council)
    other_meeting = make_meeting(other_council)
    return Scene(
        council=council,
        meeting=meeting,
        seat=seat,
        substitute=substitute,
        neighbour=neighbour,
        neighbours_substitute=neighbours_substitute,
        staff=staff,
        other_council=other_council,
        outsider=outsider,
        other_staff=other_staff,
        other_meeting=other_meeting,
    )


def make_item(
    meeting: Meeting,
    title: str = "Kollektiv trafik",
    *,
    closed: bool = False,
    presentation: str = "Sagsfremstillingen.",
    recommendation: str = "Det indstilles, at ...",
    proposer: Person | None = None,
) -> AgendaItem:
    position = db.session.scalar(
        select(func.coalesce(func.max(AgendaItem.position), 0)).where(
            AgendaItem.meeting_id == meeting.id
        )
    )
    item = AgendaItem(
        council_id=meeting.council_id,
        meeting_id=meeting.id,
        position=position + 1,
        title=title,
        presentation=presentation,
        recommendation=recommendation,
        closed=closed,
        proposer_id=proposer.id if proposer else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def call_in(
    scene: Scene, answer: CallInAnswer = CallInAnswer.ATTENDING, meeting: Meeting | None = None
) -> SubstituteCallIn:
    """The seat's substitute called in for the meeting, with `answer`."""
    call = SubstituteCallIn(
        council_id=scene.council.id,
        meeting=meeting or scene.meeting,
        membership=scene.seat,
        substitute=scene.substitute,
        answer=answer,
        called_at=utcnow(),
    )
    db.session.add(call)
    db.session.flush()
    return call


def count(model: type, *where: object) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def days_from_now(days: int) -> datetime:
    return utcnow() + timedelta(days=days)


def text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def attach_pdf(item: AgendaItem, by: Person, name: str = "bilag.pdf") -> Attachment:
    from werkzeug.datastructures import FileStorage

    from portal.attachments import storage

    upload = FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")
    return storage.store(upload, council_id=item.council_id, by=by, agenda_item_id=item.id)


def publish(scene: Scene, meeting: Meeting | None = None) -> None:
    from portal.agendas import operations

    meeting = meeting or scene.meeting
    now = utcnow()
    warning = operations.proposal_warning(meeting, now)
    operations.publish_agenda(meeting, by=scene.staff, now=now, acknowledged=warning.ids)

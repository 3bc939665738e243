"""A council with meetings, and everyone the proposal pages have to tell apart (rule 3.2)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.councils.models import Council, CouncilOffice, Membership, Person
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import Notice, NoticeKind
from portal.proposals import operations
from portal.proposals.models import Proposal
from portal.proposals.operations import ProposalText
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.factories import make_council, make_meeting, make_member, make_staff

HTMX = {"HX-Request": "true"}


def tiny_pdf(text: str = "Bilag") -> bytes:
    """A small, real one-page PDF (a valid cross-reference table, readable by any viewer)."""
    stream = f"BT /F1 18 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def tiny_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(content: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


@dataclass
class Scene:
    council: Council
    seat: Membership  # the member who proposes
    neighbour: Membership  # another member of the same council
    chair: Membership
    staff: Person
    meeting: Meeting  # ordinary, its deadline open
    later: Meeting  # the ordinary meeting after it
    extraordinary: Meeting
    other_council: Council
    outsider: Membership  # a member of the other council
    other_staff: Person  # the other council's secretariat
    other_meeting: Meeting

    @property
    def member(self) -> Person:
        return self.seat.person


def at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=COPENHAGEN)


def build_scene() -> Scene:
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    seat = make_member(council)
    neighbour = make_member(council)
    chair = make_member(council, office=CouncilOffice.CHAIR)
    staff = make_staff(council)
    today = utcnow().astimezone(COPENHAGEN).date()
    meeting = make_meeting(council, starts_at=at_ten(today + timedelta(days=40)))
    later = make_meeting(council, starts_at=at_ten(today + timedelta(days=90)))
    extraordinary = make_meeting(
        council, starts_at=at_ten(today + timedelta(days=30)), kind=MeetingKind.EXTRAORDINARY
    )
    other_council = make_council(slug="hovedstaden", name="KKR Hovedstaden")
    outsider = make_member(other_council)
    other_staff = make_staff(other_council)
    other_meeting = make_meeting(other_council, starts_at=at_ten(today + timedelta(days=40)))
    return Scene(
        council=council,
        seat=seat,
        neighbour=neighbour,
        chair=chair,
        staff=staff,
        meeting=meeting,
        later=later,
        extraordinary=extraordinary,
        other_council=other_council,
        outsider=outsider,
        other_staff=other_staff,
        other_meeting=other_meeting,
    )


def draft(
    person: Person,
    meeting: Meeting,
    *,
    title: str = "Fælles indsats for kollektiv trafik",
    body: str = "Rådet drøfter en fælles plan for busser på tværs af kommunerne.",
    justification: str = "Busruterne krydser kommunegrænserne i hele regionen.",
    files: list[FileStorage] | None = None,
    now: datetime | None = None,
    token: str | None = None,
) -> Proposal:
    now = now or utcnow()
    return operations.create_proposal(
        meeting,
        by=person,
        form_token=token or f"token-{person.id}-{meeting.id}-{now.timestamp()}",
        text=ProposalText(title, body, justification),
        uploads=files or [],
        now=now,
    )


def submitted(person: Person, meeting: Meeting, **fields: object) -> Proposal:
    proposal = draft(person, meeting, **fields)  # type: ignore[arg-type]
    operations.submit_proposal(proposal, by=person, now=utcnow())
    db.session.commit()
    return proposal


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notices(kind: NoticeKind, person: Person | None = None) -> list[Notice]:
    query = select(Notice).where(Notice.kind == kind).order_by(Notice.id)
    if person is not None:
        query = query.where(Notice.recipient_id == person.id)
    return list(db.session.scalars(query))

"""Agendas and minutes published for the public site tests: items, files, minutes, versions."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.agendas.models import AgendaItem, ItemMinutes, Publication, PublicationKind
from portal.agendas.publishing import publish
from portal.agendas.snapshot import build_content
from portal.attachments import storage
from portal.attachments.models import Attachment
from portal.councils.models import Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import utcnow

HTMX = {"HX-Request": "true"}
# The smallest file the storage accepts as a PDF (its type is read from the bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_item(
    meeting: Meeting,
    title: str,
    *,
    closed: bool = False,
    presentation: str = "",
    recommendation: str = "",
    proposer: Person | None = None,
    position: int | None = None,
) -> AgendaItem:
    if position is None:
        highest = db.session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        )
        position = (highest or 0) + 1
    item = AgendaItem(
        council_id=meeting.council_id,
        meeting=meeting,
        position=position,
        title=title,
        presentation=presentation,
        recommendation=recommendation,
        closed=closed,
        proposer=proposer,
    )
    db.session.add(item)
    db.session.flush()
    return item


def attach(item: AgendaItem, filename: str, by: Person) -> Attachment:
    upload = FileStorage(stream=io.BytesIO(PDF_BYTES), filename=filename)
    return storage.store(upload, council_id=item.council_id, by=by, agenda_item_id=item.id)


def record_minutes(
    item: AgendaItem,
    decision: str,
    votes: tuple[int, int, int] | None = None,
) -> ItemMinutes:
    minutes = ItemMinutes(item=item, decision=decision)
    if votes is not None:
        minutes.votes_for, minutes.votes_against, minutes.votes_abstaining = votes
    db.session.add(minutes)
    db.session.flush()
    return minutes


def publish_agenda(meeting: Meeting, now: datetime | None = None) -> Publication:
    return publish(
        meeting,
        PublicationKind.AGENDA,
        build_content(meeting),
        by=None,
        now=now or utcnow(),
    )


def publish_minutes(
    meeting: Meeting,
    attendance: dict[str, Any] | None = None,
    results: dict[int, str] | None = None,
    now: datetime | None = None,
) -> Publication:
    """`results` by item number: the rule 3.7 result the minutes area would compute."""
    content = build_content(meeting, with_minutes=True, attendance=attendance)
    for item in content["items"]:
        if item["minutes"] is not None and results and item["number"] in results:
            item["minutes"]["result"] = results[item["number"]]
    return publish(meeting, PublicationKind.MINUTES, content, by=None, now=now or utcnow())


# --- a meeting with one open and one closed item, both published ---------------------------

# Words found nowhere else: if any reaches a public response, the closed item leaked (rule 3.0).
SECRET_TITLE = "Zebrafinkesagen om fortrolig personalesag"
SECRET_PRESENTATION = "Okapifremstilling med følsomme oplysninger"
SECRET_RECOMMENDATION = "Quokkaindstilling som ingen må se"
SECRET_DECISION = "Narhvalbeslutning truffet for lukkede døre"
SECRET_FILE = "tapirbilag-fortroligt.pdf"
SECRET_WORDS = [
    "Zebrafinkesagen",
    "Okapifremstilling",
    "Quokkaindstilling",
    "Narhvalbeslutning",
    "tapirbilag",
]
SECRETS = [
    SECRET_TITLE,
    SECRET_PRESENTATION,
    SECRET_RECOMMENDATION,
    SECRET_DECISION,
    SECRET_FILE,
    *SECRET_WORDS,
]

OPEN_TITLE = "Kollektiv trafik i regionen"
OPEN_PRESENTATION = "Busser og tog skal hænge bedre sammen.\n\nRegionen foreslår en fælles plan."
OPEN_RECOMMENDATION = "Det indstilles, at rådet godkender trafikplanen."
OPEN_DECISION = "Rådet godkendte trafikplanen."
OPEN_FILE = "trafikplan.pdf"


class Published:
    """One meeting of `council` with an open item (1) and a closed one (2), agenda and
    minutes published; `open_file` and `secret_file` are their attachments."""

    def __init__(self, council, staff, meeting: Meeting, *, minutes: bool = True) -> None:  # noqa: ANN001
        self.council = council
        self.meeting = meeting
        self.open_item = make_item(
            meeting,
            OPEN_TITLE,
            presentation=OPEN_PRESENTATION,
            recommendation=OPEN_RECOMMENDATION,
        )
        self.secret_item = make_item(
            meeting,
            SECRET_TITLE,
            closed=True,
            presentation=SECRET_PRESENTATION,
            recommendation=SECRET_RECOMMENDATION,
        )
        self.open_file = attach(self.open_item, OPEN_FILE, staff)
        self.secret_file = attach(self.secret_item, SECRET_FILE, staff)
        self.agenda = publish_agenda(meeting)
        self.minutes = None
        if minutes:
            record_minutes(self.open_item, OPEN_DECISION, votes=(10, 4, 1))
            record_minutes(self.secret_item, SECRET_DECISION, votes=(7, 7, 0))
            self.minutes = publish_minutes(
                meeting,
                attendance={
                    "present": ["Anna Andersen", "Bent Bertelsen"],
                    "absent": [{"name": "Carla Christensen", "substitute": "Dorte Dam"}],
                },
                results={1: "adopted", 2: "rejected"},
            )

    def url(self, page: str) -> str:
        return f"/kkr/{self.council.slug}/moeder/{self.meeting.id}/{page}"

"""Reading agendas: the live items staff edit, the published versions, who is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.agendas.models import AgendaItem, Publication, PublicationKind
from portal.agendas.snapshot import attachments_by_item
from portal.attachments.models import Attachment
from portal.councils.models import Council, Membership, Person, active_on
from portal.extensions import db
from portal.meetings.models import Meeting

# Substitutes told of a published agenda: called in and not (yet) out of it.
STANDING_CALL_IN = (CallInAnswer.PENDING, CallInAnswer.ATTENDING)


@dataclass(frozen=True)
class BuilderItem:
    """One live item on the builder, with its number on the agenda and its files."""

    item: AgendaItem
    number: int
    attachments: list[Attachment]


def live_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items on the agenda in order (removed ones left out), proposers loaded."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.removed_at.is_(None))
            .options(joinedload(AgendaItem.proposer))
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def builder_items(meeting: Meeting) -> list[BuilderItem]:
    items = live_items(meeting)
    files = attachments_by_item(items)
    return [BuilderItem(item, number, files[item.id]) for number, item in enumerate(items, start=1)]


def item_of_meeting(meeting: Meeting, item_id: int) -> AgendaItem | None:
    """A live item of this meeting; another meeting's or a removed one counts as absent."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id or item.removed_at is not None:
        return None
    return item


def item_attachments(item: AgendaItem) -> list[Attachment]:
    return attachments_by_item([item])[item.id]


def publications(
    meeting: Meeting, kind: PublicationKind = PublicationKind.AGENDA
) -> list[Publication]:
    """Every published version, the newest first."""
    return list(
        db.session.scalars(
            select(Publication)
            .where(Publication.meeting_id == meeting.id, Publication.kind == kind)
            .order_by(Publication.version.desc())
        )
    )


def publication_version(meeting: Meeting, version: int) -> Publication | None:
    return db.session.scalar(
        select(Publication).where(
            Publication.meeting_id == meeting.id,
            Publication.kind == PublicationKind.AGENDA,
            Publication.version == version,
        )
    )


def council_meetings(council: Council, since: datetime) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.council_id == council.id, Meeting.starts_at >= since)
            .order_by(Meeting.starts_at)
        )
    )


def member_recipients(meeting: Meeting, day: date) -> list[Person]:
    """The council's members on `day` (those who read the meeting's material: rule 3.0)."""
    return list(
        db.session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.council_id == meeting.council_id, active_on(Membership, day))
            .order_by(Person.name)
            .distinct()
        )
    )


def standing_call_ins(meeting: Meeting) -> list[SubstituteCallIn]:
    """Substitutes called in for the meeting who have not declined (nor been released)."""
    return list(
        db.session.scalars(
            select(SubstituteCallIn)
            .where(
                SubstituteCallIn.meeting_id == meeting.id,
                SubstituteCallIn.answer.in_(STANDING_CALL_IN),
            )
            .options(joinedload(SubstituteCallIn.substitute))
            .order_by(SubstituteCallIn.id)
        )
    )


def attachment_ids_in(content: dict[str, Any]) -> set[int]:
    return {
        attachment["id"]
        for item in content.get("items", [])
        for attachment in item.get("attachments", [])
    }


def published_attachment_ids(meeting: Meeting) -> set[int]:
    """Files of any version of the meeting's agenda or minutes (a reader of version 1 may
    still open its files after version 2 dropped one)."""
    ids: set[int] = set()
    for content in db.session.scalars(
        select(Publication.content).where(Publication.meeting_id == meeting.id)
    ):
        ids |= attachment_ids_in(content)
    return ids

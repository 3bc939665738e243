"""Publishing a version of an agenda or minutes: the one way a snapshot reaches readers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from portal import audit
from portal.agendas.models import Publication, PublicationKind
from portal.agendas.snapshot import Content, describe_changes
from portal.councils.models import Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.publication.search import index_publication


def current_publication(meeting: Meeting, kind: PublicationKind) -> Publication | None:
    return db.session.scalar(
        select(Publication).where(
            Publication.meeting_id == meeting.id,
            Publication.kind == kind,
            Publication.current.is_(True),
        )
    )


def publish(
    meeting: Meeting,
    kind: PublicationKind,
    content: Content,
    *,
    by: Person | None,
    now: datetime,
    late_reason: str | None = None,
) -> Publication:
    """Freeze `content` as the next version; the previous one stays on record, not current.

    The caller checks the rules (rule 3.3's reason when late) and writes the notices; this
    writes the version, the change list, the search index, the meeting's dates and the audit
    row, all in the caller's transaction. The meeting row is locked first, so two staff
    publishing at once get versions 1 and 2, never two 1s.
    """
    db.session.execute(
        select(Meeting.id).where(Meeting.id == meeting.id).with_for_update()
    ).scalar_one()
    previous = current_publication(meeting, kind)
    if previous is not None:
        previous.current = False
        db.session.flush()
    publication = Publication(
        council_id=meeting.council_id,
        meeting_id=meeting.id,
        kind=kind,
        version=previous.version + 1 if previous else 1,
        published_at=now,
        published_by_id=by.id if by else None,
        late_reason=late_reason,
        changes=describe_changes(previous.content if previous else None, content),
        content=content,
        current=True,
    )
    db.session.add(publication)
    db.session.flush()
    index_publication(publication)
    if kind is PublicationKind.AGENDA and meeting.agenda_published_at is None:
        meeting.agenda_published_at = now
    if kind is PublicationKind.MINUTES and meeting.minutes_published_at is None:
        meeting.minutes_published_at = now
    meeting.changed_at = now
    summary: dict[str, Any] = {
        "kind": kind.value,
        "version": publication.version,
        "late_reason": late_reason,
        "changes": publication.changes,
    }
    audit.record(f"{kind.value}.published", publication, after=summary)
    return publication

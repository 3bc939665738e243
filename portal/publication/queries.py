"""Reading what the public may see: current publications, never the live agenda (rule 3.0).

Every public page reads `Publication` rows only. Queries here load a fixed number of statements
whatever the number of meetings and items (the content of a publication is one JSON column),
and the plan and the lists leave that column unloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased, contains_eager

from portal.agendas.models import Publication, PublicationKind
from portal.councils.models import Council
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.meetings.queries import PlannedMeeting, with_deadlines

FEED_LENGTH = 50  # entries in the Atom feed


@dataclass(frozen=True)
class PublishedVersion:
    """What the plan and the lists need to know of a current publication (not its content)."""

    id: int
    meeting_id: int
    kind: PublicationKind
    version: int
    published_at: datetime


@dataclass
class PublicMeeting:
    """A meeting with its current public agenda and minutes, where published."""

    meeting: Meeting
    planned: PlannedMeeting | None = None
    published: dict[PublicationKind, PublishedVersion] = field(default_factory=dict)

    @property
    def agenda(self) -> PublishedVersion | None:
        return self.published.get(PublicationKind.AGENDA)

    @property
    def minutes(self) -> PublishedVersion | None:
        return self.published.get(PublicationKind.MINUTES)

    def validator(self) -> tuple[object, ...]:
        """Everything of this row the public pages show, for their ETag."""
        m = self.meeting
        return (
            m.id,
            m.kind.value,
            m.starts_at,
            m.location,
            m.cancelled_at,
            m.changed_at,
            tuple(sorted((p.kind.value, p.id, p.version) for p in self.published.values())),
        )


def _versions(council: Council, *conditions: object) -> list[PublishedVersion]:
    rows = db.session.execute(
        select(
            Publication.id,
            Publication.meeting_id,
            Publication.kind,
            Publication.version,
            Publication.published_at,
        )
        .join(Meeting, Meeting.id == Publication.meeting_id)
        .where(
            Publication.council_id == council.id,
            Publication.current.is_(True),
            *conditions,
        )
    )
    return [PublishedVersion(*row) for row in rows]


def public_plan(council: Council, start: datetime) -> list[PublicMeeting]:
    """The meeting plan from `start` on (cancelled meetings included), with what is published.

    Two queries, however many meetings: the meetings, then their current publications.
    """
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.council_id == council.id, Meeting.starts_at >= start)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    rows = {m.id: PublicMeeting(m, with_deadlines(m)) for m in meetings}
    for version in _versions(council, Meeting.starts_at >= start):
        if version.meeting_id in rows:
            rows[version.meeting_id].published[version.kind] = version
    return list(rows.values())


def published_meetings(council: Council) -> list[PublicMeeting]:
    """Every meeting with a published agenda or minutes, the latest meeting first."""
    rows = db.session.execute(
        select(
            Meeting,
            Publication.id,
            Publication.meeting_id,
            Publication.kind,
            Publication.version,
            Publication.published_at,
        )
        .join(Publication, Publication.meeting_id == Meeting.id)
        .where(Meeting.council_id == council.id, Publication.current.is_(True))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    found: dict[int, PublicMeeting] = {}
    for meeting, *version in rows:
        entry = found.setdefault(meeting.id, PublicMeeting(meeting))
        published = PublishedVersion(*version)
        entry.published[published.kind] = published
    return list(found.values())


@dataclass(frozen=True)
class PublishedDocument:
    """One meeting's current agenda or minutes, and whether the other one is out too."""

    meeting: Meeting
    publication: Publication
    other: PublishedVersion | None

    def validator(self) -> tuple[object, ...]:
        m = self.meeting
        other = (self.other.id, self.other.version) if self.other else None
        return (
            m.id,
            m.kind.value,
            m.starts_at,
            m.location,
            m.cancelled_at,
            m.changed_at,
            self.publication.id,
            self.publication.version,
            other,
        )

    @property
    def last_modified(self) -> datetime:
        moments = [self.publication.published_at, self.meeting.changed_at]
        if self.other:
            moments.append(self.other.published_at)
        return max(moment for moment in moments if moment is not None)


def published_document(
    council: Council, meeting_id: int, kind: PublicationKind
) -> PublishedDocument | None:
    """The meeting's current publication of `kind`, in one query; None when there is none
    (unpublished material does not exist for the public, rule 3.0)."""
    other = aliased(Publication)
    other_kind = (
        PublicationKind.MINUTES if kind is PublicationKind.AGENDA else PublicationKind.AGENDA
    )
    row = db.session.execute(
        select(
            Meeting,
            Publication,
            other.id,
            other.meeting_id,
            other.kind,
            other.version,
            other.published_at,
        )
        .join(
            Publication,
            and_(
                Publication.meeting_id == Meeting.id,
                Publication.kind == kind,
                Publication.current.is_(True),
            ),
        )
        .outerjoin(
            other,
            and_(
                other.meeting_id == Meeting.id,
                other.kind == other_kind,
                other.current.is_(True),
            ),
        )
        .where(Meeting.id == meeting_id, Meeting.council_id == council.id)
    ).first()
    if row is None:
        return None
    meeting, publication, *other_version = row
    other_published = PublishedVersion(*other_version) if other_version[0] is not None else None
    return PublishedDocument(meeting, publication, other_published)


def current_contents(council: Council, meeting_id: int) -> list[dict]:
    """The content of the meeting's current agenda and minutes (for attachment checks)."""
    return list(
        db.session.scalars(
            select(Publication.content).where(
                Publication.council_id == council.id,
                Publication.meeting_id == meeting_id,
                Publication.current.is_(True),
            )
        )
    )


def feed_publications(council: Council, limit: int = FEED_LENGTH) -> list[Publication]:
    """The latest current publications, newest first, with their meetings (Atom feed)."""
    return list(
        db.session.scalars(
            select(Publication)
            .join(Publication.meeting)
            .options(contains_eager(Publication.meeting))
            .where(Publication.council_id == council.id, Publication.current.is_(True))
            .order_by(Publication.published_at.desc(), Publication.id.desc())
            .limit(limit)
        )
    )

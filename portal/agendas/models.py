"""Agendas, their items and versions, and the minutes (rules 3.0, 3.3, 3.4, 3.6, 3.7).

Staff edit the live items; publishing takes a snapshot (`Publication.content`). Members and the
public read snapshots, so what they see changes only when staff publish again, and each
version stays on record with the list of what changed ("Rettet dagsorden").
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Person, enum_column
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import UTCDateTime, utcnow


class AgendaItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    # Order on the agenda (rule 3.6); numbers shown are 1, 2, ... over the items not removed.
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    presentation: Mapped[str] = mapped_column(Text, default="")  # "sagsfremstilling"
    recommendation: Mapped[str] = mapped_column(Text, default="")  # "indstilling"
    # rule 3.0: a closed item is for members, called-in substitutes and staff only.
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The member whose proposal became this item (rule 3.2), if any.
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # A group-elected member's long leave awaiting the council's decision (rule 1.7).
    leave_id: Mapped[int | None] = mapped_column(ForeignKey("leave.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Taken off the agenda (nothing is deleted; the audit log keeps why and by whom).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two staff editing the same item: the second save is refused, not merged.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    council: Mapped[Council] = relationship()
    meeting: Mapped[Meeting] = relationship()
    proposer: Mapped[Person | None] = relationship()
    minutes: Mapped[ItemMinutes | None] = relationship(back_populates="item")


class ChairVote(enum.StrEnum):
    """How the person leading the meeting voted, recorded on a tie (rule 3.7)."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    DID_NOT_VOTE = "did_not_vote"


class ItemMinutes(db.Model):
    """The decision on one item (rule 3.4) and, where a vote was taken, the votes (rule 3.7)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), unique=True)
    decision: Mapped[str] = mapped_column(Text, default="")
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstaining: Mapped[int | None]
    # Kept only on a tie: the leader's vote for or against decides it (rule 3.7).
    chair_vote: Mapped[ChairVote | None] = mapped_column(enum_column(ChairVote, "chair_vote"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    item: Mapped[AgendaItem] = relationship(back_populates="minutes")


class PublicationKind(enum.StrEnum):
    AGENDA = "agenda"
    MINUTES = "minutes"


class Publication(db.Model):
    """One published version of a meeting's agenda or minutes, frozen as it went out."""

    __table_args__ = (UniqueConstraint("meeting_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    kind: Mapped[PublicationKind] = mapped_column(enum_column(PublicationKind, "publication_kind"))
    version: Mapped[int] = mapped_column(Integer)  # 1, then 2, ... for "Rettet dagsorden"
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # rule 3.3: publishing after the send-out deadline needs a recorded reason.
    late_reason: Mapped[str | None] = mapped_column(Text)
    # What changed since the previous version (snapshot.describe_changes), for "Rettet dagsorden".
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The snapshot (see portal/agendas/snapshot.py): items in order, closed ones included;
    # every reader filters what its audience may see.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Replaced by a later version: only the latest of each kind is current.
    current: Mapped[bool] = mapped_column(Boolean, default=True, server_default=false())

    meeting: Mapped[Meeting] = relationship()
    published_by: Mapped[Person | None] = relationship()


class SearchEntry(db.Model):
    """One open item of a published agenda or minutes, as the public full-text search finds it.

    Only what the public may read is ever written here (never a closed item), so the search
    cannot leak. SQLite indexes it with FTS5, PostgreSQL with a Danish tsvector (migration).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    kind: Mapped[PublicationKind] = mapped_column(enum_column(PublicationKind, "search_kind"))
    number: Mapped[int]  # the item's number on the agenda
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)

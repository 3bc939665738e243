"""Members of KL's board and committees from the region who may attend the council's meetings
(rule 1.5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import UTCDateTime, utcnow


class Participation(db.Model):
    """A "deltager efter 1.5": reads the council's material like a member, closed items
    included, and may attend; has no vote, does not count for quorum, cannot propose items
    or sign a request for an extraordinary meeting."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # The seat in KL that gives the right, as staff wrote it ("KL's bestyrelse", a committee).
    basis: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # last day, inclusive
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))

    council: Mapped[Council] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class ParticipantAttendance(db.Model):
    """A 1.5 participant who attended a meeting, as staff recorded it (listed apart, rule 3.9)."""

    __table_args__ = (UniqueConstraint("meeting_id", "participation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    participation_id: Mapped[int] = mapped_column(ForeignKey("participation.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))

    meeting: Mapped[Meeting] = relationship()
    participation: Mapped[Participation] = relationship()

"""Members asking for an extraordinary meeting (rule 3.1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class MeetingRequest(db.Model):
    """Members asking for an extraordinary meeting (rule 3.1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When signatures reached a third of the members and the chair and staff were told.
    threshold_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    council: Mapped[Council] = relationship()
    started_by: Mapped[Person] = relationship()
    signatures: Mapped[list[MeetingRequestSignature]] = relationship(back_populates="request")


class MeetingRequestSignature(db.Model):
    __table_args__ = (UniqueConstraint("request_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_request.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[MeetingRequest] = relationship(back_populates="signatures")
    person: Mapped[Person] = relationship()

"""Members asking for an extraordinary meeting (rule 3.1)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Membership, Person, enum_column
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import UTCDateTime, utcnow


class MeetingRequestStatus(enum.StrEnum):
    """Where a request stands (rule 3.1). Open and threshold reached take signatures and
    withdrawals; a request whose signatures fall below the third again is open again."""

    OPEN = "open"
    THRESHOLD_REACHED = "threshold_reached"  # at least a third of the members have signed
    MEETING_CALLED = "meeting_called"  # the extraordinary meeting is planned (meeting_id)
    CLOSED = "closed"  # by staff, with a reason


class MeetingRequest(db.Model):
    """Members asking for an extraordinary meeting (rule 3.1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[MeetingRequestStatus] = mapped_column(
        enum_column(MeetingRequestStatus, "meeting_request_status"),
        default=MeetingRequestStatus.OPEN,
        server_default=MeetingRequestStatus.OPEN.value,
    )
    # The first time signatures reached a third of the members and the chair and staff were
    # told. It stays set when signatures are withdrawn: the notice goes out once only.
    threshold_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The extraordinary meeting held for the request.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    close_reason: Mapped[str | None] = mapped_column(Text)

    council: Mapped[Council] = relationship()
    started_by: Mapped[Person] = relationship(foreign_keys=[started_by_id])
    closed_by: Mapped[Person | None] = relationship(foreign_keys=[closed_by_id])
    meeting: Mapped[Meeting | None] = relationship()
    signatures: Mapped[list[MeetingRequestSignature]] = relationship(back_populates="request")

    @property
    def takes_signatures(self) -> bool:
        """Signing and withdrawing are possible until the meeting is called or the request
        is closed (rule 3.1, our reading of 'open')."""
        return self.status in (MeetingRequestStatus.OPEN, MeetingRequestStatus.THRESHOLD_REACHED)


class MeetingRequestSignature(db.Model):
    """One person's signature. Withdrawn signatures stay (withdrawn_at) and count no more;
    signing again brings the same row back."""

    __table_args__ = (UniqueConstraint("request_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_request.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    # The seat signed for: the signer's own, or the seat of a member on leave whose
    # substitute serves in it (rules 1.6-1.7). One live signature per seat.
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[MeetingRequest] = relationship(back_populates="signatures")
    person: Mapped[Person] = relationship()
    membership: Mapped[Membership | None] = relationship()

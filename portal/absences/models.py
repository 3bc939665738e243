"""Absences and substitutes called in (rules 1.8, 3.9)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Membership, Person, enum_column
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import UTCDateTime, utcnow


class AbsenceReason(enum.StrEnum):
    """An optional category, never a health detail (GDPR art. 9), never published."""

    OTHER_MEETING = "other_meeting"
    HOLIDAY = "holiday"
    OTHER = "other"


class Absence(db.Model):
    """A member will not attend one meeting (rule 3.9)."""

    __table_args__ = (
        # One standing absence per seat and meeting: a double-clicked submit stores one.
        Index(
            "uq_absence_standing",
            "meeting_id",
            "membership_id",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    call_substitute: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[AbsenceReason | None] = mapped_column(
        enum_column(AbsenceReason, "absence_reason")
    )
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    # Registered by staff after the meeting started (the member can no longer).
    registered_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    council: Mapped[Council] = relationship()
    meeting: Mapped[Meeting] = relationship()
    membership: Mapped[Membership] = relationship()
    registered_by: Mapped[Person] = relationship(foreign_keys=[registered_by_id])


class CallInAnswer(enum.StrEnum):
    PENDING = "pending"
    ATTENDING = "attending"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the member cancelled the absence; the substitute is told


class SubstituteCallIn(db.Model):
    """A personal substitute called in for one meeting, and their answer (rules 1.8, 3.9)."""

    __table_args__ = (
        Index(
            "uq_call_in_standing",
            "meeting_id",
            "membership_id",
            unique=True,
            sqlite_where=text("answer != 'withdrawn'"),
            postgresql_where=text("answer != 'withdrawn'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    absence_id: Mapped[int | None] = mapped_column(ForeignKey("absence.id"))
    leave_id: Mapped[int | None] = mapped_column(ForeignKey("leave.id"))
    called_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[CallInAnswer] = mapped_column(
        enum_column(CallInAnswer, "call_in_answer"), default=CallInAnswer.PENDING
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    council: Mapped[Council] = relationship()
    meeting: Mapped[Meeting] = relationship()
    membership: Mapped[Membership] = relationship()
    substitute: Mapped[Person] = relationship()


class AttendedBy(enum.StrEnum):
    """Who actually sat in a seat at a meeting, as staff recorded it on the day (rule 3.9)."""

    MEMBER = "member"
    SUBSTITUTE = "substitute"  # also one who came without answering the call-in
    NOBODY = "nobody"


class AttendanceRecord(db.Model):
    """What happened at the meeting for one seat, where it differs from the absences and
    answers registered beforehand: who came, from which item and to which (rule 3.9); and
    whether that person led the meeting because neither chair nor vice-chair came (3.5)."""

    __table_args__ = (UniqueConstraint("meeting_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"))
    attended_by: Mapped[AttendedBy] = mapped_column(enum_column(AttendedBy, "attended_by"))
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # The first and the last item the person was there for; None: from the start, to the end.
    first_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    last_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    led_meeting: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))

    meeting: Mapped[Meeting] = relationship()
    membership: Mapped[Membership] = relationship()
    substitute: Mapped[Person | None] = relationship(foreign_keys=[substitute_id])

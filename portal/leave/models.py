"""Leave of 3 months or more (rules 1.6, 1.7)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Membership, enum_column
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class LeaveStatus(enum.StrEnum):
    AWAITING_DECISION = "awaiting_decision"  # group-elected member: the council decides (1.7)
    APPLIES = "applies"  # a mayor's leave applies at once (1.6), or the council agreed
    REFUSED = "refused"
    CANCELLED = "cancelled"


class Leave(db.Model):
    """A member away for 3 months or more; the substitute steps in for the period (1.6–1.7)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[LeaveStatus] = mapped_column(enum_column(LeaveStatus, "leave_status"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    council: Mapped[Council] = relationship()
    membership: Mapped[Membership] = relationship()

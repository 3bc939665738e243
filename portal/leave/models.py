"""Leave of 3 months or more (rules 1.6, 1.7)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Membership, enum_column
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class LeaveKind(enum.StrEnum):
    """Which rule a leave falls under; they differ in who decides."""

    # 1.6: formally relieved of municipal duties under the municipal act (mayor or
    # group-elected member): the substitute steps in for the period at once.
    RELIEF = "relief"
    # 1.7: a group-elected member prevented (health, other public office, business or the
    # like): the substitute is called to the first coming meeting, where the council decides.
    PREVENTED = "prevented"


class LeaveStatus(enum.StrEnum):
    AWAITING_DECISION = "awaiting_decision"  # 1.7: the council decides at its first meeting
    APPLIES = "applies"  # a relief (1.6) applies at once; a 1.7 leave once the council agreed
    REFUSED = "refused"
    CANCELLED = "cancelled"


class Leave(db.Model):
    """A member away for 3 months or more; the substitute steps in for the period (1.6, 1.7).
    The period is the relief's or the expected absence's first and last day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    kind: Mapped[LeaveKind] = mapped_column(enum_column(LeaveKind, "leave_kind"))
    status: Mapped[LeaveStatus] = mapped_column(enum_column(LeaveStatus, "leave_status"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    council: Mapped[Council] = relationship()
    membership: Mapped[Membership] = relationship()

"""Meetings of a council (the meeting plan, rule 3.1)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, enum_column
from portal.extensions import db
from portal.types import UTCDateTime


class MeetingKind(enum.StrEnum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"
    CONSTITUTING = "constituting"


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(
        enum_column(MeetingKind, "meeting_kind"), default=MeetingKind.ORDINARY
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    location: Mapped[str] = mapped_column(String(300))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    # When the agenda went out to members (rule 3.3); None while it has not.
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Staff may share the draft agenda with members (and called-in substitutes) before it is
    # published; the public never sees a draft (rule 3.0).
    agenda_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Last change to what the public can see of this meeting (plan entry or a publication):
    # drives Last-Modified and ETag of the public pages.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    council: Mapped[Council] = relationship()

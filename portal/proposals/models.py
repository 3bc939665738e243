"""Members' proposals for the agenda of an ordinary meeting (rule 3.2)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agendas.models import AgendaItem
from portal.councils.models import Council, Person, enum_column
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import UTCDateTime, utcnow


class ProposalStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"  # staff began handling it: the member can no longer change it
    PLACED = "placed"  # on the agenda (rule 3.2)
    RETURNED = "returned"  # not of regional character, with a written reason
    WITHDRAWN = "withdrawn"


class ProposalHandler(enum.StrEnum):
    """Who placed or returned a proposal: the chair (rule 3.2 makes it the chair's duty) or
    the secretariat acting on the chair's behalf."""

    CHAIR = "chair"
    SECRETARIAT = "secretariat"


class Proposal(db.Model):
    __table_args__ = (UniqueConstraint("proposer_id", "form_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # One per form shown: a double-clicked "create" makes one proposal, not two.
    form_token: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # stored exactly as typed, shown escaped
    justification: Mapped[str] = mapped_column(Text)  # why it is regional/inter-municipal
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "proposal_status"), default=ProposalStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # In which role `handled_by` decided, as it was that day (None: decided before it was kept).
    handled_as: Mapped[ProposalHandler | None] = mapped_column(
        enum_column(ProposalHandler, "proposal_handler")
    )
    return_reason: Mapped[str | None] = mapped_column(Text)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    # Two staff acting at once: the second is told, nothing is overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    council: Mapped[Council] = relationship()
    meeting: Mapped[Meeting] = relationship()
    proposer: Mapped[Person] = relationship(foreign_keys=[proposer_id])
    handled_by: Mapped[Person | None] = relationship(foreign_keys=[handled_by_id])
    agenda_item: Mapped[AgendaItem | None] = relationship()

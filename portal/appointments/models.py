"""Regional bodies the council appoints to, the appointment rounds, and the appointments
(rule 3.8: kommunestyrelseslov § 24 applied to the KKR).

A round stores what staff recorded (members present per group, electoral alliances, the
ballots of each majority-vote round), the calculator's result as JSON, and any lot drawn on a
tie with who drew it and when: the portal reports a tie and never draws by itself.

JSON columns are replaced, never changed in place (SQLAlchemy does not track in-place changes).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Group, Municipality, Person, enum_column
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class AppointmentMethod(enum.StrEnum):
    """Rule 3.8: one representative by majority vote (§ 24 stk. 1), several for the same post
    by proportional representation (§ 24 stk. 3). An appointment all members present agree on
    is recorded without a vote: `AppointmentRound.agreement`."""

    MAJORITY = "majority"
    PROPORTIONAL = "proportional"


def method_for(seats: int) -> AppointmentMethod:
    """Rule 3.8: the number of seats a round fills decides how it is filled."""
    return AppointmentMethod.MAJORITY if seats == 1 else AppointmentMethod.PROPORTIONAL


class RoundStatus(enum.StrEnum):
    OPEN = "open"  # votes or ballots are being recorded
    LOT_NEEDED = "lot_needed"  # the result depends on a tie: staff record the lot drawn
    DECIDED = "decided"  # seats allocated (or the person elected): the groups name persons
    PUBLISHED = "published"  # the appointments are public


class AppointmentEndReason(enum.StrEnum):
    """Why a published appointment ended before its term: a list, never free text (an
    appointee's health is nobody's business here, cf. rule 1.9)."""

    LEFT_COUNCIL = "left_council"  # no longer a member of a municipal council of the region
    RESIGNED = "resigned"  # relieved at their own request
    REPLACED = "replaced"  # the group that named them named someone else
    BODY_CHANGED = "body_changed"  # the body was closed or changed
    OTHER = "other"


class RegionalBody(db.Model):
    """A body the council appoints representatives to ("udpegning"), for one term."""

    __table_args__ = (UniqueConstraint("council_id", "name", "term_starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(Integer)
    term_starts_on: Mapped[date]
    term_ends_on: Mapped[date]  # last day, inclusive
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    council: Mapped[Council] = relationship()

    def __repr__(self) -> str:
        return f"<RegionalBody {self.id} {self.name}>"


class AppointmentRound(db.Model):
    """One election of representatives to a body (rule 3.8)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("regional_body.id"), index=True)
    method: Mapped[AppointmentMethod] = mapped_column(
        enum_column(AppointmentMethod, "appointment_method")
    )
    seats: Mapped[int] = mapped_column(Integer)  # seats this round fills
    status: Mapped[RoundStatus] = mapped_column(
        enum_column(RoundStatus, "appointment_round_status"), default=RoundStatus.OPEN
    )
    # Rule 3.8: all members present agreed on whom to appoint (aftalevalg): recorded without a
    # vote, decided from the start; `method` is then what a vote would have been.
    agreement: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Majority vote: the KKR members present (rounds 1–2 need a majority of them).
    members_present: Mapped[int | None] = mapped_column(Integer)
    # Proportional: [{"group_id", "letter", "name", "votes"}], votes = the group's KKR members
    # present; the names are kept as they were, so the workings read the same later.
    votes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Proportional: the joint groups (valggrupper) of this round, as lists of group ids; each
    # pools its members and names its own people for the seats it wins (rule 3.8).
    joint_groups: Mapped[list[list[int]] | None] = mapped_column(JSON)
    # Majority vote: one per voting round, {"votes": {"<person id>": votes}, "blank": n}.
    ballots: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # The calculator's answer (with its workings) for what was recorded.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The tie reported by the calculator, and the lot staff recorded for it.
    ties: Mapped[list[Any] | None] = mapped_column(JSON)
    lot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    lot_drawn_by: Mapped[str | None] = mapped_column(String(200))  # who drew, as staff wrote
    lot_drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lot_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    council: Mapped[Council] = relationship()
    body: Mapped[RegionalBody] = relationship()
    lot_recorded_by: Mapped[Person | None] = relationship(foreign_keys=[lot_recorded_by_id])


class Appointment(db.Model):
    """A person named to a body for a term. Public once published; withdrawn, never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("regional_body.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_round.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("council_group.id"))
    # Rule 3.8: the seat was won by a joint group (valggruppe) of these groups, which named
    # the person; None for a group's own seat, a majority vote or an agreement.
    joint_group_ids: Mapped[list[int] | None] = mapped_column(JSON)
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # last day, inclusive
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Rule 3.8: a published appointment ended before its term (its last day, inclusive); it no
    # longer holds a seat in the body.
    ended_on: Mapped[date | None]
    end_reason: Mapped[AppointmentEndReason | None] = mapped_column(
        enum_column(AppointmentEndReason, "appointment_end_reason")
    )
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    council: Mapped[Council] = relationship()
    body: Mapped[RegionalBody] = relationship()
    round: Mapped[AppointmentRound | None] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    municipality: Mapped[Municipality] = relationship()
    group: Mapped[Group | None] = relationship()

    @property
    def joint_group_label(self) -> str | None:
        """Rule 3.8: the joint group that won the seat, by its groups as the round recorded
        them ("A · Name + V · Name"); None for any other seat."""
        if not self.joint_group_ids:
            return None
        rows = {row["group_id"]: row for row in (self.round.votes if self.round else None) or []}
        return " + ".join(
            f"{rows[g]['letter']} · {rows[g]['name']}" if g in rows else str(g)
            for g in self.joint_group_ids
        )

    def holds_seat_on(self, day: date) -> bool:
        """Rule 3.8: named (not withdrawn), within its term and not ended on `day`."""
        return (
            self.withdrawn_at is None
            and self.starts_on <= day <= self.ends_on
            and (self.ended_on is None or day <= self.ended_on)
        )

"""A municipal election's results for the region, the council's composition computed from them
(rules 1.0–1.1), the constituting meeting (rule 1.3), the chair and vice-chair election with
its electoral alliances (rule 1.4), and who holds those offices over time (rules 1.15–1.16).

What staff entered is kept as rows; what a calculator answered is kept as JSON with its
workings, so the confirmed result reads the same later even if the rows were wrong and are
corrected for a new election. A tie is reported by the calculator and the lot drawn is
recorded with who drew it and when: the portal never draws by itself.

JSON columns are replaced, never changed in place (SQLAlchemy does not track in-place changes).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import (
    Council,
    CouncilOffice,
    Group,
    Membership,
    Person,
    enum_column,
)
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class ElectionStatus(enum.StrEnum):
    DRAFT = "draft"  # results are being entered; the composition is computed live
    CONFIRMED = "confirmed"  # staff confirmed the composition; it is stored with the election


class Election(db.Model):
    """The municipal election in the council's region, as the council uses it."""

    __table_args__ = (UniqueConstraint("council_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    held_on: Mapped[date]
    municipalities: Mapped[int] = mapped_column(Integer)  # in the region (the cap is twice it)
    status: Mapped[ElectionStatus] = mapped_column(
        enum_column(ElectionStatus, "election_status"), default=ElectionStatus.DRAFT
    )
    # Rule 1.1 ties: the lots staff recorded, in order, each
    # {"tied": [names], "winner": name, "drawn_by": who drew, "drawn_at": ISO time,
    #  "recorded_by_id": staff}. The winners in order are the calculator's `drawn` ranking.
    composition_lots: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # The confirmed composition: the calculator's answer with its workings (rules 1.0–1.1).
    composition: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # Rule 1.3: the constituting meeting, when staff have fixed it.
    constituting_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    council: Mapped[Council] = relationship()
    results: Mapped[list[ElectionGroupResult]] = relationship(
        back_populates="election", order_by="ElectionGroupResult.position"
    )
    confirmed_by: Mapped[Person | None] = relationship(foreign_keys=[confirmed_by_id])

    def __repr__(self) -> str:
        return f"<Election {self.id} {self.held_on}>"


class ElectionGroupResult(db.Model):
    """One group's (party's or list alliance's) result in the region."""

    __table_args__ = (UniqueConstraint("election_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), index=True)
    # The council's group this result belongs to, when staff linked it (who may be elected).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("council_group.id"))
    letter: Mapped[str] = mapped_column(String(10), default="")
    name: Mapped[str] = mapped_column(String(120))
    votes: Mapped[int] = mapped_column(Integer)
    mayors: Mapped[int] = mapped_column(Integer, default=0)
    council_seats: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    election: Mapped[Election] = relationship(back_populates="results")
    group: Mapped[Group | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.letter} · {self.name}" if self.letter else self.name


alliance_group = Table(
    "electoral_alliance_group",
    db.metadata,
    Column("alliance_id", ForeignKey("electoral_alliance.id"), primary_key=True),
    Column("result_id", ForeignKey("election_group_result.id"), primary_key=True),
)


class ElectoralAlliance(db.Model):
    """Groups that pool their votes for the chair and vice-chair election (rule 1.4).
    Withdrawn before the deadline, never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), index=True)
    # Rule 1.4: the deadline is judged on when the secretariat received the notice, which
    # staff record; `registered_at` is only when they typed it in.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    election: Mapped[Election] = relationship()
    groups: Mapped[list[ElectionGroupResult]] = relationship(
        secondary=alliance_group, order_by="ElectionGroupResult.position"
    )


class ChairElectionStatus(enum.StrEnum):
    LOT_RECORDED = "lot_recorded"  # a tie was reported and staff recorded the lot drawn
    DECIDED = "decided"  # the persons elected are recorded


class ChairElection(db.Model):
    """The chair and vice-chair election at the constituting meeting (rule 1.4): d'Hondt over
    the groups and alliances on their votes; the first quotient takes the chair, the next the
    vice-chair."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), unique=True)
    status: Mapped[ChairElectionStatus] = mapped_column(
        enum_column(ChairElectionStatus, "chair_election_status")
    )
    # The calculator's input and answer with its quotient table, as they were.
    calculation: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The lots staff recorded for reported ties, in order (as Election.composition_lots).
    lots: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Which group won each office (after the lot, if any).
    chair_result_id: Mapped[int | None] = mapped_column(ForeignKey("election_group_result.id"))
    vice_chair_result_id: Mapped[int | None] = mapped_column(ForeignKey("election_group_result.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    election: Mapped[Election] = relationship()
    chair_result: Mapped[ElectionGroupResult | None] = relationship(foreign_keys=[chair_result_id])
    vice_chair_result: Mapped[ElectionGroupResult | None] = relationship(
        foreign_keys=[vice_chair_result_id]
    )


class OfficeHolding(db.Model):
    """A person holding the chair or the vice-chair for a period (rules 1.4, 1.15–1.16).

    The holder elected at the constituting meeting has no `replaces_id`. When they leave, the
    group that elected them names the successor: the holding ends and a new one `replaces` it.
    When they are away for 3 months or more, the successor `stands_in_for` them until the
    stand-in holding ends; the absent holder's own holding goes on.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), index=True)
    office: Mapped[CouncilOffice] = mapped_column(enum_column(CouncilOffice, "held_office"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    # The group that elected them (rule 1.15–1.16: that group names a successor).
    result_id: Mapped[int] = mapped_column(ForeignKey("election_group_result.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # last day, inclusive
    # Why a successor took over or stands in (as staff wrote it); why the holding ended.
    reason: Mapped[str | None] = mapped_column(String(300))
    end_reason: Mapped[str | None] = mapped_column(String(300))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("office_holding.id"))
    stands_in_for_id: Mapped[int | None] = mapped_column(ForeignKey("office_holding.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    election: Mapped[Election] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    membership: Mapped[Membership | None] = relationship()
    result: Mapped[ElectionGroupResult] = relationship()
    replaces: Mapped[OfficeHolding | None] = relationship(
        remote_side=[id], foreign_keys=[replaces_id]
    )
    stands_in_for: Mapped[OfficeHolding | None] = relationship(
        remote_side=[id], foreign_keys=[stands_in_for_id]
    )

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

"""Reading leaves, for the pages that list them.
Eager loading keeps each page's query count independent of the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.councils.models import Council, Membership, Person
from portal.extensions import db
from portal.leave.models import Leave, LeaveStatus
from portal.leave.operations import decision_meeting
from portal.meetings.models import Meeting


@dataclass(frozen=True)
class LeaveRow:
    leave: Leave
    called_in: int  # meetings the substitute is called in for (not withdrawn)
    decision_meeting: Meeting | None  # where the council decides, while it awaits (1.7)


def _called_in_counts(leave_ids: list[int]) -> dict[int, int]:
    if not leave_ids:
        return {}
    rows = db.session.execute(
        select(SubstituteCallIn.leave_id, func.count(SubstituteCallIn.id))
        .where(
            SubstituteCallIn.leave_id.in_(leave_ids),
            SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
        )
        .group_by(SubstituteCallIn.leave_id)
    )
    return {leave_id: number for leave_id, number in rows}


def _rows(leaves: list[Leave], now: datetime) -> list[LeaveRow]:
    counts = _called_in_counts([leave.id for leave in leaves])
    meetings: dict[int, Meeting | None] = {}
    rows = []
    for leave in leaves:
        meeting = None
        if leave.status is LeaveStatus.AWAITING_DECISION:
            if leave.council_id not in meetings:
                meetings[leave.council_id] = decision_meeting(leave.council, now)
            meeting = meetings[leave.council_id]
        rows.append(LeaveRow(leave, counts.get(leave.id, 0), meeting))
    return rows


def _leave_query():  # noqa: ANN202
    # Awaiting a decision first (the secretariat's to-do), then the latest first.
    return select(Leave).order_by(
        case((Leave.status == LeaveStatus.AWAITING_DECISION, 0), else_=1),
        Leave.starts_on.desc(),
        Leave.id.desc(),
    )


def leaves_of_person(person: Person, now: datetime) -> list[LeaveRow]:
    leaves = db.session.scalars(
        _leave_query()
        .join(Membership, Membership.id == Leave.membership_id)
        .where(Membership.person_id == person.id)
        .options(joinedload(Leave.council), joinedload(Leave.membership))
    )
    return _rows(list(leaves), now)


def leaves_of_council(council: Council, now: datetime) -> list[LeaveRow]:
    leaves = db.session.scalars(
        _leave_query()
        .where(Leave.council_id == council.id)
        .options(
            joinedload(Leave.council),
            joinedload(Leave.membership).joinedload(Membership.person),
            joinedload(Leave.membership).joinedload(Membership.municipality),
        )
    )
    return _rows(list(leaves), now)

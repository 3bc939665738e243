"""Reading absences and call-ins: who comes to a meeting, and the quorum (rules 3.7, 3.9).

Eager loading keeps the query count of the attendance board constant, however many members
the council has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.absences.models import Absence, CallInAnswer, SubstituteCallIn
from portal.councils.models import CouncilOffice, Membership, MembershipKind, Person, active_on
from portal.councils.queries import current_memberships, current_substitutes
from portal.extensions import db
from portal.leave.models import Leave, LeaveStatus
from portal.meetings.models import Meeting
from portal.rules.attendance import (
    Attendance,
    Leader,
    QuorumForecast,
    forecast,
    meeting_leader,
)
from portal.rules.calendar import local_date

CALL_IN_STATES = {
    CallInAnswer.PENDING: Attendance.SUBSTITUTE_NOT_ANSWERED,
    CallInAnswer.ATTENDING: Attendance.SUBSTITUTE_ATTENDING,
    CallInAnswer.DECLINED: Attendance.SUBSTITUTE_DECLINED,
}


def attendance_of(
    absence: Absence | None, call_in: SubstituteCallIn | None, on_leave: bool = False
) -> Attendance:
    """Where one seat stands: the substitute's answer decides once one is called in; a member
    on leave (applying, or awaiting the council's decision) is away like an absent one."""
    if call_in is not None and call_in.answer in CALL_IN_STATES:
        return CALL_IN_STATES[call_in.answer]
    return Attendance.PRESENT if absence is None and not on_leave else Attendance.ABSENT


def seats_on_leave(meeting: Meeting) -> set[int]:
    """Membership ids whose leave covers the meeting's date (rules 1.6–1.7)."""
    day = local_date(meeting.starts_at)
    return set(
        db.session.scalars(
            select(Leave.membership_id).where(
                Leave.council_id == meeting.council_id,
                Leave.status.in_([LeaveStatus.APPLIES, LeaveStatus.AWAITING_DECISION]),
                Leave.starts_on <= day,
                Leave.ends_on >= day,
            )
        )
    )


@dataclass(frozen=True)
class SeatAttendance:
    """One member's seat at one meeting."""

    membership: Membership
    substitute: Person | None  # the personal substitute on the meeting's day
    absence: Absence | None  # standing (not cancelled)
    call_in: SubstituteCallIn | None  # standing (not withdrawn)
    state: Attendance


@dataclass(frozen=True)
class MeetingLeader:
    name: str
    office: Leader


@dataclass(frozen=True)
class MeetingAttendance:
    meeting: Meeting
    seats: list[SeatAttendance]
    forecast: QuorumForecast

    @property
    def has_chair_or_vice_chair(self) -> bool:
        """False before the council is constituted (the convener leads that meeting, rule 1.4)."""
        offices = (CouncilOffice.CHAIR, CouncilOffice.VICE_CHAIR)
        return any(seat.membership.office in offices for seat in self.seats)

    @property
    def leader(self) -> MeetingLeader | None:
        """Who leads the meeting (rule 3.5), from the absences registered so far."""
        by_office = {seat.membership.office: seat for seat in self.seats}
        chair = by_office.get(CouncilOffice.CHAIR)
        vice_chair = by_office.get(CouncilOffice.VICE_CHAIR)
        office = meeting_leader(
            chair.state if chair else None, vice_chair.state if vice_chair else None
        )
        seat = chair if office is Leader.CHAIR else vice_chair
        if office is None or seat is None:
            return None
        return MeetingLeader(seat.membership.person.name, office)


def standing_absences(meeting: Meeting) -> dict[int, Absence]:
    """The meeting's absences that stand, by membership id."""
    rows = db.session.scalars(
        select(Absence).where(Absence.meeting_id == meeting.id, Absence.cancelled_at.is_(None))
    )
    return {row.membership_id: row for row in rows}


def standing_call_ins(meeting: Meeting) -> dict[int, SubstituteCallIn]:
    """The meeting's call-ins that stand (not withdrawn), by membership id."""
    rows = db.session.scalars(
        select(SubstituteCallIn)
        .where(
            SubstituteCallIn.meeting_id == meeting.id,
            SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
        )
        .options(joinedload(SubstituteCallIn.substitute))
    )
    return {row.membership_id: row for row in rows}


def meeting_attendance(meeting: Meeting) -> MeetingAttendance:
    """Every member on the meeting's date with their absence, call-in and state; the quorum
    forecast from them. Five queries, whatever the number of members."""
    day = local_date(meeting.starts_at)
    memberships = current_memberships(meeting.council, day)
    memberships.sort(
        key=lambda m: (m.municipality.name, m.kind is not MembershipKind.MAYOR, m.person.name)
    )
    substitutes = current_substitutes(meeting.council, day)
    absences = standing_absences(meeting)
    call_ins = standing_call_ins(meeting)
    on_leave = seats_on_leave(meeting)
    seats = []
    for membership in memberships:
        assignment = substitutes.get(membership.id)
        absence = absences.get(membership.id)
        call_in = call_ins.get(membership.id)
        seats.append(
            SeatAttendance(
                membership=membership,
                substitute=assignment.substitute if assignment else None,
                absence=absence,
                call_in=call_in,
                state=attendance_of(absence, call_in, membership.id in on_leave),
            )
        )
    return MeetingAttendance(meeting, seats, forecast(seat.state for seat in seats))


# --- the member's and the substitute's own view -------------------------------------------


def memberships_for_meeting(person: Person, meeting: Meeting) -> list[Membership]:
    """The person's seats in the meeting's council on the meeting's date (normally one)."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.person_id == person.id,
                Membership.council_id == meeting.council_id,
                active_on(Membership, local_date(meeting.starts_at)),
            )
            .order_by(Membership.id)
        )
    )


def absences_of(memberships: Iterable[Membership], meetings: Iterable[Meeting]) -> set[int]:
    """The ids of the meetings (among `meetings`) for which one of `memberships` is absent."""
    membership_ids = [m.id for m in memberships]
    meeting_ids = [m.id for m in meetings]
    if not membership_ids or not meeting_ids:
        return set()
    return set(
        db.session.scalars(
            select(Absence.meeting_id).where(
                Absence.membership_id.in_(membership_ids),
                Absence.meeting_id.in_(meeting_ids),
                Absence.cancelled_at.is_(None),
            )
        )
    )


def call_in_for(absence: Absence) -> SubstituteCallIn | None:
    """The substitute called in because of `absence`, while the call stands."""
    return db.session.scalar(
        select(SubstituteCallIn).where(
            SubstituteCallIn.absence_id == absence.id,
            SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
        )
    )


def call_in_of(person: Person, call_in_id: int) -> SubstituteCallIn | None:
    """A call-in addressed to `person`; anyone else's counts as absent."""
    call = db.session.get(SubstituteCallIn, call_in_id)
    if call is None or call.substitute_id != person.id:
        return None
    return call


def upcoming_call_ins(person: Person, now: datetime) -> list[SubstituteCallIn]:
    """The person's standing call-ins as a substitute, for meetings not yet begun."""
    return list(
        db.session.scalars(
            select(SubstituteCallIn)
            .join(Meeting, Meeting.id == SubstituteCallIn.meeting_id)
            .where(
                SubstituteCallIn.substitute_id == person.id,
                SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
                Meeting.starts_at >= now,
                Meeting.cancelled_at.is_(None),
            )
            .options(joinedload(SubstituteCallIn.membership).joinedload(Membership.person))
            .order_by(Meeting.starts_at)
        )
    )


def council_meetings(council_id: int, since: datetime) -> list[Meeting]:
    """The council's meetings from `since` on, the earliest first (cancelled ones too)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.council_id == council_id, Meeting.starts_at >= since)
            .order_by(Meeting.starts_at)
        )
    )

"""Reading absences and call-ins: who comes to a meeting, and the quorum (rules 3.7, 3.9).

Eager loading keeps the query count of the attendance board constant, however many members
the council has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.absences.models import (
    Absence,
    AttendanceRecord,
    AttendedBy,
    CallInAnswer,
    SubstituteCallIn,
)
from portal.agendas.models import AgendaItem
from portal.councils.models import CouncilOffice, Membership, MembershipKind, Person, active_on
from portal.councils.queries import current_memberships, current_substitutes
from portal.councils.seating import council_size
from portal.elections.queries import current_holding, mayors_of
from portal.extensions import db
from portal.leave.models import Leave, LeaveStatus
from portal.meetings import operations as meeting_operations
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.attendance import (
    COUNTS_AS_PRESENT,
    Attendance,
    Leader,
    QuorumForecast,
    covers_item,
    forecast,
    meeting_leader,
)
from portal.rules.calendar import local_date
from portal.rules.constitution import Mayor, convener

CALL_IN_STATES = {
    CallInAnswer.PENDING: Attendance.SUBSTITUTE_NOT_ANSWERED,
    CallInAnswer.ATTENDING: Attendance.SUBSTITUTE_ATTENDING,
    CallInAnswer.DECLINED: Attendance.SUBSTITUTE_DECLINED,
}


RECORDED_STATES = {
    AttendedBy.MEMBER: Attendance.PRESENT,
    AttendedBy.SUBSTITUTE: Attendance.SUBSTITUTE_ATTENDING,
    AttendedBy.NOBODY: Attendance.ABSENT,
}


def attendance_of(
    absence: Absence | None,
    call_in: SubstituteCallIn | None,
    on_leave: bool = False,
    record: AttendanceRecord | None = None,
) -> Attendance:
    """Where one seat stands: what staff recorded on the day decides (rule 3.9); before that,
    the substitute's answer once one is called in; a member on leave (applying, or awaiting
    the council's decision) is away like an absent one."""
    if record is not None:
        return RECORDED_STATES[record.attended_by]
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
    record: AttendanceRecord | None = None  # what staff recorded on the day (rule 3.9)
    first_item: int | None = None  # the number of the first item attended; None: from the start
    last_item: int | None = None  # the number of the last item attended; None: to the end

    @property
    def attendee(self) -> Person | None:
        """Who sat in the seat: the member, the substitute who came, or no one."""
        if self.state is Attendance.PRESENT:
            return self.membership.person
        if self.state is not Attendance.SUBSTITUTE_ATTENDING:
            return None
        if self.record is not None and self.record.substitute is not None:
            return self.record.substitute
        return self.call_in.substitute if self.call_in else self.substitute

    def present_at(self, number: int) -> bool:
        """Rule 3.9: someone sat in the seat for item `number`."""
        return self.state in COUNTS_AS_PRESENT and covers_item(
            number, self.first_item, self.last_item
        )


@dataclass(frozen=True)
class MeetingLeader:
    name: str
    office: Leader


@dataclass(frozen=True)
class MeetingAttendance:
    meeting: Meeting
    seats: list[SeatAttendance]
    forecast: QuorumForecast
    # Who holds the chair and the vice-chair on the meeting's day (person ids; a 1.16
    # stand-in holds the office for the period); None: vacant.
    office_holders: dict[CouncilOffice, int | None] = field(default_factory=dict)
    convener: Person | None = None  # a constituting meeting's convener (rule 1.3)

    @property
    def has_chair_or_vice_chair(self) -> bool:
        """Whether rule 3.5 names a leader: the constituting meeting (its convener) or a council
        with a chair or vice-chair."""
        constituting = self.meeting.kind is MeetingKind.CONSTITUTING
        return constituting or any(self.office_holders.values())

    def seat_of(self, person_id: int | None) -> SeatAttendance | None:
        return next((s for s in self.seats if s.membership.person_id == person_id), None)

    @property
    def leader(self) -> MeetingLeader | None:
        """Who leads the meeting (rule 3.5), from the absences registered so far and what
        staff recorded on the day."""
        chair = self.seat_of(self.office_holders.get(CouncilOffice.CHAIR))
        vice_chair = self.seat_of(self.office_holders.get(CouncilOffice.VICE_CHAIR))
        chosen = next((s for s in self.seats if s.record and s.record.led_meeting), None)
        office = meeting_leader(
            chair.state if chair else None,
            vice_chair.state if vice_chair else None,
            constituting=self.meeting.kind is MeetingKind.CONSTITUTING,
            chosen=chosen is not None and chosen.attendee is not None,
        )
        person = (
            {
                Leader.CHAIR: chair.membership.person if chair else None,
                Leader.VICE_CHAIR: vice_chair.membership.person if vice_chair else None,
                Leader.CONVENER: self.convener,
                Leader.CHOSEN: chosen.attendee if chosen else None,
            }.get(office)
            if office
            else None
        )
        if office is None or person is None:
            return None
        return MeetingLeader(person.name, office)

    @property
    def needs_chosen_leader(self) -> bool:
        """Neither chair nor vice-chair is there (rule 3.5): staff record whom the meeting
        chose."""
        leader = self.leader
        return self.has_chair_or_vice_chair and (leader is None or leader.office is Leader.CHOSEN)

    def present_at(self, number: int) -> int:
        """Rule 3.9: how many sat in a seat for item `number` (the most votes there are)."""
        return sum(1 for seat in self.seats if seat.present_at(number))


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


def attendance_records(meeting: Meeting) -> dict[int, AttendanceRecord]:
    """What staff recorded on the day, by membership id (rule 3.9)."""
    rows = db.session.scalars(
        select(AttendanceRecord)
        .where(AttendanceRecord.meeting_id == meeting.id)
        .options(joinedload(AttendanceRecord.substitute))
    )
    return {row.membership_id: row for row in rows}


def live_items(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items in agenda order, those taken off left out."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.removed_at.is_(None))
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def item_numbers(meeting: Meeting) -> dict[int, int]:
    """The meeting's live items' numbers, by item id."""
    ids = db.session.scalars(
        select(AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.removed_at.is_(None))
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return {item_id: number for number, item_id in enumerate(ids, start=1)}


def office_holders(
    meeting: Meeting, memberships: list[Membership]
) -> dict[CouncilOffice, int | None]:
    """Who holds the chair and the vice-chair on the meeting's day (rules 1.4, 1.15–1.16): the
    elected holding, a stand-in's while one serves; without any holding recorded, the member
    whose seat carries the office."""
    day = local_date(meeting.starts_at)
    holders: dict[CouncilOffice, int | None] = {}
    for office in (CouncilOffice.CHAIR, CouncilOffice.VICE_CHAIR):
        holding = current_holding(meeting.council_id, office, day)
        if holding is not None:
            holders[office] = holding.person_id
        else:
            seat = next((m for m in memberships if m.office is office), None)
            holders[office] = seat.person_id if seat else None
    return holders


def convener_of(meeting: Meeting) -> Person | None:
    """Rule 1.3: the convener who leads the constituting meeting until the chair is elected."""
    if meeting.kind is not MeetingKind.CONSTITUTING:
        return None
    people = mayors_of(meeting.council)
    found = convener(Mayor(p.id, p.mayor_since, p.born_on) for p in people)
    return next((p for p in people if p.id == found.person_id), None)


def meeting_attendance(meeting: Meeting) -> MeetingAttendance:
    """Every member on the meeting's date with their absence, call-in, what staff recorded on
    the day and their state; the quorum forecast from them; who holds the offices. A constant
    number of queries, whatever the number of members."""
    day = local_date(meeting.starts_at)
    memberships = current_memberships(meeting.council, day)
    memberships.sort(
        key=lambda m: (m.municipality.name, m.kind is not MembershipKind.MAYOR, m.person.name)
    )
    substitutes = current_substitutes(meeting.council, day)
    absences = standing_absences(meeting)
    call_ins = standing_call_ins(meeting)
    on_leave = seats_on_leave(meeting)
    records = attendance_records(meeting)
    numbers = item_numbers(meeting) if records else {}
    seats = []
    for membership in memberships:
        assignment = substitutes.get(membership.id)
        absence = absences.get(membership.id)
        call_in = call_ins.get(membership.id)
        record = records.get(membership.id)
        seats.append(
            SeatAttendance(
                membership=membership,
                substitute=assignment.substitute if assignment else None,
                absence=absence,
                call_in=call_in,
                state=attendance_of(absence, call_in, membership.id in on_leave, record),
                record=record,
                first_item=numbers.get(record.first_item_id) if record else None,  # type: ignore[arg-type]
                last_item=numbers.get(record.last_item_id) if record else None,  # type: ignore[arg-type]
            )
        )
    return MeetingAttendance(
        meeting,
        seats,
        forecast((seat.state for seat in seats), council_size(meeting.council, day)),
        office_holders(meeting, memberships),
        convener_of(meeting),
    )


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


def called_in_substitutes(meeting: Meeting) -> list[tuple[Person, str]]:
    """The substitutes called in for a meeting, in the order they were called, each with the
    link to their call-in: they hear of every change to it (portal.meetings)."""
    calls = sorted(standing_call_ins(meeting).values(), key=lambda call: call.id)
    return [(call.substitute, f"/indkaldelser/{call.id}") for call in calls]


# The meeting plan tells the substitutes called in of a change; it does not import this area.
meeting_operations.HEARS_OF_CHANGES.append(called_in_substitutes)

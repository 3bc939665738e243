"""Reading the meeting plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import COPENHAGEN, agenda_deadline, alliance_deadline, proposal_deadline


@dataclass(frozen=True)
class PlannedMeeting:
    """A meeting with the deadlines that follow from it (rules 3.2, 3.3)."""

    meeting: Meeting
    proposal_deadline: datetime | None
    agenda_deadline: datetime | None
    # Rule 1.4: electoral alliances are notified by this moment (constituting meetings only).
    alliance_deadline: datetime | None = None


def with_deadlines(meeting: Meeting) -> PlannedMeeting:
    # Proposals (rule 3.2) and the agenda deadline (rule 3.3) belong to ordinary meetings.
    if meeting.kind is MeetingKind.ORDINARY:
        return PlannedMeeting(
            meeting, proposal_deadline(meeting.starts_at), agenda_deadline(meeting.starts_at)
        )
    if meeting.kind is MeetingKind.CONSTITUTING:
        return PlannedMeeting(meeting, None, None, alliance_deadline(meeting.starts_at))
    return PlannedMeeting(meeting, None, None)


def meeting_plan(council_id: int, start: datetime) -> list[PlannedMeeting]:
    """Every meeting from `start` on, cancelled ones included (the plan shows them struck)."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.council_id == council_id, Meeting.starts_at >= start)
        .order_by(Meeting.starts_at)
    )
    return [with_deadlines(m) for m in meetings]


def upcoming_meetings(council_ids: Iterable[int], now: datetime) -> list[PlannedMeeting]:
    ids = list(council_ids)
    if not ids:
        return []
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.council_id.in_(ids), Meeting.starts_at >= now)
        .where(Meeting.cancelled_at.is_(None))
        .options(joinedload(Meeting.council))
        .order_by(Meeting.starts_at)
    )
    return [with_deadlines(m) for m in meetings]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year as Copenhagen counts it: from local midnight on 1 January to the next."""
    return (
        datetime(year, 1, 1, tzinfo=COPENHAGEN),
        datetime(year + 1, 1, 1, tzinfo=COPENHAGEN),
    )


def year_plan(council_id: int, year: int) -> list[PlannedMeeting]:
    """The council's meeting plan for one calendar year (rule 3.1), cancelled meetings
    included: staff see what was called off and why. One query, whatever the year holds."""
    start, end = year_bounds(year)
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.council_id == council_id,
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [with_deadlines(m) for m in meetings]

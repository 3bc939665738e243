"""Reading 1.5 participants (rule 1.5)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.councils.models import Council, Person, active_on
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.participants.models import ParticipantAttendance, Participation
from portal.rules.calendar import local_date


def participations_of(council: Council) -> list[Participation]:
    """Every participation of the council, current ones first, then by name."""
    rows = db.session.scalars(
        select(Participation)
        .join(Participation.person)
        .where(Participation.council_id == council.id)
        .options(joinedload(Participation.person))
        .order_by(Participation.ends_on.is_not(None), Person.name, Participation.id)
    )
    return list(rows)


def participants_on(council_id: int, day: date) -> list[Participation]:
    rows = db.session.scalars(
        select(Participation)
        .join(Participation.person)
        .where(Participation.council_id == council_id, active_on(Participation, day))
        .options(joinedload(Participation.person))
        .order_by(Person.name)
    )
    return list(rows)


def participant_council_ids(person_id: int, day: date) -> frozenset[int]:
    rows = db.session.scalars(
        select(Participation.council_id).where(
            Participation.person_id == person_id, active_on(Participation, day)
        )
    )
    return frozenset(rows)


def attended(meeting: Meeting) -> set[int]:
    """The participation ids recorded as attending the meeting."""
    return set(
        db.session.scalars(
            select(ParticipantAttendance.participation_id).where(
                ParticipantAttendance.meeting_id == meeting.id
            )
        )
    )


def meeting_participants(meeting: Meeting) -> list[tuple[Participation, bool]]:
    """The participants on the meeting's day, each with whether they attended."""
    came = attended(meeting)
    day = local_date(meeting.starts_at)
    return [(row, row.id in came) for row in participants_on(meeting.council_id, day)]

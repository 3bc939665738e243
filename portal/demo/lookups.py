"""Lookups the demo modules share: the secretariat, a member's seat, the last and next meeting."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.councils.models import (
    Council,
    Group,
    Membership,
    MembershipKind,
    Municipality,
    Person,
    StaffAssignment,
)
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import local_date


def secretary(session: Session, council: Council) -> Person:
    """The first of the secretariat: the demo's staff act as this person."""
    person = session.scalars(
        select(Person)
        .join(StaffAssignment, StaffAssignment.person_id == Person.id)
        .where(StaffAssignment.council_id == council.id)
        .order_by(StaffAssignment.id)
    ).first()
    assert person is not None, "the demo council has no secretariat"
    return person


def seat(
    session: Session, council: Council, municipality: str, kind: MembershipKind, party: str = ""
) -> Membership:
    """The seat of the mayor of `municipality`, or of its group-elected member for `party`."""
    statement = (
        select(Membership)
        .join(Municipality, Municipality.id == Membership.municipality_id)
        .where(
            Membership.council_id == council.id,
            Municipality.name == municipality,
            Membership.kind == kind,
        )
    )
    if party:
        statement = statement.join(Group, Group.id == Membership.group_id).where(
            Group.letter == party
        )
    return session.scalars(statement).one()


def ordinary_meetings(session: Session, council: Council) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.council_id == council.id, Meeting.kind == MeetingKind.ORDINARY)
            .order_by(Meeting.starts_at)
        )
    )


def last_meeting(session: Session, council: Council, today: date) -> Meeting | None:
    past = [m for m in ordinary_meetings(session, council) if local_date(m.starts_at) < today]
    return past[-1] if past else None


def next_meeting(session: Session, council: Council, today: date) -> Meeting | None:
    upcoming = [m for m in ordinary_meetings(session, council) if local_date(m.starts_at) > today]
    return upcoming[0] if upcoming else None

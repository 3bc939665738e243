"""Reading the council's people as they stand on a given day. Eager loading keeps the query
count of a page constant, however many members there are."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.councils.models import (
    Council,
    Group,
    Membership,
    MunicipalOffice,
    Person,
    StaffAssignment,
    SubstituteAssignment,
    active_on,
)
from portal.extensions import db


def council_by_id(council_id: int) -> Council | None:
    return db.session.get(Council, council_id)


def current_memberships(council: Council, day: date) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.council_id == council.id, active_on(Membership, day))
            .options(
                joinedload(Membership.person),
                joinedload(Membership.municipality),
                joinedload(Membership.group),
            )
            .order_by(Membership.kind, Membership.id)
        )
    )


def current_substitutes(council: Council, day: date) -> dict[int, SubstituteAssignment]:
    """Active substitute assignments by membership id."""
    rows = db.session.scalars(
        select(SubstituteAssignment)
        .where(SubstituteAssignment.council_id == council.id, active_on(SubstituteAssignment, day))
        .options(joinedload(SubstituteAssignment.substitute))
    )
    return {row.membership_id: row for row in rows}


def member_rows(council: Council, day: date) -> list:  # list[seating.Seat]
    """The council's seats on `day` with their substitutes (portal/councils/seating.py)."""
    from portal.councils.seating import seats_on  # seating reads through this module

    return list(seats_on(council, day))


def memberships_of(person: Person, day: date) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.person_id == person.id, active_on(Membership, day))
            .options(joinedload(Membership.council), joinedload(Membership.municipality))
        )
    )


def substitute_for(person: Person, day: date) -> list[SubstituteAssignment]:
    """The assignments in which `person` is the substitute."""
    return list(
        db.session.scalars(
            select(SubstituteAssignment)
            .where(SubstituteAssignment.substitute_id == person.id)
            .where(active_on(SubstituteAssignment, day))
            .options(
                joinedload(SubstituteAssignment.membership).joinedload(Membership.person),
                joinedload(SubstituteAssignment.membership).joinedload(Membership.council),
            )
        )
    )


def substitute_of_membership(membership: Membership, day: date) -> SubstituteAssignment | None:
    return db.session.scalar(
        select(SubstituteAssignment)
        .where(SubstituteAssignment.membership_id == membership.id)
        .where(active_on(SubstituteAssignment, day))
        .options(joinedload(SubstituteAssignment.substitute))
    )


def is_member(person_id: int, council: Council, day: date) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.person_id == person_id,
                Membership.council_id == council.id,
                active_on(Membership, day),
            )
        )
        is not None
    )


def deputy_mayor(municipality_id: int, office: MunicipalOffice) -> Person | None:
    return db.session.scalar(
        select(Person).where(
            Person.municipality_id == municipality_id, Person.municipal_office == office
        )
    )


def staff_of(council: Council, day: date) -> list[StaffAssignment]:
    return list(
        db.session.scalars(
            select(StaffAssignment)
            .where(StaffAssignment.council_id == council.id, active_on(StaffAssignment, day))
            .options(joinedload(StaffAssignment.person))
        )
    )


def people_of(council: Council, search: str = "") -> list[Person]:
    """The people the council's secretariat keeps, optionally filtered by name or e-mail."""
    query = (
        select(Person)
        .where(Person.council_id == council.id)
        .options(joinedload(Person.municipality))
        .order_by(Person.name)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Person.name).like(pattern), func.lower(Person.email).like(pattern))
        )
    return list(db.session.scalars(query))


def ended_memberships(council: Council) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.council_id == council.id, Membership.ends_on.is_not(None))
            .options(joinedload(Membership.person), joinedload(Membership.municipality))
            .order_by(Membership.ends_on.desc())
        )
    )


def ended_substitutes(council: Council) -> list[SubstituteAssignment]:
    return list(
        db.session.scalars(
            select(SubstituteAssignment)
            .where(
                SubstituteAssignment.council_id == council.id,
                SubstituteAssignment.ends_on.is_not(None),
            )
            .options(
                joinedload(SubstituteAssignment.substitute),
                joinedload(SubstituteAssignment.membership).joinedload(Membership.person),
            )
            .order_by(SubstituteAssignment.ends_on.desc())
        )
    )


def in_council(model: type, council: Council, object_id: int):  # noqa: ANN201
    """Load a record of `council` by id; another council's record counts as absent."""
    found = db.session.get(model, object_id)
    if found is None or found.council_id != council.id:
        return None
    return found


def groups_of(council: Council) -> list[Group]:
    return list(
        db.session.scalars(
            select(Group).where(Group.council_id == council.id).order_by(Group.letter)
        )
    )

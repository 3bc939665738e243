"""Factories: each test builds only the people and meetings it needs."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from portal.absences import operations as absences
from portal.absences.models import Absence, AbsenceReason, SubstituteCallIn
from portal.absences.queries import call_in_for
from portal.councils.models import (
    Council,
    CouncilOffice,
    Group,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
    StaffAssignment,
    SubstituteAssignment,
    SubstituteBasis,
)
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import COPENHAGEN

_sequence = itertools.count(1)
LONG_AGO = date(2020, 1, 1)


def make_council(slug: str | None = None, name: str | None = None) -> Council:
    number = next(_sequence)
    council = Council(
        slug=slug or f"kkr{number}", name=name or f"KKR Test {number}", region="Region Test"
    )
    db.session.add(council)
    db.session.flush()
    return council


def make_municipality(council: Council, name: str | None = None) -> Municipality:
    municipality = Municipality(council=council, name=name or f"Kommune {next(_sequence)}")
    db.session.add(municipality)
    db.session.flush()
    return municipality


def make_group(council: Council, letter: str = "A", name: str | None = None) -> Group:
    group = Group(council=council, letter=letter, name=name or f"Parti {next(_sequence)}")
    db.session.add(group)
    db.session.flush()
    return group


def make_person(
    council: Council | None = None,
    name: str | None = None,
    email: str | None = None,
    municipality: Municipality | None = None,
    office: MunicipalOffice = MunicipalOffice.COUNCILLOR,
) -> Person:
    number = next(_sequence)
    council = council or (municipality.council if municipality else None) or make_council()
    person = Person(
        council=council,
        name=name or f"Person {number}",
        email=(email or f"person{number}@kkr-test.example").lower(),
        municipality=municipality,
        municipal_office=office,
    )
    db.session.add(person)
    db.session.flush()
    return person


def make_member(
    council: Council,
    person: Person | None = None,
    *,
    municipality: Municipality | None = None,
    group: Group | None = None,
    kind: MembershipKind = MembershipKind.GROUP_ELECTED,
    office: CouncilOffice = CouncilOffice.MEMBER,
    starts_on: date = LONG_AGO,
    ends_on: date | None = None,
) -> Membership:
    municipality = municipality or (person.municipality if person else None)
    municipality = municipality or make_municipality(council)
    if person is None:
        person = make_person(
            council,
            municipality=municipality,
            office=MunicipalOffice.MAYOR
            if kind is MembershipKind.MAYOR
            else MunicipalOffice.COUNCILLOR,
        )
    membership = Membership(
        council=council,
        person=person,
        municipality=municipality,
        group=group,
        kind=kind,
        office=office,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def make_substitute(
    membership: Membership,
    person: Person | None = None,
    basis: SubstituteBasis = SubstituteBasis.ELECTED_BY_GROUP,
    starts_on: date = LONG_AGO,
) -> SubstituteAssignment:
    person = person or make_person(municipality=membership.municipality)
    assignment = SubstituteAssignment(
        council_id=membership.council_id,
        membership=membership,
        substitute=person,
        basis=basis,
        starts_on=starts_on,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def make_staff(council: Council, person: Person | None = None) -> Person:
    person = person or make_person(council, office=MunicipalOffice.NONE)
    db.session.add(StaffAssignment(council=council, person=person, starts_on=LONG_AGO))
    db.session.flush()
    return person


def make_meeting(
    council: Council,
    starts_at: datetime | None = None,
    kind: MeetingKind = MeetingKind.ORDINARY,
    location: str = "Rådhuset",
    days_ahead: int = 30,
) -> Meeting:
    if starts_at is None:
        day = date.today() + timedelta(days=days_ahead)
        starts_at = datetime.combine(day, time(10, 0), tzinfo=COPENHAGEN)
    meeting = Meeting(council=council, kind=kind, starts_at=starts_at, location=location)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def make_absence(
    meeting: Meeting,
    seat: Membership,
    *,
    now: datetime,
    substitute_attends: bool | None = None,
    reason: AbsenceReason | None = None,
) -> tuple[Absence, SubstituteCallIn | None]:
    """`seat` away from `meeting`, registered by the member. With `substitute_attends` the
    personal substitute is called in and has answered so; without it, not called in."""
    called = substitute_attends is not None
    absence = absences.register_absence(
        meeting,
        seat,
        by=seat.person,
        by_staff=False,
        call_substitute=called,
        reason=reason,
        now=now,
    )
    call = call_in_for(absence) if called else None
    if called:
        assert call is not None, "the seat has no substitute to call in"
        absences.answer_call_in(call, attending=bool(substitute_attends), now=now)
    return absence, call

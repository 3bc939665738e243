"""Who sits where on a given day: the council's seats, their holders and substitutes, its
offices, its confirmed composition and its size (rules 1.0-1.2, 1.10-1.16, 3.5, 3.7).

The one place the rest of the portal asks. A seat is a membership active on the day: a mayor's
seat for each municipality, seats the groups elected, and seats added under rule 1.12. The
composition in force on a day is the one confirmed for the latest election whose council had
taken office by then (rule 1.3: at its constituting meeting; 1 January after the election when
no meeting is recorded). Held against the memberships it gives staff their tasks.

Reading of rule 1.10 held here: a mayor's seat counts for the group the mayor had when the
seat began, whatever party the mayor joins later, since the composition is not computed again.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import func, select

from portal.councils.models import (
    Council,
    CouncilOffice,
    Group,
    GroupChange,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
    SubstituteAssignment,
    active_on,
)
from portal.councils.queries import current_memberships, current_substitutes
from portal.elections.models import Election, ElectionStatus
from portal.elections.queries import current_holding
from portal.extensions import db
from portal.rules.calendar import local_date

# Rule 1.11: a party may name a new member when it has at least 2 % of the votes.
ENTITLED_SHARE = Fraction(2, 100)


# --- the seats -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """One seat on one day: its holder (the membership), the group the holder represents that
    day, and the holder's personal substitute."""

    membership: Membership
    group: Group | None  # the group on the day (rule 1.10: a mayor may change party)
    counts_for_group_id: int | None  # the group whose composition seats this seat fills
    substitute: SubstituteAssignment | None

    @property
    def person(self) -> Person:
        return self.membership.person

    @property
    def municipality(self) -> Municipality:
        return self.membership.municipality

    @property
    def is_mayor(self) -> bool:
        return self.membership.kind is MembershipKind.MAYOR

    @property
    def is_extra(self) -> bool:
        """Rule 1.12: named on top of the composition."""
        return self.membership.extra_seat


def _group_changes(council: Council) -> dict[int, list[GroupChange]]:
    rows = db.session.scalars(
        select(GroupChange)
        .where(GroupChange.council_id == council.id)
        .order_by(GroupChange.changed_on, GroupChange.id)
    )
    changes: dict[int, list[GroupChange]] = {}
    for row in rows:
        changes.setdefault(row.membership_id, []).append(row)
    return changes


def _groups_by_id(council: Council) -> dict[int, Group]:
    return {
        g.id: g for g in db.session.scalars(select(Group).where(Group.council_id == council.id))
    }


def _group_on(
    membership: Membership, changes: list[GroupChange], day: date, groups: dict[int, Group]
) -> tuple[Group | None, int | None]:
    """The membership's group on `day` and the group its seat counts for (the first one)."""
    if not changes:
        return membership.group, membership.group_id
    later = [c for c in changes if c.changed_on > day]
    on_day_id = later[0].from_group_id if later else membership.group_id
    return (groups.get(on_day_id) if on_day_id else None), changes[0].from_group_id


def _order(seat: Seat) -> tuple[str, bool, str]:
    # By municipality, the mayor first.
    return (seat.municipality.name, not seat.is_mayor, seat.person.name)


def seats_on(council: Council, day: date) -> list[Seat]:
    """Every seat of the council on `day`, by municipality, the mayor first. Four queries."""
    memberships = current_memberships(council, day)
    substitutes = current_substitutes(council, day)
    changes = _group_changes(council)
    groups = _groups_by_id(council) if changes else {}
    seats = []
    for membership in memberships:
        group, counts_for = _group_on(membership, changes.get(membership.id, []), day, groups)
        seats.append(Seat(membership, group, counts_for, substitutes.get(membership.id)))
    seats.sort(key=_order)
    return seats


def seat_of(membership: Membership, day: date) -> Seat:
    """The seat `membership` holds on `day` (its group and substitute that day)."""
    changes = list(
        db.session.scalars(
            select(GroupChange)
            .where(GroupChange.membership_id == membership.id)
            .order_by(GroupChange.changed_on, GroupChange.id)
        )
    )
    groups = _groups_by_id(membership.council) if changes else {}
    group, counts_for = _group_on(membership, changes, day, groups)
    return Seat(membership, group, counts_for, substitute_of(membership, day))


def substitute_of(membership: Membership, day: date) -> SubstituteAssignment | None:
    """The personal substitute of `membership` on `day` (rule 1.2)."""
    return db.session.scalar(
        select(SubstituteAssignment).where(
            SubstituteAssignment.membership_id == membership.id,
            active_on(SubstituteAssignment, day),
        )
    )


def mayor_seat(municipality: Municipality, day: date) -> Membership | None:
    """The municipality's one mayor seat on `day` (rule 1.0)."""
    return db.session.scalar(
        select(Membership).where(
            Membership.municipality_id == municipality.id,
            Membership.kind == MembershipKind.MAYOR,
            active_on(Membership, day),
        )
    )


# --- the offices (rules 1.4, 1.15-1.16, 3.5) ----------------------------------------------


@dataclass(frozen=True)
class OfficeHolder:
    """Who holds the chair or the vice-chair on a day."""

    person: Person
    membership: Membership | None
    stand_in: bool  # rule 1.16: standing in for the holder for a period
    starts_on: date | None
    ends_on: date | None


def office_holder(council: Council, office: CouncilOffice, day: date) -> OfficeHolder | None:
    """Who holds `office` on `day`: a stand-in elected under rule 1.16 while the period lasts,
    else the holder (who moved under rule 1.15, the history kept). For a council whose
    constitution was not recorded in the portal, the member whose seat carries the office."""
    holding = current_holding(council.id, office, day)
    if holding is not None:
        return OfficeHolder(
            holding.person,
            holding.membership,
            holding.stands_in_for_id is not None,
            holding.starts_on,
            holding.ends_on,
        )
    membership = db.session.scalar(
        select(Membership)
        .where(
            Membership.council_id == council.id,
            Membership.office == office,
            active_on(Membership, day),
        )
        .order_by(Membership.id)
    )
    if membership is None:
        return None
    return OfficeHolder(membership.person, membership, False, membership.starts_on, None)


# --- the composition and the council's size (rules 1.0-1.1, 1.12, 3.7) --------------------


@dataclass(frozen=True)
class GroupSeats:
    """One group's line of a confirmed composition."""

    name: str
    label: str
    group_id: int | None  # the council's group it was linked to; None: no group in the council
    seats: int
    votes: int
    entitled: bool  # rule 1.11: at least 2 % of the votes


@dataclass(frozen=True)
class ConfirmedComposition:
    election: Election
    size: int
    groups: list[GroupSeats]

    def seats_of(self, group_id: int) -> int:
        return sum(g.seats for g in self.groups if g.group_id == group_id)

    def line_of(self, group_id: int) -> GroupSeats | None:
        return next((g for g in self.groups if g.group_id == group_id), None)


def in_force_from(election: Election) -> date:
    """Rule 1.3: the council takes office at its constituting meeting."""
    if election.constituting_meeting_at is not None:
        return local_date(election.constituting_meeting_at)
    return date(election.held_on.year + 1, 1, 1)


def composition_on(council: Council, day: date) -> ConfirmedComposition | None:
    """The confirmed composition in force on `day`, or None before any was confirmed."""
    elections = db.session.scalars(
        select(Election)
        .where(Election.council_id == council.id, Election.status == ElectionStatus.CONFIRMED)
        .order_by(Election.held_on.desc(), Election.id.desc())
    )
    election = next((e for e in elections if e.composition and in_force_from(e) <= day), None)
    if election is None:
        return None
    data = election.composition or {}
    group_of = {result.name: result.group_id for result in election.results}
    total = sum(g["votes"] for g in data.get("groups", [])) or 1
    lines = [
        GroupSeats(
            name=g["name"],
            label=g.get("label", g["name"]),
            group_id=group_of.get(g["name"]),
            seats=g["seats"],
            votes=g["votes"],
            entitled=Fraction(g["votes"], total) >= ENTITLED_SHARE,
        )
        for g in data.get("groups", [])
    ]
    return ConfirmedComposition(election, data["size"], lines)


def extra_seats_on(council: Council, day: date) -> int:
    """Rule 1.12: members named under rule 1.11, on top of the composition."""
    return db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.council_id == council.id,
            Membership.extra_seat.is_(True),
            active_on(Membership, day),
        )
    )


def council_size(council: Council, day: date) -> int:
    """Rule 3.7's number of members: the seats of the confirmed composition in force, plus
    seats added under rule 1.12; a vacancy does not lower it. Before any composition is
    confirmed: the memberships active on `day`."""
    composition = composition_on(council, day)
    if composition is None:
        return db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.council_id == council.id, active_on(Membership, day)
            )
        )
    return composition.size + extra_seats_on(council, day)


def group_count(seats: list[Seat], group_id: int) -> int:
    """The seats that fill `group_id`'s places in the composition (1.12's extra seats aside)."""
    return sum(1 for s in seats if s.counts_for_group_id == group_id and not s.is_extra)


# --- what staff still have to do ------------------------------------------------------------


class TaskKind(enum.StrEnum):
    SEATS_NOT_FILLED = "seats_not_filled"  # a group has fewer members than seats
    SEATS_TOO_MANY = "seats_too_many"  # a group has more members than seats
    NO_MAYOR_SEAT = "no_mayor_seat"  # a municipality without its mayor's seat
    MAYOR_SEATS_TOO_MANY = "mayor_seats_too_many"  # more than one (data from before the check)
    SUBSTITUTE_MISSING = "substitute_missing"  # rules 1.2, 1.13, 1.14
    EXTRA_SEAT_DUE = "extra_seat_due"  # rule 1.11: the party's councillors name a member
    MEMBER_NOT_COUNCILLOR = "member_not_councillor"  # rule 1.9: the member leaves
    SUBSTITUTE_NOT_COUNCILLOR = "substitute_not_councillor"  # rules 1.9, 1.14


@dataclass(frozen=True)
class SeatTask:
    kind: TaskKind
    label: str = ""  # the group or the municipality
    number: int = 0
    seat: Seat | None = None
    group_id: int | None = None
    change: GroupChange | None = None


def _due_extra_seats(council: Council, day: date, seats: list[Seat]) -> list[SeatTask]:
    """Rule 1.11: a mayor who was their party's only representative left it (rule 1.10); the
    party's councillors name a new member, when the party has at least 2 % of the votes."""
    composition = composition_on(council, day)
    if composition is None:
        return []
    changes = db.session.scalars(
        select(GroupChange)
        .where(GroupChange.council_id == council.id, GroupChange.changed_on <= day)
        .order_by(GroupChange.changed_on)
    )
    tasks = []
    seen: set[int] = set()
    for change in changes:
        group_id = change.from_group_id
        if group_id is None or group_id in seen:
            continue
        line = composition.line_of(group_id)
        if line is None or not line.entitled:
            continue
        if any(s.group is not None and s.group.id == group_id for s in seats):
            continue  # the party is still represented (or its new member already named)
        seen.add(group_id)
        tasks.append(
            SeatTask(TaskKind.EXTRA_SEAT_DUE, line.label, 1, group_id=group_id, change=change)
        )
    return tasks


def seat_tasks(council: Council, day: date) -> list[SeatTask]:
    """Where the memberships differ from the composition, and seats without a substitute."""
    seats = seats_on(council, day)
    tasks: list[SeatTask] = []
    mayors = Counter(s.municipality.id for s in seats if s.is_mayor)
    for municipality in council.municipalities:
        if mayors[municipality.id] == 0:
            tasks.append(SeatTask(TaskKind.NO_MAYOR_SEAT, municipality.name, 1))
        elif mayors[municipality.id] > 1:
            tasks.append(
                SeatTask(
                    TaskKind.MAYOR_SEATS_TOO_MANY, municipality.name, mayors[municipality.id] - 1
                )
            )
    composition = composition_on(council, day)
    if composition is not None:
        groups = _groups_by_id(council)
        linked: set[int] = set()
        for line in composition.groups:
            if line.group_id is None:
                if line.seats:
                    tasks.append(SeatTask(TaskKind.SEATS_NOT_FILLED, line.label, line.seats))
                continue
            linked.add(line.group_id)
            have = group_count(seats, line.group_id)
            seats_of = composition.seats_of(line.group_id)
            if have < seats_of:
                kind, number = TaskKind.SEATS_NOT_FILLED, seats_of - have
            elif have > seats_of:
                kind, number = TaskKind.SEATS_TOO_MANY, have - seats_of
            else:
                continue
            tasks.append(SeatTask(kind, line.label, number, group_id=line.group_id))
        others = Counter(
            s.counts_for_group_id
            for s in seats
            if s.counts_for_group_id is not None
            and s.counts_for_group_id not in linked
            and not s.is_extra
        )
        for group_id, number in others.items():
            group = groups.get(group_id)
            label = f"{group.letter} · {group.name}" if group else ""
            tasks.append(SeatTask(TaskKind.SEATS_TOO_MANY, label, number, group_id=group_id))
        tasks.extend(_due_extra_seats(council, day, seats))
    for seat in seats:
        if seat.substitute is None:
            tasks.append(SeatTask(TaskKind.SUBSTITUTE_MISSING, seat.person.name, 1, seat=seat))
        elif not is_councillor(seat.substitute.substitute, council):
            name = seat.substitute.substitute.name
            tasks.append(SeatTask(TaskKind.SUBSTITUTE_NOT_COUNCILLOR, name, 1, seat=seat))
        if not seat.is_mayor and not is_councillor(seat.person, council):
            tasks.append(SeatTask(TaskKind.MEMBER_NOT_COUNCILLOR, seat.person.name, 1, seat=seat))
    return tasks


def is_councillor(person: Person, council: Council) -> bool:
    """Rules 1.0, 1.2, 1.9: a member of one of the region's municipal councils, as the
    secretariat registered the person."""
    return (
        person.municipality is not None
        and person.municipality.council_id == council.id
        and person.municipal_office is not MunicipalOffice.NONE
    )

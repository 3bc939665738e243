"""Reading regional bodies, rounds and appointments. Eager loading keeps each page's query
count constant, however many bodies and appointees there are."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload

from portal.appointments.models import (
    Appointment,
    AppointmentMethod,
    AppointmentRound,
    RegionalBody,
    RoundStatus,
)
from portal.councils.models import (
    Council,
    Group,
    Membership,
    Municipality,
    MunicipalOffice,
    Person,
    active_on,
)
from portal.councils.queries import groups_of
from portal.extensions import db

UNFINISHED = (RoundStatus.OPEN, RoundStatus.LOT_NEEDED, RoundStatus.DECIDED)


@dataclass(frozen=True)
class BodyRow:
    body: RegionalBody
    appointed: int  # published appointments that have not ended
    unfinished_round: int | None  # a round still being held


def body_rows(council: Council, day: date) -> list[BodyRow]:
    appointed = (
        select(Appointment.body_id, func.count(Appointment.id).label("n"))
        .where(
            Appointment.council_id == council.id,
            Appointment.published_at.is_not(None),
            Appointment.withdrawn_at.is_(None),
            Appointment.ends_on >= day,
        )
        .group_by(Appointment.body_id)
        .subquery()
    )
    unfinished = (
        select(AppointmentRound.body_id, func.max(AppointmentRound.id).label("round_id"))
        .where(
            AppointmentRound.council_id == council.id,
            AppointmentRound.status.in_(UNFINISHED),
        )
        .group_by(AppointmentRound.body_id)
        .subquery()
    )
    rows = db.session.execute(
        select(RegionalBody, appointed.c.n, unfinished.c.round_id)
        .outerjoin(appointed, appointed.c.body_id == RegionalBody.id)
        .outerjoin(unfinished, unfinished.c.body_id == RegionalBody.id)
        .where(RegionalBody.council_id == council.id)
        .order_by(RegionalBody.term_ends_on.desc(), func.lower(RegionalBody.name))
    )
    return [BodyRow(body, n or 0, round_id) for body, n, round_id in rows]


def rounds_of(body: RegionalBody) -> list[AppointmentRound]:
    return list(
        db.session.scalars(
            select(AppointmentRound)
            .where(AppointmentRound.body_id == body.id)
            .order_by(AppointmentRound.id.desc())
        )
    )


def unfinished_round(body: RegionalBody) -> AppointmentRound | None:
    return db.session.scalar(
        select(AppointmentRound)
        .where(AppointmentRound.body_id == body.id, AppointmentRound.status.in_(UNFINISHED))
        .limit(1)
    )


def _with_people(query):  # noqa: ANN001, ANN202
    return query.options(
        joinedload(Appointment.person),
        joinedload(Appointment.municipality),
        joinedload(Appointment.group),
    )


def appointments_of_body(body: RegionalBody) -> list[Appointment]:
    """Every appointment to the body that was not withdrawn, the latest terms first."""
    return list(
        db.session.scalars(
            _with_people(select(Appointment))
            .where(Appointment.body_id == body.id, Appointment.withdrawn_at.is_(None))
            .order_by(Appointment.starts_on.desc(), Appointment.id)
        )
    )


def appointments_of_round(appointment_round: AppointmentRound) -> list[Appointment]:
    return list(
        db.session.scalars(
            _with_people(select(Appointment))
            .where(Appointment.round_id == appointment_round.id, Appointment.withdrawn_at.is_(None))
            .order_by(Appointment.id)
        )
    )


def published_appointments(council: Council, day: date) -> list[Appointment]:
    """What the public appointments page lists: published, not withdrawn, not ended."""
    return list(
        db.session.scalars(
            _with_people(select(Appointment))
            .join(RegionalBody, RegionalBody.id == Appointment.body_id)
            .options(joinedload(Appointment.body))
            .where(
                Appointment.council_id == council.id,
                Appointment.published_at.is_not(None),
                Appointment.withdrawn_at.is_(None),
                Appointment.ends_on >= day,
            )
            .order_by(func.lower(RegionalBody.name), RegionalBody.id, Appointment.starts_on)
        )
    )


def is_regional_councillor(person: Person, council: Council) -> bool:
    """Rule 3.8: only a member of a municipal council of one of the region's municipalities
    (mayors and deputy mayors are members of theirs) can be appointed."""
    return (
        person.municipality is not None
        and person.municipality.council_id == council.id
        and person.municipal_office is not MunicipalOffice.NONE
    )


def eligible_people(council: Council) -> list[Person]:
    """The councillors of the region's municipalities the portal knows (rule 3.8)."""
    return list(
        db.session.scalars(
            select(Person)
            .join(Municipality, Municipality.id == Person.municipality_id)
            .where(
                Municipality.council_id == council.id,
                Person.municipal_office != MunicipalOffice.NONE,
            )
            .options(joinedload(Person.municipality))
            .order_by(Municipality.name, Person.name)
        )
    )


def members_by_group(council: Council, day: date) -> Counter[int]:
    """The council's current members per group: the votes of a proportional round before
    staff adjust them to those present (rule 3.8)."""
    rows = db.session.execute(
        select(Membership.group_id, func.count(Membership.id))
        .where(
            Membership.council_id == council.id,
            Membership.group_id.is_not(None),
            active_on(Membership, day),
        )
        .group_by(Membership.group_id)
    )
    return Counter({group_id: count for group_id, count in rows})


def group_of_member(person: Person, council: Council, day: date) -> Group | None:
    """The group of the person's current seat in the council, if they have one."""
    return db.session.scalar(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(
            Membership.person_id == person.id,
            Membership.council_id == council.id,
            active_on(Membership, day),
        )
        .limit(1)
    )


def overlapping_appointment(
    body: RegionalBody, person: Person, starts_on: date, ends_on: date
) -> Appointment | None:
    return db.session.scalar(
        select(Appointment)
        .where(
            and_(
                Appointment.body_id == body.id,
                Appointment.person_id == person.id,
                Appointment.withdrawn_at.is_(None),
                Appointment.starts_on <= ends_on,
                Appointment.ends_on >= starts_on,
            )
        )
        .limit(1)
    )


def appointments_ending(first: date, last: date) -> list[tuple[RegionalBody, date]]:
    """The bodies whose published appointments end between `first` and `last` (inclusive),
    with that last day, unless appointments for after it are already published."""
    later = aliased(Appointment)
    successor = (
        select(later.id)
        .where(
            later.body_id == Appointment.body_id,
            later.published_at.is_not(None),
            later.withdrawn_at.is_(None),
            later.starts_on > Appointment.ends_on,
        )
        .exists()
    )
    rows = db.session.execute(
        select(Appointment.body_id, Appointment.ends_on)
        .where(
            Appointment.published_at.is_not(None),
            Appointment.withdrawn_at.is_(None),
            Appointment.ends_on >= first,
            Appointment.ends_on <= last,
            ~successor,
        )
        .distinct()
        .order_by(Appointment.ends_on, Appointment.body_id)
    ).all()
    return [(db.session.get(RegionalBody, body_id), ends_on) for body_id, ends_on in rows]


# --- a round as its page shows it ---------------------------------------------------------


def quotient_text(value: str | None) -> str:
    """An exact quotient "p/q" as the page shows it: a whole number, or two decimals."""
    if not value:
        return ""
    quotient = Fraction(value)
    if quotient.denominator == 1:
        return str(quotient.numerator)
    return f"{float(quotient):.2f}".replace(".", ",")


@dataclass
class BallotRow:
    person: Person | None
    votes: int


@dataclass
class VotingRound:
    """One voting round of a majority vote with the calculator's workings."""

    number: int
    rows: list[BallotRow]  # most votes first
    blank: int
    cast: int
    required: int | None  # votes needed in rounds 1–2; None in the run-off
    elected: Person | None
    stage: int = 1  # the law's round: 1, 2, or 3 for the run-off (a void round is held again)
    elected_by: str | None = None  # "majority", "only_candidate" or "most_votes"
    void: bool = False  # no candidate got a vote: the round decided nothing


@dataclass
class RoundView:
    """What the round's page shows and its forms offer."""

    round: AppointmentRound
    named: list[Appointment]
    labels: dict[str, str]  # calculator names (group keys, person ids) → text
    seat_rows: list[tuple[Group, int, int]]  # group, seats, named so far (proportional)
    group_choices: list[Group]
    default_group: Group | None
    nameable_people: list[Person]
    ballot_candidates: list[Person]
    standing: list[Person]
    voting_rounds: list[VotingRound]
    lot_choices: list[tuple[str, str]]
    elected: Person | None

    @property
    def groups_with_seats(self) -> bool:
        return self.round.method is AppointmentMethod.PROPORTIONAL

    @property
    def open_seats(self) -> int:
        return max(0, self.round.seats - len(self.named))

    @property
    def unpublished(self) -> list[Appointment]:
        return [a for a in self.named if a.published_at is None]

    def names(self, names: list[str]) -> str:
        return ", ".join(self.label(name) for name in names)

    @property
    def result_rows(self) -> list[tuple[str, int, int]]:
        """Proportional: each group as recorded, its members present and seats won."""
        result = self.round.result or {}
        key_of = {group_id: key for key, group_id in result.get("group_ids", {}).items()}
        seats = result.get("seats", {})
        return [
            (
                f"{row['letter']} · {row['name']}",
                row["votes"],
                seats.get(key_of.get(row["group_id"]), 0),
            )
            for row in self.round.votes or []
        ]

    def label(self, name: str) -> str:
        if name in self.labels:
            return self.labels[name]
        if "+" in name:  # an electoral alliance, named by its members
            return " + ".join(self.labels.get(part, part) for part in name.split("+"))
        return name


def round_view(appointment_round: AppointmentRound, day: date) -> RoundView:
    council = appointment_round.council
    named = appointments_of_round(appointment_round)
    groups = {group.id: group for group in groups_of(council)}
    labels: dict[str, str] = {}
    seat_rows: list[tuple[Group, int, int]] = []
    group_choices = list(groups.values())
    people: dict[int, Person] = {}
    eligible: list[Person] = []
    result = appointment_round.result or {}
    if appointment_round.method is AppointmentMethod.PROPORTIONAL:
        for key, group_id in result.get("group_ids", {}).items():
            group = groups.get(group_id)
            labels[key] = f"{group.letter} · {group.name}" if group else key
        seats = {result["group_ids"][k]: n for k, n in result.get("seats", {}).items() if n}
        seat_rows = [
            (groups[gid], n, sum(1 for a in named if a.group_id == gid))
            for gid, n in seats.items()
            if gid in groups
        ]
        group_choices = [group for group, n, taken in seat_rows if taken < n]
    else:
        eligible = eligible_people(council)
        people = {p.id: p for p in eligible}
        # Candidates of earlier rounds who are no longer councillors still have their name.
        for ballot in appointment_round.ballots or []:
            for pid in ballot["votes"]:
                if int(pid) not in people and (person := db.session.get(Person, int(pid))):
                    people[person.id] = person
        labels = {str(pid): person.name for pid, person in people.items()}
    elected = people.get(result["elected"]) if result.get("elected") else None
    voting_rounds = [
        VotingRound(
            number=worked["number"],
            rows=sorted(
                (BallotRow(people.get(int(pid)), n) for pid, n in worked["votes"].items()),
                key=lambda row: -row.votes,
            ),
            blank=worked["blank"],
            cast=worked["cast"],
            required=worked["required"],
            elected=people.get(worked["elected"]) if worked["elected"] else None,
            # Rounds stored before stages were recorded: the number was the stage.
            stage=worked.get("stage", worked["number"]),
            elected_by=worked.get("elected_by"),
            void=worked.get("void", False),
        )
        for worked in result.get("rounds", [])
    ]
    standing = [people[pid] for pid in result.get("standing") or [] if pid in people]
    if appointment_round.method is AppointmentMethod.PROPORTIONAL:
        decided = appointment_round.status is RoundStatus.DECIDED
        nameable = eligible_people(council) if decided else []
        default_group = group_choices[0] if len(group_choices) == 1 else None
    else:
        nameable = [elected] if elected else []
        default_group = group_of_member(elected, council, day) if elected else None
    tie = (appointment_round.ties or [[]])[0]
    return RoundView(
        round=appointment_round,
        named=named,
        labels=labels,
        seat_rows=seat_rows,
        group_choices=group_choices,
        default_group=default_group,
        nameable_people=nameable,
        ballot_candidates=standing if standing else eligible,
        standing=standing,
        voting_rounds=voting_rounds,
        lot_choices=[(name, labels.get(name, name)) for name in tie],
        elected=elected,
    )

"""Reading regional bodies, rounds and appointments. Eager loading keeps each page's query
count constant, however many bodies and appointees there are."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
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


def not_ended_on(day: date):  # noqa: ANN201
    """Rule 3.8: an appointment ended early holds its seat up to its last day."""
    return or_(Appointment.ended_on.is_(None), Appointment.ended_on >= day)


def vacancies(body: RegionalBody, day: date) -> int:
    """Rule 3.8: the body's seats minus its current appointees (named, not withdrawn, not
    ended, their term not over on `day`). An appointment ended early leaves its seat to fill,
    whatever its last day: the successor's period then starts after it (`holders_during`)."""
    held = db.session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.body_id == body.id,
            Appointment.withdrawn_at.is_(None),
            Appointment.ended_on.is_(None),
            Appointment.ends_on >= day,
        )
    )
    return max(0, body.seats - (held or 0))


def holders_during(body: RegionalBody, starts_on: date, ends_on: date) -> int:
    """How many named to the body (published or not, not withdrawn) hold a seat at some time
    between `starts_on` and `ends_on`; an ended appointment up to its last day."""
    return (
        db.session.scalar(
            select(func.count(Appointment.id)).where(
                Appointment.body_id == body.id,
                Appointment.withdrawn_at.is_(None),
                Appointment.starts_on <= ends_on,
                Appointment.ends_on >= starts_on,
                not_ended_on(starts_on),
            )
        )
        or 0
    )


def most_holders(body: RegionalBody) -> int:
    """The most people named to the body at any one time (its seats may not go below it)."""
    rows = db.session.execute(
        select(Appointment.starts_on, Appointment.ends_on, Appointment.ended_on).where(
            Appointment.body_id == body.id, Appointment.withdrawn_at.is_(None)
        )
    ).all()
    periods = [(start, min(end, ended or end)) for start, end, ended in rows]
    # The count only rises on a first day, so the first days are where to look.
    return max((sum(1 for s, e in periods if s <= day <= e) for day, _end in periods), default=0)


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
            not_ended_on(day),
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
        joinedload(Appointment.round),  # a joint group's name is in its round's votes
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
    """What the public appointments page lists: published, not withdrawn, not over nor ended
    (rule 3.8)."""
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
                not_ended_on(day),
            )
            .order_by(func.lower(RegionalBody.name), RegionalBody.id, Appointment.starts_on)
        )
    )


def former_appointments(council: Council, day: date) -> list[Appointment]:
    """The public page's history: published appointments whose term is over or that ended
    early, the latest first."""
    last_day = func.coalesce(Appointment.ended_on, Appointment.ends_on)
    return list(
        db.session.scalars(
            _with_people(select(Appointment))
            .join(RegionalBody, RegionalBody.id == Appointment.body_id)
            .options(joinedload(Appointment.body))
            .where(
                Appointment.council_id == council.id,
                Appointment.published_at.is_not(None),
                Appointment.withdrawn_at.is_(None),
                last_day < day,
            )
            .order_by(last_day.desc(), func.lower(RegionalBody.name), Appointment.id)
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
            Appointment.ended_on.is_(None),  # ended early: its seat is a vacancy already
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
    # Proportional: each group or joint group with seats: label, seats, named so far.
    seat_rows: list[tuple[str, int, int]]
    # Who names: (value, label), a group's id or "v<n>" for the round's joint group n.
    group_choices: list[tuple[str, str]]
    default_group: str | None
    nameable_people: list[Person]
    ballot_candidates: list[Person]
    standing: list[Person]
    voting_rounds: list[VotingRound]
    lot_choices: list[tuple[str, str]]
    elected: Person | None

    @property
    def groups_with_seats(self) -> bool:
        return self.round.method is AppointmentMethod.PROPORTIONAL and not self.round.agreement

    @property
    def agreement(self) -> bool:
        return self.round.agreement

    @property
    def open_seats(self) -> int:
        return max(0, self.round.seats - len(self.named))

    @property
    def unpublished(self) -> list[Appointment]:
        return [a for a in self.named if a.published_at is None]

    def names(self, names: list[str]) -> str:
        return ", ".join(self.label(name) for name in names)

    @property
    def result_rows(self) -> list[tuple[str, int, int | None]]:
        """Proportional: each group as recorded, its members present and seats won (None for
        a member of a joint group: the joint group's row has the seats), then each joint
        group with its pooled members and seats."""
        result = self.round.result or {}
        key_of = {group_id: key for key, group_id in result.get("group_ids", {}).items()}
        seats = result.get("seats", {})
        joints = result.get("joint_groups") or []
        joined = {g for joint in joints for g in joint["group_ids"]}
        rows: list[tuple[str, int, int | None]] = [
            (
                f"{row['letter']} · {row['name']}",
                row["votes"],
                None if row["group_id"] in joined else seats.get(key_of.get(row["group_id"]), 0),
            )
            for row in self.round.votes or []
        ]
        votes = {row["group_id"]: row["votes"] for row in self.round.votes or []}
        for joint in joints:
            label = _("Valggruppe %(groups)s", groups=self.label(joint["key"]))
            pooled = sum(votes.get(g, 0) for g in joint["group_ids"])
            rows.append((label, pooled, seats.get(joint["key"], 0)))
        return rows

    def label(self, name: str) -> str:
        """A calculator name as text; a joint group (or an alliance in rounds recorded before
        joint groups) is named by its members."""
        return _joint_label(name, self.labels)


def round_view(appointment_round: AppointmentRound, day: date) -> RoundView:
    council = appointment_round.council
    named = appointments_of_round(appointment_round)
    groups = {group.id: group for group in groups_of(council)}
    labels: dict[str, str] = {}
    seat_rows: list[tuple[str, int, int]] = []
    group_choices = [(str(group.id), group_label(group)) for group in groups.values()]
    people: dict[int, Person] = {}
    eligible: list[Person] = []
    result = appointment_round.result or {}
    # An agreement (rule 3.8) has no votes: neither a vote's workings nor its limits apply.
    method = None if appointment_round.agreement else appointment_round.method
    if method is AppointmentMethod.PROPORTIONAL:
        for key, group_id in result.get("group_ids", {}).items():
            group = groups.get(group_id)
            labels[key] = group_label(group) if group else key
        seats = result.get("seats", {})
        group_choices = []
        for key, group_id in result.get("group_ids", {}).items():
            if seats.get(key) and group_id in groups:
                taken = sum(1 for a in named if a.group_id == group_id and not a.joint_group_ids)
                seat_rows.append((labels[key], seats[key], taken))
                if taken < seats[key]:
                    group_choices.append((str(group_id), labels[key]))
        # rule 3.8: a joint group's seats are its own; it names its people for them
        for number, joint in enumerate(result.get("joint_groups") or [], start=1):
            won = seats.get(joint["key"], 0)
            if not won:
                continue
            taken = sum(1 for a in named if a.joint_group_ids == joint["group_ids"])
            text = _("Valggruppe %(groups)s", groups=_joint_label(joint["key"], labels))
            seat_rows.append((text, won, taken))
            if taken < won:
                group_choices.append((f"v{number}", text))
    elif method is AppointmentMethod.MAJORITY:
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
    decided = appointment_round.status is RoundStatus.DECIDED
    default_group: str | None = None
    if method is AppointmentMethod.MAJORITY:
        nameable = [elected] if elected else []
        group = group_of_member(elected, council, day) if elected else None
        default_group = str(group.id) if group else None
    else:
        nameable = eligible_people(council) if decided else []
        if method is AppointmentMethod.PROPORTIONAL and len(group_choices) == 1:
            default_group = group_choices[0][0]
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
        lot_choices=[(name, _joint_label(name, labels)) for name in tie],
        elected=elected,
    )


def group_label(group: Group) -> str:
    return f"{group.letter} · {group.name}"


def _joint_label(name: str, labels: dict[str, str]) -> str:
    """A calculator name as text: a group, or a joint group named by its members ("A+V")."""
    if name in labels:
        return labels[name]
    if "+" in name:
        return " + ".join(labels.get(part, part) for part in name.split("+"))
    return name

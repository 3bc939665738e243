"""Business actions on regional bodies and their appointment rounds (rule 3.8).

Each action validates, changes, writes its audit row and its notices in the request's
transaction and flushes; a broken rule raises `Refused` with a Danish message for one field.
The arithmetic is the pure calculators' (portal.rules.proportional, portal.rules.majority):
this module only records what staff entered and what the calculators answered.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from babel.dates import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import audit
from portal.appointments import queries
from portal.appointments.models import (
    Appointment,
    AppointmentEndReason,
    AppointmentMethod,
    AppointmentRound,
    RegionalBody,
    RoundStatus,
    method_for,
)
from portal.councils.models import Council, Group, Person
from portal.councils.queries import groups_of
from portal.extensions import db
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules import InvalidInput
from portal.rules.majority import Ballot, LotPurpose, MajorityState, majority_vote
from portal.rules.majority import Outcome as MajorityOutcome
from portal.rules.proportional import Allocation, alliance_name, dhondt_joint_groups

# --- regional bodies ----------------------------------------------------------------------


def save_body(
    council: Council,
    *,
    name: str,
    seats: int,
    term_starts_on: date,
    term_ends_on: date,
    legal_basis: str,
    notes: str,
    body: RegionalBody | None = None,
) -> RegionalBody:
    clash = db.session.scalar(
        select(RegionalBody.id).where(
            RegionalBody.council_id == council.id,
            func.lower(RegionalBody.name) == name.lower(),
            RegionalBody.term_starts_on == term_starts_on,
        )
    )
    if clash is not None and (body is None or clash != body.id):
        raise Refused("name", _("Rådet har allerede et organ med dette navn for perioden."))
    if body is not None and seats < (held := queries.most_holders(body)):
        raise Refused(
            "seats",
            _(
                "Organet har %(held)d udpegede på samme tid. Afslut udpegninger, før antallet "
                "af pladser sættes ned.",
                held=held,
            ),
        )
    values = {
        "name": name,
        "seats": seats,
        "term_starts_on": term_starts_on,
        "term_ends_on": term_ends_on,
        "legal_basis": legal_basis or "",
        "notes": notes or "",
    }
    if body is None:
        body = RegionalBody(council=council, **values)
        db.session.add(body)
        audit.record("regional_body_created", body, after=audit.snapshot(body))
        return body
    before = audit.snapshot(body)
    for key, value in values.items():
        setattr(body, key, value)
    audit.record("regional_body_changed", body, before=before, after=audit.snapshot(body))
    return body


# --- appointment rounds -------------------------------------------------------------------


def start_round(
    body: RegionalBody,
    seats: int,
    *,
    by: Person,
    now: datetime,
    day: date,
    agreement: bool = False,
) -> AppointmentRound:
    """A new round for `seats` of the body's vacancies: a majority vote for one seat,
    proportional representation for several, or, when all members present agree, an
    agreement recorded without a vote (rule 3.8). A round fills vacancies, never more.
    Proportional votes start as the groups' current members; staff adjust them to those
    present."""
    lock(body)
    if queries.unfinished_round(body) is not None:
        raise Refused("seats", _("Organet har allerede en udpegning i gang."))
    free = queries.vacancies(body, day)
    if free < 1:
        raise Refused(
            "seats",
            _(
                "Organet har ingen ledige pladser: alle %(seats)d pladser er besat. Afslut en "
                "udpegning, før en ny udpegning startes (regel 3.8).",
                seats=body.seats,
            ),
        )
    if seats < 1 or seats > free:
        raise Refused(
            "seats",
            _(
                "Organet har %(free)d ledige af %(seats)d pladser. En udpegning kan besætte "
                "mellem 1 og %(free)d pladser, aldrig flere end de ledige (regel 3.8).",
                free=free,
                seats=body.seats,
            ),
        )
    method = method_for(seats)
    appointment_round = AppointmentRound(
        council_id=body.council_id,
        body=body,
        method=method,
        seats=seats,
        status=RoundStatus.OPEN,
        agreement=agreement,
        created_at=now,
        created_by_id=by.id,
    )
    if agreement:
        # rule 3.8: agreed by all members present, so recorded without a vote
        appointment_round.result = {"agreement": True}
        appointment_round.status = RoundStatus.DECIDED
        appointment_round.decided_at = now
    elif method is AppointmentMethod.PROPORTIONAL:
        appointment_round.votes = initial_votes(body.council, day)
        appointment_round.joint_groups = []
    else:
        appointment_round.ballots = []
    db.session.add(appointment_round)
    audit.record(
        "appointment_round_started", appointment_round, after=audit.snapshot(appointment_round)
    )
    return appointment_round


def initial_votes(council: Council, day: date) -> list[dict[str, object]]:
    members = queries.members_by_group(council, day)
    return [
        {
            "group_id": group.id,
            "letter": group.letter,
            "name": group.name,
            "votes": members.get(group.id, 0),
        }
        for group in groups_of(council)
    ]


def publishable(appointments: list[Appointment]) -> list[Appointment]:
    return [a for a in appointments if a.published_at is None and a.withdrawn_at is None]


def lock(row: Any) -> None:
    """Take the row's lock for this transaction (PostgreSQL; SQLite serialises writers) and
    read it afresh: two colleagues acting on one round at once take turns, so a seat is not
    named twice nor a ballot lost."""
    db.session.flush()
    model = type(row)
    db.session.execute(select(model.id).where(model.id == row.id).with_for_update())
    db.session.refresh(row)


def refuse_unless(appointment_round: AppointmentRound, *statuses: RoundStatus) -> None:
    """A form posted from a page that no longer matches the round (another tab, a colleague).
    Takes the round's lock first."""
    lock(appointment_round)
    if appointment_round.status not in statuses:
        raise Refused("", _("Udpegningen er gået videre. Se siden igen."))


def name_person(
    appointment_round: AppointmentRound,
    person: Person,
    group: Group | None,
    starts_on: date,
    ends_on: date,
    *,
    by: Person,
    now: datetime,
    joint_group: int | None = None,
) -> Appointment:
    """A group names a person for one of its seats (for a majority vote: the person elected;
    for a joint group's seat, `joint_group` is its number in the round, 1, 2, ...; for an
    agreement: anyone agreed on). Rule 3.8: only a councillor of one of the region's
    municipalities, and never more people at a time than the body has seats."""
    refuse_unless(appointment_round, RoundStatus.DECIDED)
    council = appointment_round.council
    body = appointment_round.body
    if not queries.is_regional_councillor(person, council):
        raise Refused(
            "person_id",
            _(
                "%(name)s er ikke kommunalbestyrelsesmedlem i en af regionens kommuner "
                "og kan ikke udpeges (regel 3.8).",
                name=person.name,
            ),
        )
    named = queries.appointments_of_round(appointment_round)
    if any(a.person_id == person.id for a in named):
        raise Refused("person_id", _("%(name)s er allerede udpeget i runden.", name=person.name))
    if len(named) >= appointment_round.seats:
        raise Refused("", _("Alle rundens pladser er besat."))
    joint_group_ids: list[int] | None = None
    if appointment_round.agreement:
        pass  # rule 3.8: whoever all present agreed on, for any group or none
    elif appointment_round.method is AppointmentMethod.MAJORITY:
        if person.id != (appointment_round.result or {}).get("elected"):
            raise Refused("person_id", _("Kun den valgte kan udpeges ved flertalsvalg."))
    elif appointment_round.method is AppointmentMethod.PROPORTIONAL:
        joint = joint_seats(appointment_round)
        if joint_group is not None:
            # rule 3.8: a joint group names its own people: no split among its groups
            if not 1 <= joint_group <= len(joint):
                raise Refused("group_id", _("Vælg en gruppe, der har fået pladser."))
            joint_group_ids, won = joint[joint_group - 1]
            taken = sum(1 for a in named if a.joint_group_ids == joint_group_ids)
            group = None
            if taken >= won:
                raise Refused("group_id", _("Valggruppen har udpeget til alle sine pladser."))
        else:
            seats = final_seats(appointment_round)
            if group is None or seats.get(group.id, 0) == 0:
                raise Refused("group_id", _("Vælg en gruppe, der har fået pladser."))
            taken = sum(1 for a in named if a.group_id == group.id and not a.joint_group_ids)
            if taken >= seats[group.id]:
                raise Refused(
                    "group_id",
                    _("%(group)s har udpeget til alle sine pladser.", group=group.name),
                )
    if starts_on < body.term_starts_on or ends_on > body.term_ends_on:
        raise Refused("starts_on", _("Perioden skal ligge inden for organets periode."))
    if queries.overlapping_appointment(body, person, starts_on, ends_on) is not None:
        raise Refused(
            "person_id",
            _("%(name)s er allerede udpeget til organet i perioden.", name=person.name),
        )
    refuse_beyond_seats(body, starts_on, ends_on, "starts_on")
    appointment = Appointment(
        council_id=council.id,
        body=body,
        round=appointment_round,
        person=person,
        municipality_id=person.municipality_id,
        group=group,
        joint_group_ids=joint_group_ids,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=now,
        created_by_id=by.id,
    )
    db.session.add(appointment)
    audit.record("appointment_named", appointment, after=audit.snapshot(appointment))
    return appointment


def refuse_beyond_seats(body: RegionalBody, starts_on: date, ends_on: date, field: str) -> None:
    """Rule 3.8: a body never has more people appointed at a time than it has seats. Counts
    everyone named to it whose time overlaps the period (published or not; an ended one up to
    its last day)."""
    held = queries.holders_during(body, starts_on, ends_on)
    if held >= body.seats:
        raise Refused(
            field,
            _(
                "%(body)s har %(seats)d pladser, og %(held)d er allerede udpeget i perioden. "
                "Afslut en udpegning, eller lad perioden begynde, når en plads er ledig "
                "(regel 3.8).",
                body=body.name,
                seats=body.seats,
                held=held,
            ),
        )


def withdraw_appointment(appointment: Appointment, *, by: Person, now: datetime) -> None:
    """Take back a name before it is published (a published appointment stays on record)."""
    if appointment.published_at is not None:
        raise Refused("", _("En offentliggjort udpegning kan ikke fjernes."))
    if appointment.withdrawn_at is not None:
        return
    before = audit.snapshot(appointment)
    appointment.withdrawn_at = now
    audit.record(
        "appointment_withdrawn",
        appointment,
        before=before,
        after=audit.snapshot(appointment),
        actor_id=by.id,
    )


def end_appointment(
    appointment: Appointment,
    ended_on: date,
    reason: AppointmentEndReason,
    *,
    by: Person,
    now: datetime,
) -> Appointment:
    """Rule 3.8: a published appointment ends before its term (its last day, inclusive, and a
    reason from the list). From the day after it no longer holds a seat: the body has a
    vacancy a new round can fill."""
    lock(appointment)
    if appointment.published_at is None or appointment.withdrawn_at is not None:
        raise Refused("", _("Kun en offentliggjort udpegning kan afsluttes."))
    if appointment.ended_on is not None:
        raise Refused("", _("Udpegningen er allerede afsluttet."))
    if ended_on < appointment.starts_on or ended_on > appointment.ends_on:
        raise Refused(
            "ended_on",
            _(
                "Sidste dag skal ligge i udpegningens periode, %(period)s.",
                period=f"{day_text(appointment.starts_on)} – {day_text(appointment.ends_on)}",
            ),
        )
    before = audit.snapshot(appointment)
    appointment.ended_on = ended_on
    appointment.end_reason = reason
    appointment.ended_at = now
    appointment.ended_by_id = by.id
    audit.record(
        "appointment_ended",
        appointment,
        before=before,
        after=audit.snapshot(appointment),
        actor_id=by.id,
    )
    return appointment


def publish_round(appointment_round: AppointmentRound, *, by: Person, now: datetime) -> int:
    """Publish the round's named appointments and tell each appointee. The round is done when
    every seat is named; until then the groups still to name can be published later."""
    refuse_unless(appointment_round, RoundStatus.DECIDED)
    named = queries.appointments_of_round(appointment_round)
    fresh = [a for a in named if a.published_at is None]
    if not fresh:
        raise Refused("", _("Der er ingen nye udpegede at offentliggøre."))
    before = audit.snapshot(appointment_round)
    body = appointment_round.body
    for appointment in fresh:
        appointment.published_at = now
        audit.record("appointment_published", appointment, after=audit.snapshot(appointment))
        notify(
            [appointment.person],
            NoticeKind.APPOINTMENT,
            subject=_("Du er udpeget til %(body)s", body=body.name),
            body=_(
                "%(council)s har udpeget dig til %(body)s for perioden %(period)s (regel 3.8).",
                council=appointment_round.council.name,
                body=body.name,
                period=f"{day_text(appointment.starts_on)} – {day_text(appointment.ends_on)}",
            ),
            link=f"/kkr/{appointment_round.council.slug}/udpegninger",
            council=appointment_round.council,
        )
    appointment_round.published_at = appointment_round.published_at or now
    if len(named) >= appointment_round.seats:
        appointment_round.status = RoundStatus.PUBLISHED
    audit.record(
        "appointment_round_published",
        appointment_round,
        before=before,
        after=audit.snapshot(appointment_round),
    )
    return len(fresh)


def reset_round(
    appointment_round: AppointmentRound, *, by: Person, now: datetime, day: date
) -> None:
    """Start the round over (a number typed wrong): allowed until someone is named. What was
    recorded stays in the audit log."""
    refuse_unless(appointment_round, RoundStatus.OPEN, RoundStatus.LOT_NEEDED, RoundStatus.DECIDED)
    if queries.appointments_of_round(appointment_round):
        raise Refused("", _("Fjern først de udpegede personer."))
    before = audit.snapshot(appointment_round)
    appointment_round.status = RoundStatus.OPEN
    appointment_round.result = None
    appointment_round.ties = None
    appointment_round.lot = None
    appointment_round.lot_drawn_by = None
    appointment_round.lot_drawn_at = None
    appointment_round.lot_recorded_by_id = None
    appointment_round.decided_at = None
    if appointment_round.agreement:  # no votes to start over: it stays decided
        appointment_round.result = {"agreement": True}
        appointment_round.status = RoundStatus.DECIDED
        appointment_round.decided_at = now
    elif appointment_round.method is AppointmentMethod.PROPORTIONAL:
        appointment_round.votes = initial_votes(appointment_round.council, day)
        appointment_round.joint_groups = []
    else:
        appointment_round.ballots = []
        appointment_round.members_present = None
    audit.record(
        "appointment_round_reset",
        appointment_round,
        before=before,
        after=audit.snapshot(appointment_round),
        actor_id=by.id,
    )


def day_text(day: date) -> str:
    return format_date(day, "d. MMMM y", locale="da")


# --- proportional representation (rule 3.8, § 24 stk. 3) ----------------------------------


def group_keys(rows: list[dict[str, Any]]) -> list[str]:
    """How the calculator names each group: its letter, or letter and name when two groups
    share a letter."""
    letters = Counter(row["letter"] for row in rows)
    return [
        row["letter"] if letters[row["letter"]] == 1 else f"{row['letter']} ({row['name']})"
        for row in rows
    ]


def record_votes(
    appointment_round: AppointmentRound,
    lines: list[tuple[Any, int, int | None]],
    *,
    by: Person,
    now: datetime,
) -> AppointmentRound:
    """The groups' members present and the joint groups (valggrupper), then d'Hondt (rule
    3.8): `lines` are (group id, members present, joint group number or None)."""
    refuse_unless(appointment_round, RoundStatus.OPEN)
    if appointment_round.method is not AppointmentMethod.PROPORTIONAL:
        raise Refused("", _("Runden er ikke et forholdstalsvalg."))
    known = {str(row["group_id"]): row for row in appointment_round.votes or []}
    given = {str(group_id): (votes, joint) for group_id, votes, joint in lines}
    if set(given) != set(known):
        raise Refused("", _("Rådets grupper er ændret. Se siden igen."))
    rows = [{**row, "votes": given[key][0]} for key, row in known.items()]
    numbered: dict[int, list[int]] = {}
    for key, (_votes, joint) in given.items():
        if joint:
            numbered.setdefault(joint, []).append(int(key))
    joint_groups = [sorted(members) for _number, members in sorted(numbered.items())]
    if any(len(members) < 2 for members in joint_groups):
        raise Refused("groups", _("En valggruppe skal have mindst to grupper."))
    if not any(row["votes"] for row in rows):
        raise Refused("groups", _("Mindst én gruppe skal have medlemmer til stede."))
    before = audit.snapshot(appointment_round)
    count_seats(appointment_round, now, votes=rows, joint_groups=joint_groups, lot=None)
    audit.record(
        "appointment_votes_recorded",
        appointment_round,
        before=before,
        after=audit.snapshot(appointment_round),
        actor_id=by.id,
    )
    return appointment_round


def count_seats(
    appointment_round: AppointmentRound,
    now: datetime,
    *,
    votes: list[dict[str, Any]],
    joint_groups: list[list[int]],
    lot: dict[str, Any] | None,
) -> None:
    """d'Hondt over `votes`, the joint groups and the lots drawn so far (rule 3.8); stores
    them with the result, the ties still open and the status, or refuses and changes
    nothing."""
    rows = votes
    keys = group_keys(rows)
    key_of = {row["group_id"]: key for row, key in zip(rows, keys, strict=True)}
    joint_keys = [[key_of[g] for g in members] for members in joint_groups]
    try:
        allocation = dhondt_joint_groups(
            {key: row["votes"] for key, row in zip(keys, rows, strict=True)},
            appointment_round.seats,
            joint_keys,
            [draw["winner"] for draw in (lot or {}).get("draws", [])],
        )
    except InvalidInput as problem:
        message = _("Fordelingen kan ikke beregnes: %(problem)s", problem=problem)
        raise Refused("groups", message) from problem
    appointment_round.votes = votes
    appointment_round.joint_groups = joint_groups
    appointment_round.lot = lot
    result = allocation_json(allocation)
    result["group_ids"] = {key: row["group_id"] for key, row in zip(keys, rows, strict=True)}
    # A list, so that a joint group's number (1, 2, ...) is its place in it.
    result["joint_groups"] = [
        {"key": alliance_name(members), "group_ids": group_ids}
        for members, group_ids in zip(joint_keys, joint_groups, strict=True)
    ]
    appointment_round.result = result
    # Only who gets a seat matters for an appointment; the order of the seats does not.
    appointment_round.ties = allocation.ties or None
    decide(appointment_round, now)


def decide(appointment_round: AppointmentRound, now: datetime) -> None:
    if appointment_round.ties:
        appointment_round.status = RoundStatus.LOT_NEEDED
        appointment_round.decided_at = None
    else:
        appointment_round.status = RoundStatus.DECIDED
        appointment_round.decided_at = now


def fraction_text(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def allocation_json(allocation: Allocation) -> dict[str, Any]:
    """The calculator's answer with its workings, as stored on the round (exact quotients as
    "numerator/denominator")."""
    return {
        "seats": dict(allocation.seats),
        "order": list(allocation.order),
        "ties": [list(tie) for tie in allocation.ties],
        "order_ties": [list(tie) for tie in allocation.order_ties],
        "alliances": {label: list(members) for label, members in allocation.alliances.items()},
        "joint_group_keys": {
            label: list(members) for label, members in allocation.joint_groups.items()
        },
        "steps": [
            {
                "number": step.number,
                "contender": step.contender,
                "quotient": fraction_text(step.quotient),
                "group": step.group,
                "inner_quotient": fraction_text(step.inner_quotient),
                "by_lot": step.by_lot,
                "undecided": list(step.undecided),
            }
            for step in allocation.steps
        ],
        "tables": [
            {
                "alliance": table.alliance,
                "seats": table.seats,
                "rows": [
                    {
                        "name": row.name,
                        "votes": row.votes,
                        "quotients": [fraction_text(q) for q in row.quotients],
                        "seats_won": list(row.seats_won),
                    }
                    for row in table.rows
                ],
            }
            for table in allocation.tables
        ],
    }


def final_seats(appointment_round: AppointmentRound) -> dict[int, int]:
    """Seats per group id standing alone once the round is decided (proportional rounds)."""
    result = appointment_round.result or {}
    ids = result.get("group_ids", {})
    return {ids[key]: n for key, n in result.get("seats", {}).items() if n and key in ids}


def joint_seats(appointment_round: AppointmentRound) -> list[tuple[list[int], int]]:
    """Rule 3.8: each joint group of the round (its group ids) and the seats it won, in the
    order of the round's joint groups (number 1, 2, ...)."""
    result = appointment_round.result or {}
    seats = result.get("seats", {})
    return [
        (joint["group_ids"], seats.get(joint["key"], 0))
        for joint in result.get("joint_groups") or []
    ]


# --- lots (rule 3.8: the portal reports a tie, staff record the lot drawn) -----------------


def open_tie(appointment_round: AppointmentRound) -> list[str]:
    """The names a lot is to be drawn between now (the first open tie)."""
    return list((appointment_round.ties or [[]])[0])


def record_lot(
    appointment_round: AppointmentRound,
    winner: str,
    drawn_by: str,
    *,
    by: Person,
    now: datetime,
) -> AppointmentRound:
    """Record the lot drawn between the tied: `winner` takes the place. With more places or
    ties left, the round asks for the next lot."""
    refuse_unless(appointment_round, RoundStatus.LOT_NEEDED)
    among = open_tie(appointment_round)
    if winner not in among:
        raise Refused("winner", _("Vælg en af dem, der står lige."))
    before = audit.snapshot(appointment_round)
    lot = dict(appointment_round.lot or {})
    lot["draws"] = [
        *lot.get("draws", []),
        {
            "winner": winner,
            "among": among,
            "purpose": ((appointment_round.result or {}).get("lot") or {}).get("purpose"),
            "drawn_by": drawn_by,
            "drawn_at": now.isoformat(),
            "recorded_by_id": by.id,
        },
    ]
    if appointment_round.method is AppointmentMethod.PROPORTIONAL:
        count_seats(
            appointment_round,
            now,
            votes=appointment_round.votes or [],
            joint_groups=appointment_round.joint_groups or [],
            lot=lot,
        )
    else:
        count_ballots(
            appointment_round,
            now,
            present=appointment_round.members_present or 0,
            ballots=appointment_round.ballots or [],
            lot=lot,
        )
    appointment_round.lot_drawn_by = drawn_by
    appointment_round.lot_drawn_at = now
    appointment_round.lot_recorded_by_id = by.id
    audit.record(
        "appointment_lot_recorded",
        appointment_round,
        before=before,
        after=audit.snapshot(appointment_round),
        actor_id=by.id,
    )
    return appointment_round


# --- majority vote (rule 3.8, § 24 stk. 1) ------------------------------------------------


def record_ballot(
    appointment_round: AppointmentRound,
    members_present: int,
    votes: dict[Person, int],
    blank: int,
    *,
    by: Person,
    now: datetime,
) -> AppointmentRound:
    """One voting round's ballots; the calculator says who is elected, whether another round
    is held (and who may stand), or that a lot must be drawn."""
    refuse_unless(appointment_round, RoundStatus.OPEN)
    if appointment_round.method is not AppointmentMethod.MAJORITY:
        raise Refused("", _("Runden er ikke et flertalsvalg."))
    council = appointment_round.council
    for person in votes:
        if not queries.is_regional_councillor(person, council):
            raise Refused(
                "candidates",
                _(
                    "%(name)s er ikke kommunalbestyrelsesmedlem i en af regionens kommuner "
                    "og kan ikke vælges (regel 3.8).",
                    name=person.name,
                ),
            )
    standing = (appointment_round.result or {}).get("standing")
    if standing is not None and any(person.id not in standing for person in votes):
        raise Refused("candidates", _("Kun de to kandidater i omvalget kan stille op."))
    if sum(votes.values()) + blank > members_present:
        raise Refused(
            "members_present", _("Der er afgivet flere stemmer, end der er medlemmer til stede.")
        )
    before = audit.snapshot(appointment_round)
    ballot = {"votes": {str(person.id): n for person, n in votes.items()}, "blank": blank}
    count_ballots(
        appointment_round,
        now,
        present=members_present,
        ballots=[*(appointment_round.ballots or []), ballot],
        lot=appointment_round.lot,
    )
    audit.record(
        "appointment_ballot_recorded",
        appointment_round,
        before=before,
        after=audit.snapshot(appointment_round),
        actor_id=by.id,
    )
    return appointment_round


def count_ballots(
    appointment_round: AppointmentRound,
    now: datetime,
    *,
    present: int,
    ballots: list[dict[str, Any]],
    lot: dict[str, Any] | None,
) -> None:
    """Rule 3.8 over every voting round and the lots drawn so far; stores them with the
    result and the status, or refuses and changes nothing."""
    draws = (lot or {}).get("draws", [])
    winner = [d["winner"] for d in draws if d.get("purpose") == LotPurpose.WINNER.value]
    try:
        state = majority_vote(
            present,
            [Ballot(votes=ballot["votes"], blank=ballot.get("blank", 0)) for ballot in ballots],
            drawn_for_run_off=[
                d["winner"] for d in draws if d.get("purpose") == LotPurpose.RUN_OFF.value
            ],
            drawn_winner=winner[-1] if winner else None,
        )
    except InvalidInput as problem:
        message = _("Afstemningen kan ikke opgøres: %(problem)s", problem=problem)
        raise Refused("candidates", message) from problem
    appointment_round.members_present = present
    appointment_round.ballots = ballots
    appointment_round.lot = lot
    appointment_round.result = majority_json(state)
    appointment_round.ties = [list(state.lot.between)] if state.lot else None
    if state.outcome is MajorityOutcome.NEXT_ROUND:
        appointment_round.status = RoundStatus.OPEN
    else:
        decide(appointment_round, now)


def majority_json(state: MajorityState) -> dict[str, Any]:
    """The calculator's answer with its workings, as stored on the round (person ids)."""
    return {
        "outcome": state.outcome.value,
        "elected": int(state.elected) if state.elected else None,
        "by_lot": state.by_lot,
        "next_round": state.next_round,
        "next_stage": state.next_stage,
        "standing": [int(name) for name in state.eligible] if state.eligible else None,
        "run_off": [int(name) for name in state.run_off],
        "lot": {
            "between": list(state.lot.between),
            "places": state.lot.places,
            "purpose": state.lot.purpose.value,
        }
        if state.lot
        else None,
        "rounds": [
            {
                "number": r.number,
                "votes": dict(r.votes),
                "blank": r.blank,
                "cast": r.cast,
                "required": r.required,
                "elected": int(r.elected) if r.elected else None,
                "stage": r.stage,
                "elected_by": r.elected_by.value if r.elected_by else None,
                "void": r.void,
            }
            for r in state.rounds
        ],
    }

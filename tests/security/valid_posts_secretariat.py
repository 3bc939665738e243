"""A valid form for every POST route of the secretariat side (blueprints councils,
appointments and sign_in_admin: municipalities, groups, people, memberships and substitutes;
regional bodies and appointment rounds; elections, the composition and the constituting
meeting; a person's provider accounts and sessions), for
tests/security/test_one_hostile_field.py: each field in turn is made hostile there.

Each post there meets the state `prepare` left (the posts before it are rolled back), so one
object per route is enough: a round waiting for its lot, a confirmed election whose chair
election is open, a chair holding that can be replaced."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from portal.appointments import operations as appointment_operations
from portal.appointments.models import Appointment, AppointmentRound, RegionalBody
from portal.appointments.queries import eligible_people
from portal.councils.models import (
    CouncilOffice,
    Group,
    GroupChange,
    Membership,
    MembershipKind,
    Municipality,
    Person,
)
from portal.elections import operations as election_operations
from portal.elections.models import Election, OfficeHolding
from portal.extensions import db
from portal.policy import today
from portal.types import utcnow
from tests.appointments.election_scene import PLAIN, TIED, local, make_election
from tests.appointments.scene import TERM, make_body
from tests.factories import make_member, make_person
from tests.security.test_form_fuzz import FUZZ_PROVIDER, World
from tests.security.valid_posts_members import ValidPost

# A chair tie (A and B equal) in a composition without one: 5 municipalities.
CHAIR_TIE = [("A", 3000, 1, 10), ("B", 3000, 1, 10), ("C", 1000, 0, 3)]
# Four groups, so that two can ally while two others already have.
FOUR_GROUPS = [*PLAIN, ("D", 800, 0, 2)]
RESULTS_CSV = (
    b"letter;name;votes;mayors;council_seats\n"
    b"A;Socialdemokratiet;52000;7;120\n"
    b"V;Venstre;41000;6;98\n"
    b"C;Det Konservative Folkeparti;23000;3;51\n"
)


def staff(world: World) -> Person:
    return world.staff


def ids(world: World, **names: str) -> dict[str, int]:
    """URL values taken from this module's entries in world.ids: `round_id="lot_round"`."""
    return {url_name: world.ids[key] for url_name, key in names.items()}


def group_id(world: World, letter: str) -> int:
    found = db.session.scalar(
        select(Group.id).where(Group.council_id == world.council.id, Group.letter == letter)
    )
    assert found is not None, letter
    return found


# --- prepare: what the routes need beyond the fuzz world ---------------------------------------


def _confirmed(
    world: World,
    results: list[tuple[str, int, int, int]],
    held_on: date,
    meeting_on: date | None = None,
    municipalities: int = 3,
) -> Election:
    """A confirmed election; its constituting meeting on `meeting_on` at 10:00 if given."""
    election = make_election(world.council, results, held_on=held_on, municipalities=municipalities)
    election_operations.confirm_composition(election, by=world.staff, now=utcnow())
    election.constituting_meeting_at = local(meeting_on) if meeting_on else None
    db.session.flush()
    return election


def _round_with_votes(world: World, body: RegionalBody, votes: dict[str, int]) -> AppointmentRound:
    """A proportional round over 3 seats with the groups' members present as given (others
    none): decided, or waiting for a lot on a tie."""
    appointment_round = appointment_operations.start_round(
        body, 3, by=world.staff, now=utcnow(), day=today()
    )
    lines = [
        (row["group_id"], votes.get(row["letter"], 0), None) for row in appointment_round.votes
    ]
    return appointment_operations.record_votes(
        appointment_round, lines, by=world.staff, now=utcnow()
    )


def _prepare_council(world: World) -> None:
    municipality = db.session.get(Municipality, world.ids["municipality_id"])
    # Neither member nor substitute: can take a seat or become a substitute.
    candidate = make_person(
        world.council,
        name="Lone Kirkegaard",
        email="lone.kirkegaard@kkr-demo.example",
        municipality=municipality,
    )
    # A seat without a personal substitute (every seat of the demo council has one).
    free_seat = make_member(
        world.council,
        municipality=municipality,
        group=db.session.get(Group, group_id(world, "A")),
        starts_on=today() - timedelta(days=30),
    )
    world.ids |= {"candidate_person": candidate.id, "free_membership": free_seat.id}
    # Rule 1.11: group D's members have left, and a mayor who had represented D left it
    # yesterday: D has free seats, and its councillors may name a member on top (rule 1.12).
    yesterday = today() - timedelta(days=1)
    d_members = db.session.scalars(
        select(Membership).where(
            Membership.council_id == world.council.id, Membership.group_id == group_id(world, "D")
        )
    ).all()
    for member in d_members:
        member.ends_on = yesterday
    mayor = db.session.scalars(
        select(Membership)
        .where(
            Membership.council_id == world.council.id,
            Membership.kind == MembershipKind.MAYOR,
            Membership.id != world.ids["membership_id"],
        )
        .order_by(Membership.id)
    ).first()
    assert mayor is not None
    db.session.add(
        GroupChange(
            council_id=world.council.id,
            membership=mayor,
            from_group_id=group_id(world, "D"),
            to_group_id=mayor.group_id,
            changed_on=yesterday,
        )
    )


def _prepare_rounds(world: World) -> None:
    start_body = make_body(world.council, "Praksisplanudvalget")
    votes_body = make_body(world.council, "Regionalt dialogforum")
    votes_round = appointment_operations.start_round(
        votes_body, 3, by=world.staff, now=utcnow(), day=today()
    )
    # A and V equal: the third seat is a tie between them.
    lot_round = _round_with_votes(world, make_body(world.council, "Vækstforum"), {"A": 3, "V": 3})
    assert lot_round.ties, lot_round.result
    # A two seats, V one; one of A's is named already.
    decided_round = _round_with_votes(
        world, make_body(world.council, "Beskæftigelsesrådet"), {"A": 5, "V": 3}
    )
    people = eligible_people(world.council)
    appointment = appointment_operations.name_person(
        decided_round,
        people[0],
        db.session.get(Group, group_id(world, "A")),
        TERM[0],
        TERM[1],
        by=world.staff,
        now=utcnow(),
    )
    world.ids |= {
        "start_body": start_body.id,
        "votes_round": votes_round.id,
        "lot_round": lot_round.id,
        "decided_round": decided_round.id,
        "appointment_id": appointment.id,
        "nameable_person": people[1].id,
        "ballot_candidate": people[2].id,
    }


def _prepare_ending(world: World) -> None:
    """Rule 3.8: a body with a published appointment, which staff may end."""
    body = make_body(world.council, "Regionalt udviklingsråd", seats=2)
    person = eligible_people(world.council)[3]
    appointment = Appointment(
        council_id=world.council.id,
        body=body,
        person=person,
        municipality_id=person.municipality_id,
        starts_on=TERM[0],
        ends_on=TERM[1],
        published_at=utcnow(),
    )
    db.session.add(appointment)
    db.session.flush()
    world.ids |= {"ending_body": body.id, "published_appointment": appointment.id}


def _prepare_elections(world: World) -> None:
    past_meeting = today() - timedelta(days=2)
    draft = db.session.get(Election, world.ids["election_id"])
    assert draft is not None and draft.results
    tied = make_election(world.council, TIED, held_on=date(2012, 3, 6))
    # Held in March 2027, so both daylight-saving nights of 2027 fall in the window the
    # constituting meeting may be set in (rule 1.3: by 31 January after the election).
    meeting = _confirmed(world, PLAIN, date(2027, 3, 1))
    # The alliances can still be notified: the meeting is weeks away.
    alliances = _confirmed(
        world, FOUR_GROUPS, date(2014, 3, 4), today() + timedelta(days=40), municipalities=17
    )
    allied = alliances.results[2:]
    alliance = election_operations.register_alliance(
        alliances, list(allied), by=world.staff, now=utcnow()
    )
    chair_tie = _confirmed(world, CHAIR_TIE, date(2016, 3, 1), past_meeting, municipalities=5)
    chair = _confirmed(world, PLAIN, date(2018, 3, 6), past_meeting)
    holders = _confirmed(world, PLAIN, date(2020, 3, 3), past_meeting)
    # The demo council's chair and vice-chair, so electing them changes no one's office.
    chair_seat, vice_seat = (
        db.session.scalar(
            select(Membership).where(
                Membership.council_id == world.council.id, Membership.office == office
            )
        )
        for office in (CouncilOffice.CHAIR, CouncilOffice.VICE_CHAIR)
    )
    assert chair_seat is not None and vice_seat is not None
    election_operations.record_chair_election(
        holders,
        chair=chair_seat,
        vice_chair=vice_seat,
        starts_on=today(),
        by=world.staff,
        now=utcnow(),
    )
    db.session.flush()
    holding = db.session.scalar(
        select(OfficeHolding).where(
            OfficeHolding.election_id == holders.id,
            OfficeHolding.office == CouncilOffice.VICE_CHAIR,
        )
    )
    # A group-elected member holds no office: the successor.
    successor = db.session.scalar(
        select(Membership)
        .where(
            Membership.council_id == world.council.id,
            Membership.kind == MembershipKind.GROUP_ELECTED,
            Membership.office == CouncilOffice.MEMBER,
        )
        .order_by(Membership.id)
    )
    assert holding is not None and successor is not None
    world.ids |= {
        # The fuzz world's draft election: its first group's result (the demo council's own
        # election has results too).
        "world_result": draft.results[0].id,
        "tied_election": tied.id,
        "meeting_election": meeting.id,
        "alliance_election": alliances.id,
        "alliance_id": alliance.id,
        "chair_tie_election": chair_tie.id,
        "chair_election": chair.id,
        "holder_election": holders.id,
        "holding_id": holding.id,
        "chair_membership": chair_seat.id,
        "vice_chair_membership": vice_seat.id,
        "successor_membership": successor.id,
    }


def prepare(world: World) -> None:
    """Creates what the secretariat's routes need beyond the fuzz world (ids into world.ids):
    a seat without a substitute and a person who is neither member nor substitute; bodies
    with a round open for votes, one waiting for a lot, one decided with a person named; a
    tied draft election, confirmed elections before and after the alliance deadline, one
    with a chair tie and one with its chair and vice-chair elected."""
    _prepare_council(world)
    _prepare_rounds(world)
    _prepare_ending(world)
    _prepare_elections(world)
    db.session.commit()


# --- councils: municipalities, groups, people, memberships, substitutes ----------------------


def _person_data(world: World) -> dict[str, Any]:
    person = db.session.get(Person, world.ids["person_id"])
    assert person is not None and person.municipal_office is not None
    return {
        "name": person.name + " Juul",
        "email": person.email.replace("@", ".juul@"),
        "municipality_id": str(person.municipality_id),
        "municipal_office": person.municipal_office.value,
        "mayor_since": (person.mayor_since or date(2018, 1, 1)).isoformat(),
        "born_on": (person.born_on or date(1966, 4, 12)).isoformat(),
    }


COUNCILS: dict[str, ValidPost] = {
    "councils.list_municipalities": ValidPost(staff, lambda w: {"name": "Østerby"}),
    "councils.edit_municipality": ValidPost(staff, lambda w: {"name": "Faxe Kommune"}),
    "councils.list_groups": ValidPost(
        staff, lambda w: {"letter": "Å", "name": "Alternativet", "kind": "party"}
    ),
    "councils.edit_group": ValidPost(
        staff,
        lambda w: {"letter": "SD", "name": "Socialdemokraterne", "kind": "list_alliance"},
    ),
    "councils.add_person": ValidPost(
        staff,
        lambda w: {
            "name": "Karin Møller",
            "email": "karin.moeller@kkr-demo.example",
            "municipality_id": str(w.ids["municipality_id"]),
            "municipal_office": "councillor",
            "mayor_since": "2018-01-01",
            "born_on": "1968-04-12",
        },
    ),
    "councils.edit_person": ValidPost(staff, _person_data),
    "councils.add_membership": ValidPost(
        staff,
        lambda w: {
            "person_id": str(w.ids["candidate_person"]),
            "municipality_id": str(w.ids["municipality_id"]),
            "group_id": str(group_id(w, "D")),  # a group with free seats (prepare)
            "kind": "group_elected",
            "office": "member",
            "starts_on": today().isoformat(),
        },
    ),
    "councils.edit_membership": ValidPost(
        staff, lambda w: {"office": "member", "group_id": str(group_id(w, "V"))}
    ),
    # The world's seat is a mayor's: the seat ends (rules 1.9 and 1.13 for a group's member).
    "councils.end_membership": ValidPost(
        staff, lambda w: {"ends_on": today().isoformat(), "cause": "no_longer_mayor"}
    ),
    # Rule 1.10: the world's seat is a mayor's (of group A).
    "councils.change_mayor_group": ValidPost(
        staff,
        lambda w: {"group_id": str(group_id(w, "V")), "changed_on": today().isoformat()},
    ),
    # Rules 1.11-1.12: group D may name a member (prepare).
    "councils.add_extra_member": ValidPost(
        staff,
        lambda w: {
            "group_id": str(group_id(w, "D")),
            "person_id": str(w.ids["candidate_person"]),
            "starts_on": today().isoformat(),
        },
    ),
    "councils.assign_substitute": ValidPost(
        staff,
        lambda w: {
            "substitute_id": str(w.ids["candidate_person"]),
            "starts_on": today().isoformat(),
        },
        url_values=lambda w: ids(w, membership_id="free_membership"),
    ),
    # The membership page's second form: its fields carry the prefix "end".
    "councils.end_substitute": ValidPost(
        staff, lambda w: {"end-ends_on": today().isoformat(), "end-cause": "resigned"}
    ),
}


# --- appointments: regional bodies and appointment rounds (rule 3.8) ---------------------------


def _body_data(name: str, seats: int, legal_basis: str, notes: str) -> dict[str, Any]:
    return {
        "name": name,
        "seats": str(seats),
        "term_starts_on": TERM[0].isoformat(),
        "term_ends_on": TERM[1].isoformat(),
        "legal_basis": legal_basis,
        "notes": notes,
    }


def _votes_data(world: World) -> dict[str, Any]:
    """Each group's line as the round holds it, members present changed: A 4, V 2, C 1."""
    appointment_round = db.session.get(AppointmentRound, world.ids["votes_round"])
    assert appointment_round is not None and appointment_round.votes
    present = {"A": 4, "V": 2, "C": 1}
    data: dict[str, Any] = {}
    for index, row in enumerate(appointment_round.votes):
        data[f"groups-{index}-group_id"] = str(row["group_id"])
        data[f"groups-{index}-votes"] = str(present.get(row["letter"], 0))
        data[f"groups-{index}-alliance"] = ""
    return data


def _lot_data(world: World) -> dict[str, Any]:
    appointment_round = db.session.get(AppointmentRound, world.ids["lot_round"])
    assert appointment_round is not None and appointment_round.ties
    return {"winner": appointment_round.ties[0][0], "drawn_by": "Formanden Kirsten Holm"}


# The votes form has a line per group of the council (7), all alike: the first line's fields
# are made hostile, the others stay valid (so the form is posted whole).
OTHER_GROUP_LINES = tuple(
    f"groups-{index}-{name}" for index in range(1, 7) for name in ("group_id", "votes", "alliance")
)

APPOINTMENTS: dict[str, ValidPost] = {
    "appointments.create_body": ValidPost(
        staff,
        lambda w: _body_data(
            "Det Regionale Arbejdsmarkedsråd", 2, "Beskæftigelseslovens § 9", "To pladser."
        ),
    ),
    "appointments.edit_body": ValidPost(
        staff,
        lambda w: _body_data(
            "Sundhedssamarbejdsudvalget", 3, "Sundhedslovens § 205", "Tre pladser i perioden."
        ),
    ),
    "appointments.start_round": ValidPost(
        staff, lambda w: {"seats": "2"}, url_values=lambda w: ids(w, body_id="start_body")
    ),
    "appointments.record_votes": ValidPost(
        staff,
        _votes_data,
        url_values=lambda w: ids(w, round_id="votes_round"),
        untouchable=OTHER_GROUP_LINES,
    ),
    # The fuzz world's round: one seat by majority vote, open.
    "appointments.record_ballot": ValidPost(
        staff,
        lambda w: {
            "members_present": "20",
            "candidates-0-person_id": str(w.ids["ballot_candidate"]),
            "candidates-0-votes": "15",
            "blank": "2",
        },
    ),
    "appointments.record_lot": ValidPost(
        staff, _lot_data, url_values=lambda w: ids(w, round_id="lot_round")
    ),
    "appointments.name_person": ValidPost(
        staff,
        lambda w: {
            "group_id": str(group_id(w, "V")),
            "person_id": str(w.ids["nameable_person"]),
            "starts_on": TERM[0].isoformat(),
            "ends_on": TERM[1].isoformat(),
        },
        url_values=lambda w: ids(w, round_id="decided_round"),
    ),
    "appointments.withdraw_appointment": ValidPost(
        staff, lambda w: {}, url_values=lambda w: ids(w, round_id="decided_round")
    ),
    "appointments.publish_round": ValidPost(
        staff, lambda w: {}, url_values=lambda w: ids(w, round_id="decided_round")
    ),
    # Waiting for its lot: starting over is allowed until someone is named.
    "appointments.reset_round": ValidPost(
        staff, lambda w: {}, url_values=lambda w: ids(w, round_id="lot_round")
    ),
    # Rule 3.8: a published appointment ends early (its last day, a reason from the list).
    "appointments.end_appointment": ValidPost(
        staff,
        lambda w: {"ended_on": "2027-06-30", "reason": "resigned"},
        url_values=lambda w: ids(w, body_id="ending_body", appointment_id="published_appointment"),
    ),
}


# --- appointments: elections, the composition, the constituting meeting (rules 1.0–1.4) -------


def _alliance_data(world: World) -> dict[str, Any]:
    """The two groups not yet allied (the other two are: see `prepare`)."""
    election = db.session.get(Election, world.ids["alliance_election"])
    assert election is not None
    return {"groups": [str(result.id) for result in election.results[:2]]}


ELECTIONS: dict[str, ValidPost] = {
    "appointments.list_elections": ValidPost(
        staff, lambda w: {"held_on": "2029-11-20", "municipalities": "17"}
    ),
    # The fuzz world's election: a draft with three groups.
    "appointments.add_group_result": ValidPost(
        staff,
        lambda w: {
            "letter": "Å",
            "name": "Alternativet",
            "votes": "1200",
            "mayors": "0",
            "council_seats": "4",
            "group_id": str(group_id(w, "F")),
        },
    ),
    "appointments.edit_group_result": ValidPost(
        staff,
        lambda w: {
            "letter": "SD",
            "name": "Socialdemokratiet",
            "votes": "5100",
            "mayors": "2",
            "council_seats": "21",
            "group_id": str(group_id(w, "A")),
        },
        url_values=lambda w: ids(w, result_id="world_result"),
    ),
    "appointments.remove_group_result": ValidPost(
        staff, lambda w: {}, url_values=lambda w: ids(w, result_id="world_result")
    ),
    # A results file: a CSV, where the portal's other uploads are PDFs, so not in `files` (the
    # test gives those a PDF). The import reads only the content, never the file's name; text
    # in place of the file is posted as the hostile value.
    "appointments.import_results": ValidPost(
        staff, lambda w: {"file": (io.BytesIO(RESULTS_CSV), "resultater.csv")}
    ),
    "appointments.record_composition_lot": ValidPost(
        staff,
        lambda w: {"winner": "A", "drawn_by": "Valgbestyrelsens formand"},
        url_values=lambda w: ids(w, election_id="tied_election"),
    ),
    "appointments.confirm_composition": ValidPost(staff, lambda w: {}),
    "appointments.set_constituting_meeting": ValidPost(
        staff,
        lambda w: {"starts_at": "2027-04-14T10:00"},
        url_values=lambda w: ids(w, election_id="meeting_election"),
    ),
    "appointments.register_alliance": ValidPost(
        staff,
        _alliance_data,
        url_values=lambda w: ids(w, election_id="alliance_election"),
    ),
    "appointments.withdraw_alliance": ValidPost(
        staff, lambda w: {}, url_values=lambda w: ids(w, election_id="alliance_election")
    ),
    "appointments.record_chair_lot": ValidPost(
        staff,
        lambda w: {"winner": "A", "drawn_by": "Mødets dirigent"},
        url_values=lambda w: ids(w, election_id="chair_tie_election"),
    ),
    "appointments.record_chair_election": ValidPost(
        staff,
        lambda w: {
            "chair": str(w.ids["chair_membership"]),
            "vice_chair": str(w.ids["vice_chair_membership"]),
            "starts_on": today().isoformat(),
        },
        url_values=lambda w: ids(w, election_id="chair_election"),
    ),
    # The vice-chair is away for four months: the successor stands in (rules 1.15–1.16).
    "appointments.replace_holder": ValidPost(
        staff,
        lambda w: {
            "vacancy": "away",
            "successor": str(w.ids["successor_membership"]),
            "starts_on": (today() + timedelta(days=7)).isoformat(),
            "ends_on": (today() + timedelta(days=7 + 120)).isoformat(),
            "reason": "Orlov i fire måneder",
        },
        url_values=lambda w: ids(w, election_id="holder_election"),
    ),
}


# --- a person's sign-in: accounts bound in advance, bindings removed, sessions ended ----------

# The fuzz world's member's account and session (world.ids identity_id, session_id); the
# provider is test_form_fuzz.FUZZ_PROVIDER, whose domain is the member's.
SIGN_IN: dict[str, ValidPost] = {
    "sign_in_admin.show": ValidPost(
        staff, lambda w: {"provider": FUZZ_PROVIDER["name"], "subject": "fuzz-new-account-7"}
    ),
    "sign_in_admin.remove": ValidPost(staff, lambda w: {}),
    "sign_in_admin.end_session": ValidPost(staff, lambda w: {}),
}

VALID_POSTS: dict[str, ValidPost] = {**COUNCILS, **APPOINTMENTS, **ELECTIONS, **SIGN_IN}

"""One scene with something behind every route: two councils, everyone the authorisation
matrix tells apart (the roles), and the objects whose ids fill the URL arguments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from portal.absences import operations as absences
from portal.absences.models import AbsenceReason
from portal.appointments.models import Appointment
from portal.attachments.models import Attachment
from portal.auth.models import Identity, SignInSession
from portal.auth.sessions import open_session
from portal.councils.models import (
    Council,
    CouncilOffice,
    Person,
)
from portal.elections.models import (
    ElectionGroupResult,
    ElectoralAlliance,
    OfficeHolding,
)
from portal.extensions import db
from portal.leave import operations as leave_operations
from portal.leave.models import LeaveKind
from portal.meeting_requests import operations as request_operations
from portal.notifications import operations as notifications
from portal.notifications.models import NoticeKind
from portal.participants import operations as participant_operations
from portal.policy import today
from portal.proposals import operations as proposals
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.appointments.election_scene import PLAIN, confirmed, make_election
from tests.appointments.scene import make_body, start_round
from tests.factories import (
    make_absence,
    make_council,
    make_group,
    make_meeting,
    make_member,
    make_municipality,
    make_person,
    make_staff,
    make_substitute,
)
from tests.proposals.scene import draft, submitted, tiny_pdf, upload
from tests.publication.scene import (
    attach,
    make_item,
    publish_agenda,
    publish_minutes,
    record_minutes,
)

ROLES = (
    "anonymous",
    "member",
    "other_member",  # a member of the other council
    "substitute",  # the member's substitute, called in for `meeting` and attending
    "idle_substitute",  # another member's substitute, not called in
    "staff",
    "other_staff",  # the other council's secretariat
    "chair",
    "former_member",  # a member of the council until five days ago (rule 1.9)
    "declined_substitute",  # a substitute called in for `meeting` who declined (rule 1.8)
)

# Words found nowhere else: who may see them is declared in SECRETS below.
CLOSED_NOW = "Zebrafinkesagen"  # the closed item of the coming meeting (and its file)
CLOSED_PAST = "Narhvalsagen"  # the closed item of the past meeting, minutes published
PROPOSAL_WORD = "Okapiforslaget"  # the member's submitted proposal
NOTICE_WORD = "Quokkabeskeden"  # a notice in the member's inbox
DRAFT_WORD = "Bæverudkastet"  # the member's draft proposal: theirs alone until submitted
REQUEST_WORD = "Tapirmødet"  # a request for an extraordinary meeting, for the council's members
FORMER_WORD = "Sælforslaget"  # the former member's proposal, from when they sat in the council

# Rule 3.0 and privacy: which roles may ever receive each word.
SECRETS: dict[str, frozenset[str]] = {
    CLOSED_NOW: frozenset({"member", "chair", "staff", "substitute"}),
    CLOSED_PAST: frozenset({"member", "chair", "staff"}),
    PROPOSAL_WORD: frozenset({"member", "chair", "staff"}),
    NOTICE_WORD: frozenset({"member"}),
    REQUEST_WORD: frozenset({"member", "chair", "staff"}),
    DRAFT_WORD: frozenset({"member"}),
    # Their own words stay theirs to read: the proposal and its receipt in their inbox.
    FORMER_WORD: frozenset({"former_member", "chair", "staff"}),
}


def at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=COPENHAGEN)


@dataclass
class Scene:
    council: Council
    other_council: Council
    people: dict[str, Person]  # by role (not "anonymous")
    ids: dict[str, Any] = field(default_factory=dict)  # URL argument values, see build_scene
    other_ids: dict[str, Any] = field(default_factory=dict)  # the other council's objects


def bound_account(person: Person, subject: str) -> tuple[Identity, SignInSession]:
    """A provider account bound to `person` and a session of theirs, apart from the session
    the matrix signs them in with (ending this one signs no client out)."""
    identity = Identity(
        person=person, issuer="https://login.example/x", subject=subject, provider_name="x"
    )
    db.session.add(identity)
    open_session(person, "scene")
    db.session.flush()
    row = db.session.scalars(
        select(SignInSession)
        .where(SignInSession.person_id == person.id)
        .order_by(SignInSession.id.desc())
    ).first()
    assert row is not None
    return identity, row


def build_scene() -> Scene:
    day = today()
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    municipality = make_municipality(council, "Roskilde")
    group = make_group(council, "A", "Gruppe A")
    seat = make_member(council, municipality=municipality, group=group)
    assignment = make_substitute(seat)
    neighbour = make_member(council, group=group)
    idle_substitute = make_substitute(neighbour).substitute
    chair = make_member(council, office=CouncilOffice.CHAIR, group=make_group(council, "V"))
    staff = make_staff(council)

    other_council = make_council(slug="hovedstaden", name="KKR Hovedstaden")
    other_municipality = make_municipality(other_council, "Hillerød")
    other_group = make_group(other_council, "A", "Gruppe A")
    outsider = make_member(other_council, municipality=other_municipality, group=other_group)
    other_assignment = make_substitute(outsider)
    other_staff = make_staff(other_council)
    other_meeting = make_meeting(other_council, starts_at=at_ten(day + timedelta(days=30)))

    # The coming meeting: agenda published with an open and a closed item, each with a file;
    # the member is absent and their substitute called in and attending.
    meeting = make_meeting(council, starts_at=at_ten(day + timedelta(days=30)))
    open_item = make_item(meeting, "Kollektiv trafik", presentation="Busser og tog.")
    closed_item = make_item(
        meeting, f"{CLOSED_NOW} om en personalesag", closed=True, presentation=CLOSED_NOW
    )
    open_file = attach(open_item, "trafikplan.pdf", staff)
    closed_file = attach(closed_item, f"{CLOSED_NOW.lower()}-bilag.pdf", staff)
    agenda = publish_agenda(meeting)
    now = utcnow()
    _, call = make_absence(
        meeting, seat, now=now, substitute_attends=True, reason=AbsenceReason.HOLIDAY
    )

    # A member away from the coming meeting twice over: their substitute said yes, the member
    # then came after all (the call-in withdrawn), was away again, and the substitute declined
    # the second call. Neither call-in lets the substitute read the meeting (rule 1.8).
    away_seat = make_member(council, group=group)
    declining = make_substitute(away_seat).substitute
    first_absence, withdrawn_call = make_absence(
        meeting, away_seat, now=now, substitute_attends=True
    )
    absences.cancel_absence(first_absence, by=away_seat.person, by_staff=False, now=now)
    _, declined_call = make_absence(meeting, away_seat, now=now, substitute_attends=False)
    assert declined_call is not None and withdrawn_call is not None
    assert declined_call.id != withdrawn_call.id

    # A past meeting: agenda and minutes published (the substitute reads none of it).
    past = make_meeting(council, starts_at=at_ten(day - timedelta(days=20)))
    past_open = make_item(past, "Regional udviklingsplan")
    past_closed = make_item(past, f"{CLOSED_PAST} om et køb", closed=True, presentation=CLOSED_PAST)
    attach(past_open, "udviklingsplan.pdf", staff)
    past_closed_file = attach(past_closed, f"{CLOSED_PAST.lower()}-bilag.pdf", staff)
    publish_agenda(past, now=at_ten(day - timedelta(days=25)))
    record_minutes(past_open, "Godkendt.", votes=(10, 0, 0))
    record_minutes(past_closed, f"{CLOSED_PAST}: godkendt.", votes=(6, 4, 0))
    minutes = publish_minutes(past, results={1: "adopted", 2: "adopted"})

    # The member's proposal to a later meeting, with a file; submitted.
    later = make_meeting(council, starts_at=at_ten(day + timedelta(days=60)))
    proposal = submitted(
        seat.person,
        later,
        title=f"{PROPOSAL_WORD} om cykelstier",
        files=[upload(tiny_pdf(), "cykelstier.pdf")],
    )
    proposal_file = db.session.scalars(
        select(Attachment).where(Attachment.proposal_id == proposal.id)
    ).one()
    unsent = draft(
        seat.person,
        later,
        title=f"{DRAFT_WORD} om havne",
        files=[upload(tiny_pdf(), "havne.pdf")],
        token="security-draft",
    )
    unsent_file = db.session.scalars(
        select(Attachment).where(Attachment.proposal_id == unsent.id)
    ).one()

    # A former member: they sat in the council at the past meeting and proposed an item for
    # it then (with a file); their seat ended five days ago (rule 1.9).
    former_seat = make_member(council, group=group, ends_on=day - timedelta(days=5))
    back_then = at_ten(day - timedelta(days=40))
    former_proposal = draft(
        former_seat.person,
        past,
        title=f"{FORMER_WORD} om skoler",
        files=[upload(tiny_pdf(), "skoler.pdf")],
        now=back_then,
        token="security-former",
    )
    proposals.submit_proposal(former_proposal, by=former_seat.person, now=back_then)
    former_file = db.session.scalars(
        select(Attachment).where(Attachment.proposal_id == former_proposal.id)
    ).one()

    # A long leave of the member, a request for an extraordinary meeting, a notice.
    leave = leave_operations.register_leave(
        seat,
        LeaveKind.RELIEF,
        day + timedelta(days=100),
        day + timedelta(days=220),
        by=seat.person,
        by_staff=False,
        now=now,
    )
    request = request_operations.start_request(
        council, f"{REQUEST_WORD} om trafik", by=seat.person, now=now
    )
    # Rule 1.5: a member of KL's board from the region who may attend.
    participation = participant_operations.add_participation(
        council,
        make_person(municipality=municipality),
        "Medlem af KL's bestyrelse",
        day - timedelta(days=30),
        by=staff,
        now=now,
    )
    (notice,) = notifications.notify(
        [seat.person],
        NoticeKind.MEETING_CHANGED,
        subject=f"{NOTICE_WORD}: mødet er flyttet",
        body=NOTICE_WORD,
        link=f"/moeder/{meeting.id}/dagsorden",
        council=council,
        meeting=meeting,
    )
    token = notifications.create_calendar_feed(seat.person)

    # An election with its composition confirmed, an office holding and an alliance.
    election = make_election(council, PLAIN, groups={"A": group})
    confirmed(election, by=staff)
    result = db.session.scalars(
        select(ElectionGroupResult).where(ElectionGroupResult.election_id == election.id)
    ).first()
    holding = OfficeHolding(
        council_id=council.id,
        election_id=election.id,
        office=CouncilOffice.CHAIR,
        person_id=chair.person_id,
        membership_id=chair.id,
        result_id=result.id,
        starts_on=day,
    )
    alliance = ElectoralAlliance(
        council_id=council.id, election_id=election.id, groups=list(election.results[:2])
    )
    db.session.add_all([holding, alliance])

    # A regional body with a round and an appointment.
    body = make_body(council)
    appointment_round = start_round(body, by=staff)
    appointment = Appointment(
        council_id=council.id,
        body_id=body.id,
        round_id=appointment_round.id,
        person_id=neighbour.person_id,
        municipality_id=neighbour.municipality_id,
        group_id=group.id,
        starts_on=body.term_starts_on,
        ends_on=body.term_ends_on,
    )
    db.session.add(appointment)

    # A second election and round of the same council: their children must not mix.
    second_election = make_election(council, PLAIN, held_on=day - timedelta(days=1500))
    second_round = start_round(make_body(council, "Praksisplanudvalget"), by=staff)

    # The other council's objects of every kind, for "their id under my slug" requests.
    other_election = make_election(other_council, PLAIN)
    other_body = make_body(other_council)
    other_round = start_round(other_body, by=other_staff)
    other_item = make_item(other_meeting, "Hovedstadens punkt")
    other_file = attach(other_item, "hovedstaden.pdf", other_staff)

    # Sign-in: an account bound to the member and a session of theirs (the staff page of
    # `person_id`); the chair's, for "not this person's"; the other council's member's.
    identity, sign_in_session = bound_account(seat.person, "security-member")
    chair_identity, chair_session = bound_account(chair.person, "security-chair")
    other_identity, other_session = bound_account(outsider.person, "security-outsider")
    db.session.flush()

    people = {
        "member": seat.person,
        "other_member": outsider.person,
        "substitute": assignment.substitute,
        "idle_substitute": idle_substitute,
        "staff": staff,
        "other_staff": other_staff,
        "chair": chair.person,
        "former_member": former_seat.person,
        "declined_substitute": declining,
    }
    scene = Scene(council=council, other_council=other_council, people=people)
    scene.ids = {
        "council_slug": council.slug,
        "meeting_id": meeting.id,
        "past_meeting_id": past.id,
        "later_meeting_id": later.id,
        "item_id": open_item.id,
        "closed_item_id": closed_item.id,
        "past_item_id": past_open.id,
        "attachment_id": open_file.id,
        "closed_attachment_id": closed_file.id,
        "past_closed_attachment_id": past_closed_file.id,
        "agenda_version": agenda.version,
        "minutes_version": minutes.version,
        "membership_id": seat.id,
        "assignment_id": assignment.id,
        "person_id": seat.person_id,
        "group_id": group.id,
        "municipality_id": municipality.id,
        "call_in_id": call.id,
        "leave_id": leave.id,
        "request_id": request.id,
        "participation_id": participation.id,
        "notice_id": notice.id,
        "token": token,
        "proposal_id": proposal.id,
        "proposal_attachment_id": proposal_file.id,
        "draft_proposal_id": unsent.id,
        "draft_attachment_id": unsent_file.id,
        "election_id": election.id,
        "result_id": result.id,
        "holding_id": holding.id,
        "alliance_id": alliance.id,
        "body_id": body.id,
        "round_id": appointment_round.id,
        "appointment_id": appointment.id,
        "identity_id": identity.id,
        "session_id": sign_in_session.id,
        "provider_name": "nobody",
        "second_election_id": second_election.id,
        "second_round_id": second_round.id,
        "chair_identity_id": chair_identity.id,
        "chair_session_id": chair_session.id,
        # the new roles' own objects, for the tests of what stays theirs
        "former_proposal_id": former_proposal.id,
        "former_attachment_id": former_file.id,
        "declined_call_in_id": declined_call.id,
        "withdrawn_call_in_id": withdrawn_call.id,
    }
    scene.other_ids = {
        "meeting_id": other_meeting.id,
        "item_id": other_item.id,
        "attachment_id": other_file.id,
        "membership_id": outsider.id,
        "assignment_id": other_assignment.id,
        "person_id": outsider.person_id,
        "group_id": other_group.id,
        "municipality_id": other_municipality.id,
        "election_id": other_election.id,
        "body_id": other_body.id,
        "round_id": other_round.id,
        "identity_id": other_identity.id,
        "session_id": other_session.id,
    }
    db.session.commit()
    return scene


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order: a refused request must leave all of it alone
    (not only the row counts: no notice marked read, no absence cancelled, no item moved)."""
    db.session.commit()
    state = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order))
        state[table.name] = [tuple(row) for row in rows]
    return state


def restore(state: dict[str, list[tuple[Any, ...]]]) -> None:
    """Every table back to `state`, row for row (ids included; referenced rows first)."""
    db.session.commit()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    for table in db.metadata.sorted_tables:
        keys = [column.key for column in table.columns]
        if rows := state.get(table.name):
            db.session.execute(table.insert(), [dict(zip(keys, row, strict=True)) for row in rows])
    db.session.commit()
    db.session.expire_all()


@contextmanager
def put_back() -> Iterator[None]:
    """Undo whatever the block changes in the database: a test that must change the shared
    scene leaves it as it found it, so the order of the tests does not matter."""
    state = database_state()
    try:
        yield
    finally:
        db.session.rollback()
        restore(state)


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )

"""Fifty members act in the same second around a deadline, on PostgreSQL: each in a thread of
its own with its own app context and database session, as fifty requests would be. Exactly the
timely proposals and absences are stored, each once, also when members double-click.

The deadlines are decided by the moment each request arrived (`now`), so the test sets it to
the microsecond: half just before the deadline, half just after.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.absences import operations as absences
from portal.absences.models import Absence
from portal.audit.models import AuditEntry
from portal.councils.models import Membership, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.models import Notice, NoticeKind
from portal.proposals import operations as proposals
from portal.proposals.models import Proposal, ProposalStatus
from portal.refusal import Refused
from portal.rules.calendar import absence_deadline, proposal_deadline
from tests.factories import make_council, make_meeting, make_member, make_staff

MEMBERS = 50
# Who double-clicks: a second request, the same form, at the same moment.
DOUBLE_CLICKERS = {0, 1, 2, 3, 24, 25, 26, 27, 48, 49}
STEP = timedelta(milliseconds=10)  # 50 moments, all within one second
TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Member:
    number: int
    person_id: int
    membership_id: int

    @property
    def proposes_in_time(self) -> bool:
        return self.number < MEMBERS // 2

    @property
    def absence_in_time(self) -> bool:
        return self.number % 2 == 0


def proposal_moment(member: Member, deadline: datetime) -> datetime:
    # In time: the deadline instant itself and the moments before it; late: from 1 µs after.
    if member.proposes_in_time:
        return deadline - member.number * STEP
    return deadline + TICK + (member.number - MEMBERS // 2) * STEP


def absence_moment(member: Member, starts_at: datetime) -> datetime:
    # Absence is told until the meeting starts: the start instant itself is too late.
    if member.absence_in_time:
        return starts_at - TICK - (member.number // 2) * STEP
    return starts_at + (member.number // 2) * STEP


def propose(member: Member, meeting: Meeting, now: datetime) -> str:
    """The request "new proposal, submit": create the draft and submit it, one transaction.
    A late one keeps the draft (as the view does); any other refusal stores nothing."""
    person = db.session.get(Person, member.person_id)
    try:
        proposal = proposals.create_proposal(
            meeting,
            by=person,
            form_token=f"form-of-member-{member.number}",
            text=proposals.ProposalText(
                f"Forslag {member.number}", "Fælles busruter.", "Ruterne krydser kommunegrænser."
            ),
            uploads=[],
            now=now,
        )
        submitted = proposals.submit_proposal(proposal, by=person, now=now)
    except proposals.LateProposal:
        db.session.commit()
        return "late"
    except Refused as refusal:
        db.session.rollback()
        return f"refused: {refusal.message}"
    db.session.commit()
    return "submitted" if submitted else "already submitted"


def register_absence(member: Member, meeting: Meeting, now: datetime) -> str:
    membership = db.session.get(Membership, member.membership_id)
    try:
        absences.register_absence(
            meeting,
            membership,
            by=membership.person,
            by_staff=False,
            call_substitute=False,
            reason=None,
            now=now,
        )
    except Refused:
        db.session.rollback()
        return "refused"
    db.session.commit()
    return "registered"


def test_fifty_members_at_the_deadline_store_exactly_the_timely_ones_each_once(app: Flask):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent writers are PostgreSQL's; SQLite lets one writer in at a time")
    council = make_council()
    staff = make_staff(council)
    meeting = make_meeting(council, days_ahead=30)
    members = []
    for number in range(MEMBERS):
        membership = make_member(council)
        members.append(Member(number, membership.person_id, membership.id))
    db.session.commit()
    meeting_id, staff_id = meeting.id, staff.id
    deadline = proposal_deadline(meeting.starts_at)
    starts_at = absence_deadline(meeting.starts_at)

    requests = [m for m in members] + [m for m in members if m.number in DOUBLE_CLICKERS]
    start = threading.Barrier(len(requests))
    outcomes: dict[str, list[tuple[int, str]]] = {"proposal": [], "absence": []}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def act(member: Member) -> None:
        # Nothing is loaded before the barrier: a thread waiting there holds no connection.
        start.wait(timeout=60)
        with app.app_context():
            try:
                the_meeting = db.session.get(Meeting, meeting_id)
                proposed = propose(member, the_meeting, proposal_moment(member, deadline))
                the_meeting = db.session.get(Meeting, meeting_id)
                absent = register_absence(member, the_meeting, absence_moment(member, starts_at))
                with lock:
                    outcomes["proposal"].append((member.number, proposed))
                    outcomes["absence"].append((member.number, absent))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(member,)) for member in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(outcomes["proposal"]) == len(outcomes["absence"]) == len(requests)
    timely_proposers = {m.person_id for m in members if m.proposes_in_time}
    timely_absent = {m.membership_id for m in members if m.absence_in_time}
    assert len(timely_proposers) == len(timely_absent) == MEMBERS // 2

    # Every request got the answer its moment calls for; a double click's second request
    # finds the first one's proposal (submitted once, or kept as a draft when late).
    for number, outcome in outcomes["proposal"]:
        expected = {"submitted", "already submitted"} if number < MEMBERS // 2 else {"late"}
        assert outcome in expected, (number, outcome)
    submitted_answers = Counter(o for _n, o in outcomes["proposal"] if o == "submitted")
    assert submitted_answers["submitted"] == MEMBERS // 2  # one per member, double or not
    for number, outcome in outcomes["absence"]:
        assert outcome == ("registered" if number % 2 == 0 else "refused"), (number, outcome)

    # Proposals: one row per member (a double click makes one), submitted exactly if timely.
    db.session.expire_all()
    stored = db.session.scalars(select(Proposal).where(Proposal.meeting_id == meeting_id)).all()
    assert Counter(p.proposer_id for p in stored) == {m.person_id: 1 for m in members}
    assert {p.proposer_id for p in stored if p.status is ProposalStatus.SUBMITTED} == (
        timely_proposers
    )
    for proposal in stored:
        if proposal.proposer_id in timely_proposers:
            assert proposal.submitted_at is not None and proposal.submitted_at <= deadline
        else:
            assert proposal.status is ProposalStatus.DRAFT and proposal.submitted_at is None
    receipts = db.session.scalars(
        select(Notice.recipient_id).where(Notice.kind == NoticeKind.PROPOSAL_RECEIPT)
    ).all()
    assert Counter(receipts) == {person_id: 1 for person_id in timely_proposers}
    to_staff = db.session.scalars(
        select(Notice.recipient_id).where(Notice.kind == NoticeKind.PROPOSAL_RECEIVED)
    ).all()
    assert to_staff == [staff_id] * (MEMBERS // 2)

    # Absences: exactly the timely ones, each once, none marked late.
    stored_absences = db.session.scalars(
        select(Absence).where(Absence.meeting_id == meeting_id)
    ).all()
    assert Counter(a.membership_id for a in stored_absences) == dict.fromkeys(timely_absent, 1)
    assert not any(a.registered_late or a.cancelled_at for a in stored_absences)
    assert all(a.registered_at < starts_at for a in stored_absences)

    actions = Counter(db.session.scalars(select(AuditEntry.action)).all())
    assert actions["proposal_submitted"] == actions["absence_registered"] == MEMBERS // 2
    assert actions["proposal_created"] == MEMBERS


def test_a_draft_submitted_twice_at_once_is_submitted_once_with_one_receipt(app: Flask):
    """The submit button on a saved draft, double-clicked by members right at the deadline:
    the two requests race for the same row."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent writers are PostgreSQL's; SQLite lets one writer in at a time")
    council = make_council()
    make_staff(council)
    meeting = make_meeting(council, days_ahead=30)
    deadline = proposal_deadline(meeting.starts_at)
    drafts: dict[int, int] = {}
    for number in range(10):
        person = make_member(council).person
        draft = proposals.create_proposal(
            meeting,
            by=person,
            form_token=f"draft-{number}",
            text=proposals.ProposalText("Forslag", "Fælles busruter.", "Tværkommunalt."),
            uploads=[],
            now=deadline - timedelta(days=1),
        )
        drafts[draft.id] = person.id
    db.session.commit()
    clicks = [draft_id for draft_id in drafts for _click in range(2)]
    start = threading.Barrier(len(clicks))
    outcomes: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def click(draft_id: int) -> None:
        start.wait(timeout=60)
        with app.app_context():
            try:
                proposal = db.session.get(Proposal, draft_id)
                person = db.session.get(Person, drafts[draft_id])
                try:
                    submitted = proposals.submit_proposal(proposal, by=person, now=deadline)
                except Refused as refusal:
                    db.session.rollback()
                    outcomes.append((draft_id, f"refused: {refusal.message}"))
                    return
                db.session.commit()
                outcomes.append((draft_id, "submitted" if submitted else "already submitted"))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click, args=(draft_id,)) for draft_id in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    # One request of each pair submits; the other is told it is submitted (not that someone
    # else changed it, which was the answer when the version check caught the race).
    assert sorted(outcomes) == sorted(
        (draft_id, outcome) for draft_id in drafts for outcome in ("already submitted", "submitted")
    )
    db.session.expire_all()
    stored = db.session.scalars(select(Proposal).where(Proposal.id.in_(drafts))).all()
    assert {p.status for p in stored} == {ProposalStatus.SUBMITTED}
    receipts = db.session.scalars(
        select(Notice.recipient_id).where(Notice.kind == NoticeKind.PROPOSAL_RECEIPT)
    ).all()
    assert Counter(receipts) == dict.fromkeys(drafts.values(), 1)

"""The demo council: KKR Sjælland's 17 municipalities, fictional people, a year of meetings."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from flask import Flask
from sqlalchemy import func, select

from portal.absences.models import Absence, CallInAnswer, SubstituteCallIn
from portal.absences.queries import meeting_attendance
from portal.appointments.models import (
    Appointment,
    AppointmentMethod,
    AppointmentRound,
    RoundStatus,
)
from portal.audit.models import AuditEntry
from portal.councils import seating
from portal.councils.models import (
    CouncilOffice,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
    StaffAssignment,
    SubstituteAssignment,
    SubstituteBasis,
)
from portal.demo.data import EMAIL_DOMAIN, build_demo_council
from portal.elections.models import (
    ChairElection,
    ChairElectionStatus,
    Election,
    ElectionStatus,
    OfficeHolding,
)
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.models import Notice, NoticeKind
from portal.proposals.models import Proposal, ProposalStatus
from portal.proposals.operations import next_open_meeting
from portal.rules.attendance import Attendance
from portal.rules.calendar import COPENHAGEN, is_working_day, local_date, proposal_deadline

TODAY = date(2026, 11, 26)


def test_demo_council_has_the_region_and_its_people(app: Flask):
    council = build_demo_council(db.session, TODAY)
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 17
    memberships = db.session.scalars(select(Membership)).all()
    kinds = Counter(m.kind for m in memberships)
    assert kinds == {MembershipKind.MAYOR: 17, MembershipKind.GROUP_ELECTED: 17}
    assert len(memberships) <= 2 * 17  # rule 1.1: at most twice the municipalities
    offices = Counter(m.office for m in memberships)
    assert offices[CouncilOffice.CHAIR] == 1 and offices[CouncilOffice.VICE_CHAIR] == 1
    assert db.session.scalar(select(func.count()).select_from(StaffAssignment)) == 2
    emails = db.session.scalars(select(Person.email)).all()
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@" + EMAIL_DOMAIN) for email in emails)
    assert council.slug == "sjaelland"


def test_rules_1_0_1_1_and_3_7_the_demo_members_fill_the_confirmed_composition(app: Flask):
    council = build_demo_council(db.session, TODAY)
    composition = seating.composition_on(council, TODAY)
    assert composition is not None and composition.size == 34  # reduced to the cap (rule 1.1)
    seats = seating.seats_on(council, TODAY)
    by_group = Counter(s.group.letter for s in seats if s.group)
    assert by_group == {"A": 10, "V": 9, "C": 6, "BIØ": 3, "F": 2, "O": 2, "D": 2}
    letters = {s.group.id: s.group.letter for s in seats if s.group}
    assert {letters[line.group_id]: line.seats for line in composition.groups} == by_group
    # No group has a seat too many or too few, each municipality one mayor, everyone a substitute.
    assert seating.seat_tasks(council, TODAY) == []
    assert seating.council_size(council, TODAY) == len(seats) == 34


def test_rule_1_2_holds_in_the_demo_data(app: Flask):
    build_demo_council(db.session, TODAY)
    assignments = db.session.scalars(select(SubstituteAssignment)).all()
    member_ids = {m.person_id for m in db.session.scalars(select(Membership))}
    substitutes = [a.substitute_id for a in assignments]
    assert len(assignments) == 34  # every member has a personal substitute
    assert len(set(substitutes)) == len(substitutes)  # one member each
    assert not member_ids & set(substitutes)  # no member is a substitute
    bases = Counter(a.basis for a in assignments)
    # Kalundborg's 1st deputy mayor is a member, so the 2nd deputy stands in for the mayor.
    assert bases[SubstituteBasis.SECOND_DEPUTY_MAYOR] == 1
    assert bases[SubstituteBasis.FIRST_DEPUTY_MAYOR] == 16


def test_demo_meetings_cover_a_year_on_working_days(app: Flask):
    build_demo_council(db.session, TODAY)
    days = [local_date(m.starts_at) for m in db.session.scalars(select(Meeting))]
    upcoming = [d for d in days if d > TODAY]
    assert len(upcoming) == 5
    assert max(upcoming) - min(upcoming) < (date(2027, 12, 1) - date(2026, 12, 1))
    assert all(is_working_day(d) for d in days)


def test_rule_3_2_the_demo_member_has_a_submitted_proposal_and_a_draft(app: Flask):
    council = build_demo_council(db.session, TODAY)
    proposals = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
    assert [p.status for p in proposals] == [ProposalStatus.SUBMITTED, ProposalStatus.DRAFT]
    submitted, draft = proposals
    assert submitted.proposer_id == draft.proposer_id
    # Both for the next ordinary meeting that still takes proposals, submitted in time.
    assert submitted.meeting_id == draft.meeting_id
    now = datetime.combine(TODAY, time(12), tzinfo=COPENHAGEN)
    assert submitted.meeting == next_open_meeting(council.id, now)
    assert submitted.submitted_at is not None and draft.submitted_at is None
    assert submitted.submitted_at <= proposal_deadline(submitted.meeting.starts_at)
    # The member has the receipt, every one of the secretariat the notice.
    receipts = notices_of(NoticeKind.PROPOSAL_RECEIPT)
    assert [n.recipient_id for n in receipts] == [submitted.proposer_id]
    staff = set(db.session.scalars(select(StaffAssignment.person_id)))
    assert {n.recipient_id for n in notices_of(NoticeKind.PROPOSAL_RECEIVED)} == staff
    assert audit_actions("Proposal") == [
        "proposal_created",
        "proposal_submitted",
        "proposal_created",
    ]


def test_rules_1_8_and_3_9_the_demo_absence_has_its_substitute_attending(app: Flask):
    build_demo_council(db.session, TODAY)
    (absence,) = db.session.scalars(select(Absence)).all()
    meeting = absence.meeting
    upcoming = [m for m in db.session.scalars(select(Meeting).order_by(Meeting.starts_at))]
    assert meeting == next(m for m in upcoming if local_date(m.starts_at) > TODAY)
    assert meeting.agenda_published_at is not None and absence.cancelled_at is None
    (call,) = db.session.scalars(select(SubstituteCallIn)).all()
    assert (call.absence_id, call.answer) == (absence.id, CallInAnswer.ATTENDING)
    personal = db.session.scalars(
        select(SubstituteAssignment).where(
            SubstituteAssignment.membership_id == absence.membership_id
        )
    ).one()
    assert call.substitute_id == personal.substitute_id
    # The substitute was told, and the member that the substitute comes.
    (called,) = notices_of(NoticeKind.SUBSTITUTE_CALLED_IN)
    assert called.recipient_id == call.substitute_id and called.link == f"/indkaldelser/{call.id}"
    assert absence.membership.person_id in {n.recipient_id for n in notices_of(NoticeKind.GENERAL)}
    # Rule 3.7: the attending substitute counts, so every seat is filled.
    attendance = meeting_attendance(meeting)
    seat = next(s for s in attendance.seats if s.membership.id == absence.membership_id)
    assert seat.state is Attendance.SUBSTITUTE_ATTENDING
    assert (attendance.forecast.present, attendance.forecast.members) == (34, 34)
    # The browser tests rely on these seats being free of absences (tests/browser).
    assert absence.membership.office is CouncilOffice.MEMBER
    assert absence.membership.kind is MembershipKind.GROUP_ELECTED


def test_rule_3_8_the_demo_has_published_appointments_by_majority_and_by_dhondt(app: Flask):
    build_demo_council(db.session, TODAY)
    rounds = db.session.scalars(select(AppointmentRound).order_by(AppointmentRound.id)).all()
    assert {r.method for r in rounds} == {
        AppointmentMethod.MAJORITY,
        AppointmentMethod.PROPORTIONAL,
    }
    assert all(r.status is RoundStatus.PUBLISHED for r in rounds)
    appointments = db.session.scalars(select(Appointment)).all()
    assert all(a.published_at is not None and a.withdrawn_at is None for a in appointments)
    by_round = Counter(a.round_id for a in appointments)
    assert {r.method: by_round[r.id] for r in rounds} == {
        AppointmentMethod.MAJORITY: 1,
        AppointmentMethod.PROPORTIONAL: 3,
    }
    majority = next(r for r in rounds if r.method is AppointmentMethod.MAJORITY)
    (elected,) = [a for a in appointments if a.round_id == majority.id]
    assert majority.result["elected"] == elected.person_id
    assert elected.person.municipal_office is MunicipalOffice.MAYOR
    # d'Hondt over the groups' members (A 11, V 9, C 6, ...): one seat each to A, V and C.
    dhondt = next(r for r in rounds if r.method is AppointmentMethod.PROPORTIONAL)
    assert sorted(a.group.letter for a in appointments if a.round_id == dhondt.id) == [
        "A",
        "C",
        "V",
    ]
    # Each appointee was told.
    told = [n.recipient_id for n in notices_of(NoticeKind.APPOINTMENT)]
    assert sorted(told) == sorted(a.person_id for a in appointments)


def test_rules_1_0_to_1_4_the_demo_election_gave_the_chair_and_vice_chair(app: Flask):
    build_demo_council(db.session, TODAY)
    (election,) = db.session.scalars(select(Election)).all()
    assert election.status is ElectionStatus.CONFIRMED and election.composition
    # The election before the last (2025): it does not clash with one a visitor enters.
    assert election.held_on == date(2021, 11, 16)
    chair_election = db.session.scalars(select(ChairElection)).one()
    assert chair_election.status is ChairElectionStatus.DECIDED
    assert chair_election.election_id == election.id
    holdings = {h.office: h for h in db.session.scalars(select(OfficeHolding))}
    assert set(holdings) == {CouncilOffice.CHAIR, CouncilOffice.VICE_CHAIR}
    for office, holding in holdings.items():
        # The same seats carry the offices today, as the member list shows them.
        assert holding.membership.office is office
        assert holding.membership.is_active_on(TODAY) and holding.ends_on is None
        assert holding.result.group_id == holding.membership.group_id
    assert holdings[CouncilOffice.CHAIR].membership.municipality.name == "Roskilde"
    assert holdings[CouncilOffice.VICE_CHAIR].membership.municipality.name == "Holbæk"
    assert "chair_election_decided" in audit_actions("ChairElection")


def test_flask_demo_seed_twice_builds_the_council_once(app: Flask):
    app.config["PORTAL_DEMO"] = True
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0 and "created KKR Sjælland" in first.output
    counts = row_counts()
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0 and "already present" in again.output
    assert row_counts() == counts
    assert counts["proposal"] == 2 and counts["absence"] == 1 and counts["election"] == 1
    assert counts["appointment"] == 4 and counts["office_holding"] == 2


def test_demo_seed_is_refused_without_demo_mode(app: Flask):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "PORTAL_DEMO=1" in result.output
    assert row_counts()["council"] == 0


def notices_of(kind: NoticeKind) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.kind == kind).order_by(Notice.id)))


def audit_actions(object_type: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == object_type)
            .order_by(AuditEntry.id)
        )
    )


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }

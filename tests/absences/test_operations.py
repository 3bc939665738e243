"""Absence and the substitute called in, as operations (rules 1.8, 3.9); reminders when a
substitute does not answer."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.absences.models import Absence, CallInAnswer, SubstituteCallIn
from portal.absences.operations import answer_call_in, cancel_absence, register_absence
from portal.extensions import db
from portal.notifications.models import EmailStatus, Notice, NoticeKind
from portal.refusal import Refused
from portal.reminders import tick
from portal.rules.calendar import COPENHAGEN
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute

MEETING_START = datetime(2099, 3, 30, 10, tzinfo=COPENHAGEN)
BEFORE = MEETING_START - timedelta(days=5)


@pytest.fixture
def seat(app):
    council = make_council()
    membership = make_member(council)
    substitute = make_substitute(membership).substitute
    staff = make_staff(council)
    meeting = make_meeting(council, starts_at=MEETING_START)
    return meeting, membership, substitute, staff


def notices_for(person, kind: NoticeKind | None = None) -> list[Notice]:
    query = select(Notice).where(Notice.recipient_id == person.id)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query))


def absent(meeting, membership, *, by=None, by_staff=False, now=BEFORE, call=True):  # noqa: ANN001, ANN201
    return register_absence(
        meeting,
        membership,
        by=by or membership.person,
        by_staff=by_staff,
        call_substitute=call,
        reason=None,
        now=now,
    )


def test_rule_3_9_absence_calls_in_the_substitute_at_once(seat):
    meeting, membership, substitute, _ = seat
    absence = absent(meeting, membership)
    call = db.session.scalar(select(SubstituteCallIn))
    assert call.absence_id == absence.id and call.substitute_id == substitute.id
    assert call.answer is CallInAnswer.PENDING
    [notice] = notices_for(substitute, NoticeKind.SUBSTITUTE_CALLED_IN)
    assert notice.email_status is EmailStatus.PENDING  # urgent: always e-mailed
    assert notice.link == f"/indkaldelser/{call.id}"
    assert membership.person.name in notice.body and "Rådhuset" in notice.body


def test_rule_3_9_registering_twice_gives_one_absence(seat):
    meeting, membership, _, _ = seat
    first = absent(meeting, membership)
    second = absent(meeting, membership)
    assert first.id == second.id
    assert len(db.session.scalars(select(Absence)).all()) == 1
    assert len(db.session.scalars(select(SubstituteCallIn)).all()) == 1


def test_rule_3_9_member_cannot_register_after_the_start_but_staff_can_late(seat):
    meeting, membership, substitute, staff = seat
    with pytest.raises(Refused, match="Mødet er begyndt"):
        absent(meeting, membership, now=MEETING_START)
    late = absent(meeting, membership, by=staff, by_staff=True, now=MEETING_START)
    assert late.registered_late and late.registered_by_id == staff.id
    # Too late to call in a substitute.
    assert notices_for(substitute) == []


def test_rule_3_9_substitute_not_called_when_the_member_says_so(seat):
    meeting, membership, substitute, _ = seat
    absent(meeting, membership, call=False)
    assert db.session.scalars(select(SubstituteCallIn)).all() == []
    assert notices_for(substitute) == []


def test_rule_1_8_cancelled_absence_tells_the_substitute(seat):
    meeting, membership, substitute, _ = seat
    absence = absent(meeting, membership)
    cancel_absence(absence, by=membership.person, by_staff=False, now=BEFORE + timedelta(hours=1))
    call = db.session.scalar(select(SubstituteCallIn))
    assert call.answer is CallInAnswer.WITHDRAWN
    subjects = [n.subject for n in notices_for(substitute)]
    assert any("ikke længere indkaldt" in subject for subject in subjects)
    # A new absence later calls the substitute in again.
    absent(meeting, membership, now=BEFORE + timedelta(hours=2))
    assert len(db.session.scalars(select(SubstituteCallIn)).all()) == 2


def test_rule_1_8_declining_tells_member_and_staff(seat):
    meeting, membership, substitute, staff = seat
    absent(meeting, membership)
    call = db.session.scalar(select(SubstituteCallIn))
    answer_call_in(call, attending=False, now=BEFORE + timedelta(hours=1))
    assert call.answer is CallInAnswer.DECLINED
    for person in (membership.person, staff):
        assert notices_for(person, NoticeKind.SUBSTITUTE_UNANSWERED)


def test_rule_1_8_no_answer_after_the_start(seat):
    meeting, membership, _, _ = seat
    absent(meeting, membership)
    call = db.session.scalar(select(SubstituteCallIn))
    with pytest.raises(Refused):
        answer_call_in(call, attending=True, now=MEETING_START)


def test_rule_1_8_unanswered_after_24_hours_reminds_substitute_member_and_staff(seat):
    meeting, membership, substitute, staff = seat
    absent(meeting, membership)
    db.session.commit()
    assert tick(BEFORE + timedelta(hours=23)) == 0
    assert tick(BEFORE + timedelta(hours=24)) == 3
    assert tick(BEFORE + timedelta(hours=30)) == 0  # once
    reminders = notices_for(substitute, NoticeKind.SUBSTITUTE_CALLED_IN)
    assert len(reminders) == 2 and "Påmindelse" in reminders[-1].subject
    assert notices_for(membership.person, NoticeKind.SUBSTITUTE_UNANSWERED)
    assert notices_for(staff, NoticeKind.SUBSTITUTE_UNANSWERED)


def test_rule_1_8_an_answer_stops_the_reminder(seat):
    meeting, membership, substitute, _ = seat
    absent(meeting, membership)
    call = db.session.scalar(select(SubstituteCallIn))
    answer_call_in(call, attending=True, now=BEFORE + timedelta(hours=2))
    db.session.commit()
    assert tick(BEFORE + timedelta(hours=25)) == 0


def test_rule_1_8_a_seat_already_called_in_is_not_called_twice(seat):
    # The substitute already stands in for this meeting (a leave, rules 1.6-1.7): an absence
    # for the same seat keeps that one call-in instead of failing on uq_call_in_standing.
    meeting, membership, substitute, _ = seat
    db.session.add(
        SubstituteCallIn(
            council_id=meeting.council_id,
            meeting=meeting,
            membership=membership,
            substitute=substitute,
            called_at=BEFORE,
        )
    )
    db.session.flush()
    absent(meeting, membership)
    assert len(db.session.scalars(select(SubstituteCallIn)).all()) == 1
    assert len(db.session.scalars(select(Absence)).all()) == 1
    assert notices_for(substitute) == []

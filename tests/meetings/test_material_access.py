"""Who reads a meeting's full material, closed items and shared drafts included
(policy.can_read_material; rules 3.0 and 1.8): the council's staff and current members, and a
substitute called in and attending that meeting until its minutes are published. No one else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from portal.absences.models import CallInAnswer
from portal.absences.operations import record_call_in
from portal.councils.queries import substitute_of_membership
from portal.policy import can_read_material, today
from portal.types import utcnow
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute


@pytest.fixture
def council(app):
    return make_council(slug="sjaelland")


@pytest.fixture
def meeting(council):
    return make_meeting(council)


@pytest.fixture
def seat(council):
    membership = make_member(council)
    make_substitute(membership)
    return membership


def substitute_person(seat):  # noqa: ANN001, ANN201
    return substitute_of_membership(seat, today()).substitute


def call_in(meeting, seat, answer: CallInAnswer):  # noqa: ANN001, ANN201
    call = record_call_in(meeting, seat, substitute_person(seat), utcnow())
    call.answer = answer
    return call


def test_rule_3_0_a_current_member_reads_the_material(meeting, seat):
    assert can_read_material(seat.person, meeting)


def test_rule_3_0_a_former_member_does_not(council, meeting):
    former = make_member(council, ends_on=today() - timedelta(days=1))
    assert not can_read_material(former.person, meeting)


def test_rule_3_0_the_councils_staff_read_the_material(council, meeting):
    assert can_read_material(make_staff(council), meeting)


def test_rule_3_0_the_anonymous_do_not(meeting):
    assert not can_read_material(AnonymousUserMixin(), meeting)


def test_rule_3_0_a_member_or_staff_of_another_council_does_not(meeting):
    other = make_council(slug="hovedstaden")
    assert not can_read_material(make_member(other).person, meeting)
    assert not can_read_material(make_staff(other), meeting)


def test_rule_1_8_an_attending_substitute_reads_until_the_minutes_are_published(meeting, seat):
    call = call_in(meeting, seat, CallInAnswer.ATTENDING)
    assert can_read_material(call.substitute, meeting)
    meeting.minutes_published_at = utcnow()
    assert not can_read_material(call.substitute, meeting)


@pytest.mark.parametrize(
    "answer", [CallInAnswer.PENDING, CallInAnswer.DECLINED, CallInAnswer.WITHDRAWN]
)
def test_rule_1_8_a_substitute_not_attending_does_not_read(meeting, seat, answer):
    call = call_in(meeting, seat, answer)
    assert not can_read_material(call.substitute, meeting)


def test_rule_1_8_a_substitute_not_called_in_does_not_read(meeting, seat):
    assert not can_read_material(substitute_person(seat), meeting)


def test_rule_1_8_an_attending_substitute_reads_no_other_meeting(council, meeting, seat):
    call = call_in(meeting, seat, CallInAnswer.ATTENDING)
    other_meeting = make_meeting(council, days_ahead=60)
    assert can_read_material(call.substitute, meeting)
    assert not can_read_material(call.substitute, other_meeting)
    foreign = make_meeting(make_council(slug="hovedstaden"))
    assert not can_read_material(call.substitute, foreign)

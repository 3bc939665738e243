"""Quorum, the meeting's leader, signatures for an extraordinary meeting, long leave, simple
majority."""

from datetime import date

import pytest

from portal.rules.attendance import (
    Attendance,
    Leader,
    extraordinary_meeting_signatures_needed,
    forecast,
    is_long_term_leave,
    meeting_leader,
    quorum,
)


@pytest.mark.parametrize(("members", "needed"), [(34, 17), (33, 17), (1, 1), (0, 0), (54, 27)])
def test_rule_3_7_quorum_is_at_least_half(members: int, needed: int):
    assert quorum(members) == needed


def test_rule_3_7_attending_substitute_counts_as_present():
    seats = [Attendance.PRESENT] * 15 + [Attendance.SUBSTITUTE_ATTENDING] * 2
    seats += [Attendance.ABSENT] * 17
    result = forecast(seats)
    assert (result.members, result.present, result.required) == (34, 17, 17)
    assert result.met and result.reachable


def test_rule_3_7_unanswered_substitutes_put_quorum_at_risk():
    seats = [Attendance.PRESENT] * 16 + [Attendance.SUBSTITUTE_NOT_ANSWERED] * 3
    seats += [Attendance.SUBSTITUTE_DECLINED] * 15
    result = forecast(seats)
    assert result.present == 16 and result.uncertain == 3
    assert not result.met and result.reachable
    assert not forecast([Attendance.PRESENT] * 5 + [Attendance.ABSENT] * 29).reachable


@pytest.mark.parametrize(("members", "needed"), [(34, 12), (33, 11), (32, 11), (3, 1)])
def test_rule_3_1_a_third_of_the_members_rounded_up(members: int, needed: int):
    assert extraordinary_meeting_signatures_needed(members) == needed


@pytest.mark.parametrize(
    ("starts", "ends", "long"),
    [
        # RULES.md's cases: first and last day both count.
        (date(2027, 1, 1), date(2027, 3, 31), True),
        (date(2027, 1, 1), date(2027, 3, 30), False),
        (date(2027, 1, 15), date(2027, 4, 13), False),
        (date(2027, 1, 15), date(2027, 4, 14), True),
        (date(2026, 11, 30), date(2027, 2, 26), False),
        (date(2026, 11, 30), date(2027, 2, 27), True),  # 30 February clamps to the 28th
        (date(2027, 11, 30), date(2028, 2, 27), False),
        (date(2027, 11, 30), date(2028, 2, 28), True),  # a leap year: the 29th, less a day
    ],
)
def test_rule_1_6_1_7_1_16_at_least_three_months_counts_both_ends(starts, ends, long):  # noqa: ANN001
    assert is_long_term_leave(starts, ends) is long


def test_rule_1_7_leave_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        is_long_term_leave(date(2027, 2, 1), date(2027, 1, 1))


NOT_THERE = [state for state in Attendance if state is not Attendance.PRESENT]


@pytest.mark.parametrize("vice_chair", [*Attendance, None])
def test_rule_3_5_a_chair_who_is_there_leads_the_meeting(vice_chair):  # noqa: ANN001
    assert meeting_leader(Attendance.PRESENT, vice_chair) is Leader.CHAIR


@pytest.mark.parametrize("chair", [*NOT_THERE, None])
def test_rule_3_5_the_vice_chair_leads_when_the_chair_cannot_come(chair):  # noqa: ANN001
    """A substitute attending in the chair's seat does not hold the chair's office."""
    assert meeting_leader(chair, Attendance.PRESENT) is Leader.VICE_CHAIR


@pytest.mark.parametrize("chair", [*NOT_THERE, None])
@pytest.mark.parametrize("vice_chair", [*NOT_THERE, None])
def test_rule_3_5_nobody_leads_when_neither_is_there(chair, vice_chair):  # noqa: ANN001
    assert meeting_leader(chair, vice_chair) is None

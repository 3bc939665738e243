"""The deadline calendar (rules 3.2, 3.3, 3.9, 1.3, 1.4) in Europe/Copenhagen."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.rules.calendar import (
    COPENHAGEN,
    absence_deadline,
    agenda_deadline,
    alliance_deadline,
    constituting_meeting_latest,
    day_off_name,
    is_in_time,
    is_working_day,
    last_working_day_on_or_before,
    meeting_deadlines,
    practical_agenda_day,
    proposal_deadline,
    working_days_after,
    working_days_before,
)


def cph(*args: int) -> datetime:
    return datetime(*args, tzinfo=COPENHAGEN)


def test_rule_3_2_proposal_deadline_is_end_of_day_ten_days_before():
    deadline = proposal_deadline(cph(2027, 3, 29, 10, 0))
    assert deadline == cph(2027, 3, 19, 23, 59, 59, 999999)
    assert deadline.utcoffset() == timedelta(hours=1)  # winter time on 19 March


def test_rule_3_2_deadline_across_dst_start_keeps_local_midnight():
    # Meeting after the switch to summer time (28 March 2027), deadline before it.
    deadline = proposal_deadline(cph(2027, 4, 5, 10, 0))
    assert deadline.date() == date(2027, 3, 26)
    assert deadline.utcoffset() == timedelta(hours=1)
    assert deadline.astimezone(UTC) == datetime(2027, 3, 26, 22, 59, 59, 999999, tzinfo=UTC)


def test_rule_3_2_deadline_across_dst_end():
    # Summer time ends 31 October 2027; the deadline falls in summer time.
    deadline = proposal_deadline(cph(2027, 11, 5, 10, 0))
    assert deadline.date() == date(2027, 10, 26)
    assert deadline.utcoffset() == timedelta(hours=2)


def test_rule_3_2_meeting_given_in_utc_uses_the_copenhagen_date():
    # 23:30 UTC on 9 April is already 10 April in Copenhagen.
    deadline = proposal_deadline(datetime(2027, 4, 9, 23, 30, tzinfo=UTC))
    assert deadline.date() == date(2027, 3, 31)


def test_rule_3_2_last_fraction_of_a_second_is_in_time_and_midnight_is_not():
    deadline = proposal_deadline(cph(2027, 3, 29, 10, 0))
    assert is_in_time(cph(2027, 3, 19, 23, 59, 59, 900000), deadline)
    assert not is_in_time(cph(2027, 3, 20, 0, 0, 0), deadline)


def test_rule_3_3_agenda_deadline_is_same_weekday_the_week_before():
    meeting = cph(2027, 3, 29, 10, 0)  # a Monday
    deadline = agenda_deadline(meeting)
    assert deadline.date() == date(2027, 3, 22)
    assert deadline.weekday() == meeting.weekday()
    assert deadline.time().hour == 23


def test_rule_3_9_absence_deadline_is_the_meeting_start():
    meeting = cph(2027, 3, 29, 10, 0)
    assert absence_deadline(meeting) == meeting


def test_meeting_deadlines_names_all_three():
    assert set(meeting_deadlines(cph(2027, 3, 29, 10, 0))) == {
        "proposal_deadline",
        "agenda_deadline",
        "absence_deadline",
    }


def test_naive_meeting_time_is_refused():
    with pytest.raises(ValueError):
        proposal_deadline(datetime(2027, 3, 29, 10, 0))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 3, 29), False),  # 2. påskedag
        (date(2027, 3, 30), True),
        (date(2027, 6, 5), False),  # Grundlovsdag (a Saturday in 2027 anyway)
        (date(2026, 6, 5), False),  # Grundlovsdag on a Friday
        (date(2026, 12, 24), False),  # juleaften
        (date(2026, 12, 31), False),  # nytårsaften
        (date(2027, 1, 1), False),  # nytårsdag
        (date(2027, 5, 6), False),  # Kristi himmelfartsdag
        (date(2027, 5, 7), True),  # Store bededag is no longer a holiday (from 2024)
        (date(2023, 5, 5), False),  # Store bededag 2023
        (date(2027, 5, 17), False),  # 2. pinsedag
        (date(2027, 3, 27), False),  # Saturday
    ],
)
def test_rule_1_4_working_days(day: date, working: bool):
    assert is_working_day(day) is working


def test_rule_1_4_working_days_before_skips_weekends_and_holidays():
    # Before Tuesday 30 March 2027: Mon 29 (2. påskedag), Sun, Sat, Fri 26 (langfredag),
    # Thu 25 (skærtorsdag) are off: 3 working days back is Monday 22 March.
    assert working_days_before(date(2027, 3, 30), 3) == date(2027, 3, 22)
    with pytest.raises(ValueError):
        working_days_before(date(2027, 3, 30), 0)


def test_rule_1_4_alliance_deadline_three_working_days_before_constituting_meeting():
    deadline = alliance_deadline(cph(2026, 12, 14, 17, 0))  # Monday
    assert deadline == cph(2026, 12, 9, 23, 59, 59, 999999)


def test_rule_1_3_constituting_meeting_by_31_january():
    assert constituting_meeting_latest(date(2025, 11, 18)) == date(2026, 1, 31)


def test_rule_3_3_practical_send_out_day_before_easter_monday():
    # Meeting Monday 5 April 2027: the send-out deadline is 2. påskedag (29 March); påskedag,
    # the weekend, langfredag and skærtorsdag are off too: the practical day is Wednesday 24
    # March. The proposal deadline (rule 3.2) is langfredag 26 March and stays there.
    meeting = cph(2027, 4, 5, 10, 0)
    assert agenda_deadline(meeting).date() == date(2027, 3, 29)
    assert practical_agenda_day(meeting) == date(2027, 3, 24)
    assert proposal_deadline(meeting).date() == date(2027, 3, 26)
    assert day_off_name(date(2027, 3, 26)) == "Langfredag"
    assert day_off_name(date(2027, 3, 29)) == "Anden påskedag"


def test_rule_3_3_practical_send_out_day_before_whit_monday():
    # The demo's meeting on Monday 24 May 2027: the deadline 17 May is 2. pinsedag.
    meeting = cph(2027, 5, 24, 10, 0)
    assert agenda_deadline(meeting).date() == date(2027, 5, 17)
    assert practical_agenda_day(meeting) == date(2027, 5, 14)
    assert day_off_name(date(2027, 5, 17), "en") == "Pentecost Monday"


def test_rule_3_3_a_working_day_deadline_is_its_own_practical_day():
    meeting = cph(2027, 3, 1, 10, 0)  # deadline Monday 22 February, a working day
    assert practical_agenda_day(meeting) == date(2027, 2, 22)
    assert last_working_day_on_or_before(date(2027, 2, 22)) == date(2027, 2, 22)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 6, 5), "Grundlovsdag"),
        (date(2026, 12, 24), "Juleaften"),
        (date(2026, 12, 31), "Nytårsaften"),
        (date(2027, 3, 27), None),  # an ordinary Saturday
        (date(2027, 3, 30), None),  # a working day
    ],
)
def test_rule_3_3_days_off_are_named(day: date, name: str | None):
    assert day_off_name(day) == name


def test_rule_3_3_overdue_counts_working_days():
    # Deadline Monday 29 March 2027 (2. påskedag): Tuesday 30 March is the first working day
    # after it; the next Monday is the sixth.
    assert working_days_after(date(2027, 3, 29), date(2027, 3, 29)) == 0
    assert working_days_after(date(2027, 3, 29), date(2027, 3, 30)) == 1
    assert working_days_after(date(2027, 3, 29), date(2027, 4, 5)) == 5
    assert working_days_after(date(2027, 3, 24), date(2027, 3, 29)) == 0  # all off
    assert working_days_after(date(2027, 3, 30), date(2027, 3, 29)) == 0


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 12, 31)))
def test_rule_3_3_the_practical_day_is_the_last_working_day_not_after_the_deadline(day: date):
    practical = last_working_day_on_or_before(day)
    assert practical <= day
    assert is_working_day(practical)
    assert working_days_after(practical, day) == 0

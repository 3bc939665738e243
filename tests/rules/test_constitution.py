"""The constituting meeting's convener and latest date (rule 1.3); stand-ins for a chair or
vice-chair away for 3 months or more (rules 1.15–1.16)."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from portal.rules.calendar import constituting_meeting_latest
from portal.rules.constitution import (
    ConvenerStatus,
    Mayor,
    constituting_meeting_in_time,
    convener,
    stand_in_is_allowed,
)


def test_rule_1_3_the_longest_serving_mayor_calls_the_meeting():
    found = convener(
        [
            Mayor(1, date(2018, 1, 1), date(1970, 5, 1)),
            Mayor(2, date(2006, 1, 1), date(1975, 5, 1)),
            Mayor(3, date(2022, 1, 1), date(1950, 5, 1)),
        ]
    )
    assert found.status is ConvenerStatus.FOUND
    assert found.person_id == 2
    assert found.by_age is False
    assert found.longest_serving == (2,)


def test_rule_1_3_the_oldest_of_the_longest_serving_on_a_tie():
    found = convener(
        [
            Mayor(1, date(2010, 1, 1), date(1961, 3, 2)),
            Mayor(2, date(2010, 1, 1), date(1961, 3, 1)),
            Mayor(3, date(2014, 1, 1), date(1940, 1, 1)),  # older, but has served less
        ]
    )
    assert (found.status, found.person_id, found.by_age) == (ConvenerStatus.FOUND, 2, True)
    assert found.longest_serving == (1, 2)


def test_rule_1_3_a_missing_since_date_leaves_the_convener_open():
    found = convener([Mayor(1, date(2010, 1, 1), None), Mayor(2, None, date(1960, 1, 1))])
    assert found.status is ConvenerStatus.MISSING_DATA
    assert found.person_id is None
    assert found.missing_since == (2,)


def test_rule_1_3_birth_dates_are_needed_only_among_the_longest_serving():
    # Mayor 3 has no birth date, but is not among the longest-serving.
    assert (
        convener([Mayor(1, date(2010, 1, 1), None), Mayor(3, date(2014, 1, 1), None)]).person_id
        == 1
    )
    open_ = convener(
        [Mayor(1, date(2010, 1, 1), None), Mayor(2, date(2010, 1, 1), date(1960, 1, 1))]
    )
    assert open_.status is ConvenerStatus.MISSING_DATA
    assert open_.missing_birth == (1,)


def test_rule_1_3_the_same_day_and_the_same_birthday_is_reported_not_decided():
    found = convener(
        [Mayor(1, date(2010, 1, 1), date(1960, 1, 1))] * 1
        + [Mayor(2, date(2010, 1, 1), date(1960, 1, 1))]
    )
    assert found.status is ConvenerStatus.TIE
    assert found.person_id is None
    assert found.tied == (1, 2)


def test_rule_1_3_no_mayors_no_convener():
    assert convener([]).status is ConvenerStatus.NO_MAYORS


def test_rule_1_3_the_meeting_is_held_by_31_january_after_the_election():
    assert constituting_meeting_latest(date(2025, 11, 18)) == date(2026, 1, 31)
    assert constituting_meeting_in_time(date(2025, 11, 18), date(2026, 1, 31))
    assert not constituting_meeting_in_time(date(2025, 11, 18), date(2026, 2, 1))
    assert not constituting_meeting_in_time(date(2025, 11, 18), date(2025, 11, 18))


mayors = st.lists(
    st.builds(
        Mayor,
        st.integers(0, 10_000),
        st.dates(date(1990, 1, 1), date(2030, 1, 1)),
        st.dates(date(1930, 1, 1), date(2000, 1, 1)),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda m: m.person_id,
)


@given(mayors)
def test_rule_1_3_nobody_has_served_longer_and_no_one_as_long_is_older(mayors):
    found = convener(mayors)
    if found.status is ConvenerStatus.TIE:
        assert len(found.tied) >= 2
        return
    chosen = next(m for m in mayors if m.person_id == found.person_id)
    for other in mayors:
        assert other.mayor_since >= chosen.mayor_since
        if other.mayor_since == chosen.mayor_since and other is not chosen:
            assert other.born_on > chosen.born_on


def test_rule_1_15_a_stand_in_only_for_three_months_or_more():
    assert stand_in_is_allowed(date(2026, 3, 1), date(2026, 5, 31))
    assert not stand_in_is_allowed(date(2026, 3, 1), date(2026, 5, 30))

"""d'Hondt with electoral alliances (rule 1.4) and joint groups (rule 3.8): worked examples and
properties."""

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portal.rules import InvalidInput
from portal.rules.proportional import (
    alliance_name,
    chair_and_vice_chair,
    dhondt,
    dhondt_joint_groups,
)

FAST = settings(max_examples=200, deadline=None)


def test_rule_3_8_dhondt_worked_example():
    # Quotients: A 12000 6000 4000, B 7000 3500, C 5000 2500, D 3000.
    result = dhondt({"A": 12000, "B": 7000, "C": 5000, "D": 3000}, 5)
    assert result.seats == {"A": 3, "B": 1, "C": 1, "D": 0}
    assert result.order == ["A", "B", "A", "C", "A"]
    assert result.ties == [] and result.order_ties == []
    assert result.complete
    assert [step.quotient for step in result.steps] == [12000, 7000, 6000, 5000, 4000]


def test_rule_3_8_quotient_table_marks_the_seats_in_order():
    result = dhondt({"A": 12000, "B": 7000, "C": 5000, "D": 3000}, 5)
    (table,) = result.tables
    assert table.alliance is None and table.seats == 5
    rows = {row.name: row for row in table.rows}
    assert rows["A"].quotients[:3] == (12000, 6000, 4000)
    assert rows["A"].quotients[2] == Fraction(12000, 3)
    assert rows["A"].seats_won == (1, 3, 5)
    assert rows["B"].seats_won == (2,)
    assert rows["D"].seats_won == ()


def test_rule_3_8_alliance_pools_votes_then_splits_inside_by_dhondt():
    # V+C = 12800: V+C 12800, A 12000, V+C 6400 (A's 6000 is next). Inside: V 7000, C 5800.
    result = dhondt({"A": 12000, "V": 7000, "C": 5800, "B": 4000}, 3, [["V", "C"]])
    assert result.seats == {"A": 1, "V": 1, "C": 1, "B": 0}
    assert result.order == ["V", "A", "C"]
    assert result.alliances == {"V+C": ("V", "C")}
    first = result.steps[0]
    assert (first.contender, first.quotient, first.group) == ("V+C", 12800, "V")
    assert first.inner_quotient == 7000
    assert result.steps[2].inner_quotient == 5800
    main, inside = result.tables
    assert [row.name for row in main.rows] == ["A", "V+C", "B"]
    assert inside.alliance == "V+C" and inside.seats == 2
    assert {row.name: row.seats_won for row in inside.rows} == {"V": (1,), "C": (3,)}


def test_rule_1_4_alliance_pools_votes_then_splits_inside_by_dhondt():
    # Rule 1.4's valgforbund keeps its split (kommunal- og regionalvalglov § 82).
    election = chair_and_vice_chair({"A": 12000, "V": 7000, "C": 5800, "B": 4000}, [["V", "C"]])
    assert election.allocation.steps[0].group == "V"
    assert election.allocation.joint_groups == {}


def test_rule_3_8_a_joint_group_pools_its_members_and_wins_seats_as_one():
    # Members present: A 6, V 4, C 3, joined V+C 7. Quotients: V+C 7, A 6, V+C 3.5, A 3.
    result = dhondt_joint_groups({"A": 6, "V": 4, "C": 3}, 3, [["V", "C"]])
    assert result.seats == {"V+C": 2, "A": 1}
    assert result.order == ["V+C", "A", "V+C"]
    assert result.joint_groups == {"V+C": ("V", "C")}
    assert result.alliances == {}


def test_rule_3_8_a_joint_group_names_its_own_people_no_split_inside_it():
    # With rule 1.4's split V would take the first seat and C the second; a joint group's
    # seats stay the joint group's: each step goes to "V+C", never to V or C.
    result = dhondt_joint_groups({"A": 6, "V": 4, "C": 3}, 3, [["V", "C"]])
    assert [step.group for step in result.steps] == ["V+C", "A", "V+C"]
    assert all(step.inner_quotient is None for step in result.steps)
    # The workings: one table, the joint group a row with its pooled members.
    (table,) = result.tables
    rows = {row.name: row for row in table.rows}
    assert rows["V+C"].votes == 7 and rows["V+C"].seats_won == (1, 3)
    assert rows["V+C"].quotients[:2] == (7, Fraction(7, 2))
    split = dhondt({"A": 6, "V": 4, "C": 3}, 3, [["V", "C"]])
    assert split.seats == {"A": 1, "V": 1, "C": 1}  # the split a joint group does not get


def test_rule_3_8_a_tie_with_a_joint_group_is_drawn_by_its_name():
    # A 6 against V+C 6 for one seat.
    result = dhondt_joint_groups({"A": 6, "V": 3, "C": 3}, 1, [["V", "C"]])
    assert result.ties == [["A", "V+C"]]
    drawn = dhondt_joint_groups({"A": 6, "V": 3, "C": 3}, 1, [["V", "C"]], drawn=["V+C"])
    assert drawn.seats == {"A": 0, "V+C": 1} and drawn.steps[0].by_lot


@pytest.mark.parametrize(
    ("joint_groups", "message"),
    [
        ([["A"]], "a joint group needs at least two groups"),
        ([["A", "X"]], "joint group names unknown group 'X'"),
        ([["A", "B"], ["B", "C"]], "'B' is in two joint groups"),
        ([["A", "A"]], "a joint group names the same group twice"),
        ("AB", "joint groups must be a list of lists of group names"),
    ],
)
def test_rule_3_8_invalid_joint_groups_are_refused_with_a_precise_message(joint_groups, message):
    with pytest.raises(InvalidInput, match=message):
        dhondt_joint_groups({"A": 3, "B": 5, "C": 1}, 2, joint_groups)


def test_rule_3_8_standing_apart_the_same_groups_get_fewer_seats():
    # A 12000, V 7000, A 6000 beats C 5800.
    apart = dhondt({"A": 12000, "V": 7000, "C": 5800, "B": 4000}, 3)
    assert apart.seats == {"A": 2, "V": 1, "C": 0, "B": 0}


def test_rule_1_4_chair_and_vice_chair_are_the_first_two_seats():
    election = chair_and_vice_chair({"A": 12000, "V": 7000, "C": 5800, "B": 4000}, [["V", "C"]])
    assert (election.chair, election.vice_chair) == ("V", "A")
    assert election.ties == []
    assert election.allocation.total == 2


def test_rule_1_4_one_big_group_takes_both_posts():
    election = chair_and_vice_chair({"A": 30000, "B": 9000})
    assert (election.chair, election.vice_chair) == ("A", "A")


def test_rule_3_8_equal_quotients_for_the_last_seat_are_reported_not_decided():
    result = dhondt({"A": 600, "B": 600, "C": 100}, 1)
    assert result.ties == [["A", "B"]]
    assert result.seats == {"A": 0, "B": 0, "C": 0}
    assert result.order == [] and result.seats_to_draw == 1
    assert not result.complete


def test_rule_3_8_a_recorded_lot_settles_the_tie():
    result = dhondt({"A": 600, "B": 600, "C": 100}, 1, drawn=["B"])
    assert result.ties == []
    assert result.seats == {"A": 0, "B": 1, "C": 0}
    assert result.steps[0].by_lot


def test_rule_3_8_three_equal_for_two_seats_a_partial_lot_leaves_the_rest_open():
    votes = {"A": 500, "B": 500, "C": 500}
    assert dhondt(votes, 2).ties == [["A", "B", "C"]]
    partly = dhondt(votes, 2, drawn=["C"])
    assert partly.order == ["C"]
    assert partly.ties == [["A", "B"]]
    settled = dhondt(votes, 2, drawn=["C", "A"])
    assert settled.seats == {"A": 1, "B": 0, "C": 1} and settled.complete


def test_rule_3_8_equal_quotients_that_all_get_a_seat_leave_only_the_order_open():
    # A 20 and B 10: A 20, then A 10 = B 10 both get one, then A 20/3.
    result = dhondt({"A": 20, "B": 10}, 4)
    assert result.seats == {"A": 3, "B": 1}
    assert result.ties == []
    assert result.order_ties == [["A", "B"]]
    assert [step.undecided for step in result.steps] == [(), ("A", "B"), ("A", "B"), ()]


def test_rule_1_4_equal_top_quotients_leave_chair_and_vice_chair_to_a_lot():
    election = chair_and_vice_chair({"A": 10000, "B": 10000, "C": 3000})
    assert (election.chair, election.vice_chair) == (None, None)
    assert election.ties == [["A", "B"]]
    drawn = chair_and_vice_chair({"A": 10000, "B": 10000, "C": 3000}, drawn=["B"])
    assert (drawn.chair, drawn.vice_chair) == ("B", "A")
    assert drawn.ties == []


def test_rule_1_4_a_tie_for_the_second_seat_leaves_only_the_vice_chair_open():
    election = chair_and_vice_chair({"A": 9000, "B": 4500, "C": 4500})  # A/2 = B = C
    assert (election.chair, election.vice_chair) == ("A", None)
    assert election.ties == [["A", "B", "C"]]


def test_rule_1_4_tie_between_an_alliance_and_a_group_is_drawn_by_the_alliance_name():
    votes = {"A": 9000, "V": 5000, "C": 4000}  # V+C 9000 = A 9000
    election = chair_and_vice_chair(votes, [["V", "C"]])
    assert election.ties == [["A", "V+C"]]
    assert (election.chair, election.vice_chair) == (None, None)
    drawn = chair_and_vice_chair(votes, [["V", "C"]], drawn=[alliance_name(["V", "C"])])
    assert (drawn.chair, drawn.vice_chair) == ("V", "A")


def test_rule_1_4_tie_inside_an_alliance_shows_the_alliance_until_drawn():
    votes = {"A": 900, "V": 500, "C": 500}  # V+C 1000 first, A 900 second
    election = chair_and_vice_chair(votes, [["V", "C"]])
    assert election.allocation.order == ["V+C", "A"]
    assert election.ties == [["V", "C"]]
    assert (election.chair, election.vice_chair) == (None, "A")
    assert election.allocation.seats == {"A": 1, "V": 0, "C": 0}
    drawn = chair_and_vice_chair(votes, [["V", "C"]], drawn=["C"])
    assert (drawn.chair, drawn.vice_chair) == ("C", "A")


def test_rule_3_8_groups_without_votes_never_win_a_seat():
    assert dhondt({"A": 5, "B": 0}, 4).seats == {"A": 4, "B": 0}


@pytest.mark.parametrize(
    ("votes", "seats", "alliances", "drawn", "message"),
    [
        ({"A": -1, "B": 5}, 2, [], [], "votes of group 'A' cannot be negative"),
        ({"A": True, "B": 5}, 2, [], [], "votes of group 'A' must be a whole number"),
        ({"A": 1.5, "B": 5}, 2, [], [], "votes of group 'A' must be a whole number"),
        ({"A": 3, "B": 5}, 0, [], [], "seats must be at least 1"),
        ({"A": 3, "B": 5}, 10_001, [], [], "seats must be at most 10000"),
        ({"A": 0, "B": 0}, 1, [], [], "no group has any votes"),
        ({}, 1, [], [], "no groups given"),
        ({"A": 3, "B": 5}, 1, [["A", "X"]], [], "alliance names unknown group 'X'"),
        ({"A": 3, "B": 5, "C": 1}, 1, [["A", "B"], ["B", "C"]], [], "'B' is in two alliances"),
        ({"A": 3, "B": 5}, 1, [["A"]], [], "an alliance needs at least two groups"),
        ({"A": 3, "B": 5}, 1, [["A", "A"]], [], "the same group twice"),
        ({"A": 3, "B": 5, "A+B": 1}, 1, [["A", "B"]], [], "also a group name"),
        ({"A": 3, "B": 5}, 1, [], ["Z"], "drawn names unknown group 'Z'"),
        ({"A": 3, "B": 5}, 1, [], ["A", "A"], "drawn names 'A' twice"),
    ],
)
def test_rule_3_8_invalid_input_is_refused_with_a_precise_message(
    votes, seats, alliances, drawn, message
):
    with pytest.raises(InvalidInput, match=message):
        dhondt(votes, seats, alliances, drawn)


# --- properties --------------------------------------------------------------------------

names = st.sampled_from("ABCDEFGH")
vote_maps = st.dictionaries(names, st.integers(0, 200_000), min_size=1, max_size=6).filter(
    lambda votes: any(votes.values())
)


def largest_quotients(votes: dict[str, int], seats: int) -> tuple[dict[str, int], bool]:
    """The definition read off directly: the `seats` largest quotients votes ÷ 1, 2, …;
    and whether the last seat in and the first seat out have equal quotients."""
    quotients = sorted(
        ((Fraction(v, d), name) for name, v in votes.items() if v for d in range(1, seats + 2)),
        key=lambda item: item[0],
        reverse=True,
    )
    won = dict.fromkeys(votes, 0)
    for _, name in quotients[:seats]:
        won[name] += 1
    tied = len(quotients) > seats and quotients[seats - 1][0] == quotients[seats][0]
    return won, tied


@FAST
@given(vote_maps, st.integers(1, 30))
def test_rule_3_8_property_seats_are_the_largest_quotients(votes, seats):
    result = dhondt(votes, seats)
    expected, tied = largest_quotients(votes, seats)
    assert bool(result.ties) == tied
    if not tied:
        assert result.seats == expected
        assert sum(result.seats.values()) == seats == len(result.order)


@FAST
@given(vote_maps, st.integers(1, 30))
def test_rule_3_8_property_house_monotone_one_more_seat_takes_from_no_one(votes, seats):
    smaller, larger = dhondt(votes, seats), dhondt(votes, seats + 1)
    assume(not smaller.ties and not larger.ties)
    assert all(larger.seats[name] >= smaller.seats[name] for name in votes)
    if not smaller.order_ties and not larger.order_ties:
        assert larger.order[:seats] == smaller.order


@FAST
@given(vote_maps, st.integers(1, 30), st.data())
def test_rule_3_8_property_pooling_never_costs_an_alliance_seats(votes, seats, data):
    assume(len(votes) >= 2)
    members = data.draw(
        st.lists(st.sampled_from(sorted(votes)), min_size=2, max_size=len(votes), unique=True)
    )
    apart = dhondt(votes, seats)
    pooled = dhondt(votes, seats, [members])
    assume(not apart.ties and not pooled.ties)
    assert sum(pooled.seats[m] for m in members) >= sum(apart.seats[m] for m in members)
    assert sum(pooled.seats.values()) == seats


@FAST
@given(vote_maps, st.integers(2, 20))
def test_rule_1_4_property_chair_and_vice_chair_are_the_head_of_the_order(votes, seats):
    election = chair_and_vice_chair(votes)
    longer = dhondt(votes, seats)
    assume(not election.ties)
    assert [election.chair, election.vice_chair] == longer.order[:2]


@FAST
@given(vote_maps, st.integers(1, 30), st.data())
def test_rule_3_8_property_a_joint_group_is_one_group_with_its_members_summed(votes, seats, data):
    assume(len(votes) >= 2)
    members = data.draw(
        st.lists(st.sampled_from(sorted(votes)), min_size=2, max_size=len(votes), unique=True)
    )
    joint = dhondt_joint_groups(votes, seats, [members])
    label = alliance_name(members)
    merged: dict[str, int] = {}
    for name, count in votes.items():
        key = label if name in members else name
        merged[key] = merged.get(key, 0) + count
    alone = dhondt(merged, seats)
    assert joint.seats == alone.seats and joint.ties == alone.ties
    assert not any(name in joint.seats for name in members)

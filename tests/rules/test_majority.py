"""Majority vote for one representative (rule 3.8, kommunestyrelseslov § 24 stk. 1)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import InvalidInput
from portal.rules.majority import (
    Ballot,
    LotPurpose,
    Outcome,
    majority_vote,
    required_majority,
)

FAST = settings(max_examples=200, deadline=None)

ROUND_1 = Ballot({"A": 14, "B": 10, "C": 6})


def test_rule_3_8_nothing_recorded_means_round_1_open_to_anyone():
    state = majority_vote(30, [])
    assert (state.outcome, state.next_round, state.eligible) == (Outcome.NEXT_ROUND, 1, None)


def test_rule_3_8_more_than_half_of_those_present_elects_in_round_1():
    state = majority_vote(30, [Ballot({"A": 16, "B": 14})])
    assert (state.outcome, state.elected, state.by_lot) == (Outcome.ELECTED, "A", False)
    assert state.rounds[0].required == 16


def test_rule_3_8_exactly_half_is_not_a_majority():
    state = majority_vote(30, [Ballot({"A": 15, "B": 15})])
    assert (state.outcome, state.next_round, state.eligible) == (Outcome.NEXT_ROUND, 2, None)


def test_rule_3_8_blank_votes_do_not_lower_the_majority_of_those_present():
    # 15 of 29 votes cast, but 30 are present: 16 are needed.
    state = majority_vote(30, [Ballot({"A": 15, "B": 14}, blank=1)])
    assert state.outcome is Outcome.NEXT_ROUND
    assert state.rounds[0].cast == 30


def test_rule_3_8_an_odd_number_present():
    assert required_majority(29) == 15
    assert majority_vote(29, [Ballot({"A": 15, "B": 14})]).elected == "A"


def test_rule_3_8_a_majority_in_round_2_elects():
    state = majority_vote(30, [ROUND_1, Ballot({"A": 16, "B": 12, "C": 2})])
    assert (state.outcome, state.elected) == (Outcome.ELECTED, "A")


def test_rule_3_8_no_majority_in_round_2_means_a_run_off_between_the_two_leading():
    state = majority_vote(30, [ROUND_1, Ballot({"A": 14, "B": 11, "C": 5})])
    assert (state.outcome, state.next_round) == (Outcome.NEXT_ROUND, 3)
    assert state.eligible == ("A", "B") == state.run_off


def test_rule_3_8_the_run_off_is_won_by_more_votes_not_a_majority_of_those_present():
    ballots = [ROUND_1, Ballot({"A": 14, "B": 11, "C": 5}), Ballot({"A": 12, "B": 11}, blank=7)]
    state = majority_vote(30, ballots)
    assert (state.outcome, state.elected) == (Outcome.ELECTED, "A")
    assert state.rounds[2].required is None


def test_rule_3_8_a_tie_for_second_place_in_round_2_needs_a_lot_for_the_run_off():
    ballots = [ROUND_1, Ballot({"A": 14, "B": 8, "C": 8})]
    state = majority_vote(30, ballots)
    assert state.outcome is Outcome.LOT
    assert state.lot is not None
    assert (state.lot.between, state.lot.places) == (("B", "C"), 1)
    assert state.lot.purpose is LotPurpose.RUN_OFF
    assert state.run_off == ("A",)
    drawn = majority_vote(30, ballots, drawn_for_run_off=["C"])
    assert (drawn.outcome, drawn.next_round, drawn.eligible) == (Outcome.NEXT_ROUND, 3, ("A", "C"))


def test_rule_3_8_a_three_way_tie_for_first_in_round_2_draws_two_places():
    ballots = [ROUND_1, Ballot({"A": 10, "B": 10, "C": 10})]
    state = majority_vote(30, ballots)
    assert state.lot is not None
    assert (state.lot.between, state.lot.places) == (("A", "B", "C"), 2)
    partly = majority_vote(30, ballots, drawn_for_run_off=["B"])
    assert partly.lot is not None
    assert (partly.lot.between, partly.lot.places, partly.run_off) == (("A", "C"), 1, ("B",))
    drawn = majority_vote(30, ballots, drawn_for_run_off=["B", "C"])
    assert drawn.eligible == ("B", "C")


def test_rule_3_8_a_tie_for_first_place_between_two_needs_no_lot_to_enter_the_run_off():
    state = majority_vote(30, [ROUND_1, Ballot({"A": 12, "B": 12, "C": 6})])
    assert (state.outcome, state.eligible) == (Outcome.NEXT_ROUND, ("A", "B"))


def test_rule_3_8_a_tied_run_off_is_settled_by_a_recorded_lot():
    ballots = [ROUND_1, Ballot({"A": 14, "B": 11, "C": 5}), Ballot({"A": 15, "B": 15})]
    state = majority_vote(30, ballots)
    assert state.outcome is Outcome.LOT
    assert state.lot is not None
    assert (state.lot.between, state.lot.purpose) == (("A", "B"), LotPurpose.WINNER)
    drawn = majority_vote(30, ballots, drawn_winner="B")
    assert (drawn.outcome, drawn.elected, drawn.by_lot) == (Outcome.ELECTED, "B", True)


def test_rule_3_8_a_run_off_candidate_without_votes_counts_as_zero():
    ballots = [ROUND_1, Ballot({"A": 14, "B": 11, "C": 5}), Ballot({"B": 3}, blank=27)]
    state = majority_vote(30, ballots)
    assert state.elected == "B"
    assert state.rounds[2].votes == {"A": 0, "B": 3}


RUN_OFF_A_B = [ROUND_1, Ballot({"A": 14, "B": 11, "C": 5})]


@pytest.mark.parametrize(
    ("present", "ballots", "lots", "message"),
    [
        (30, [Ballot({"A": 20, "B": 11})], {}, "round 1: 31 votes cast but only 30 present"),
        (30, [Ballot({"A": 20}, blank=11)], {}, "round 1: 31 votes cast"),
        (30, [Ballot({"A": -1})], {}, "round 1: votes for 'A' cannot be negative"),
        (30, [Ballot({"A": True})], {}, "round 1: votes for 'A' must be a whole number"),
        (30, [Ballot({"A": 1}, blank=-1)], {}, "round 1: blank votes cannot be negative"),
        (30, [Ballot({})], {}, "round 1: no candidates"),
        (0, [], {}, "present must be at least 1"),
        (30, [*RUN_OFF_A_B, Ballot({"A": 10, "C": 9})], {}, "round 3: 'C' is not in the run-off"),
        (30, [Ballot({"A": 16}), Ballot({"A": 16})], {}, "'A' was elected in round 1"),
        (30, [*RUN_OFF_A_B, Ballot({"A": 1}), Ballot({"A": 1})], {}, "at most 3 rounds"),
        (
            30,
            [ROUND_1, Ballot({"A": 14, "B": 8, "C": 8}), Ballot({"A": 15, "B": 15})],
            {},
            "round 3: the lot for the run-off has not been drawn",
        ),
        (30, RUN_OFF_A_B, {"drawn_for_run_off": ["C"]}, "no lot for the run-off is due"),
        (
            30,
            [ROUND_1, Ballot({"A": 14, "B": 8, "C": 8})],
            {"drawn_for_run_off": ["A"]},
            "drawn_for_run_off: 'A' is not in the lot",
        ),
        (
            30,
            [*RUN_OFF_A_B, Ballot({"A": 15, "B": 15})],
            {"drawn_winner": "C"},
            "drawn_winner 'C' is not in the lot",
        ),
        (30, [ROUND_1], {"drawn_winner": "A"}, "no lot for the winner is due"),
    ],
)
def test_rule_3_8_invalid_ballots_are_refused_with_a_precise_message(
    present, ballots, lots, message
):
    with pytest.raises(InvalidInput, match=message):
        majority_vote(present, ballots, **lots)


@FAST
@given(
    st.integers(1, 60),
    st.dictionaries(st.sampled_from("ABCDE"), st.integers(0, 60), min_size=1, max_size=5),
)
def test_rule_3_8_property_rounds_1_and_2_elect_exactly_who_has_more_than_half(present, votes):
    if sum(votes.values()) > present:
        with pytest.raises(InvalidInput):
            majority_vote(present, [Ballot(votes)])
        return
    state = majority_vote(present, [Ballot(votes)])
    winners = [name for name, count in votes.items() if 2 * count > present]
    assert state.elected == (winners[0] if winners else None)
    assert state.outcome is (Outcome.ELECTED if winners else Outcome.NEXT_ROUND)

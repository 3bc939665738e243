"""Majority vote for one representative (rule 3.8, kommunestyrelseslov § 24 stk. 1)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import InvalidInput
from portal.rules.majority import (
    Ballot,
    ElectedBy,
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


def test_rule_3_8_round_2_elects_the_one_candidate_who_got_every_vote():
    # § 24 stk. 1, 3. pkt.: 10 of 30 is no majority, but no vote went to anyone else.
    state = majority_vote(30, [ROUND_1, Ballot({"A": 10}, blank=20)])
    assert (state.outcome, state.elected) == (Outcome.ELECTED, "A")
    assert state.rounds[1].elected_by is ElectedBy.ONLY_CANDIDATE
    # A candidate on the list with no votes does not change that.
    also = majority_vote(30, [ROUND_1, Ballot({"A": 10, "B": 0}, blank=20)])
    assert also.elected == "A"


def test_rule_3_8_round_1_needs_a_majority_even_with_one_candidate():
    state = majority_vote(30, [Ballot({"A": 10}, blank=20)])
    assert (state.outcome, state.next_round, state.next_stage) == (Outcome.NEXT_ROUND, 2, 2)
    assert state.rounds[0].elected_by is None


def test_rule_3_8_a_majority_in_round_2_is_elected_by_majority():
    state = majority_vote(30, [ROUND_1, Ballot({"A": 16, "B": 12, "C": 2})])
    assert state.rounds[1].elected_by is ElectedBy.MAJORITY


def test_rule_3_8_no_one_is_elected_with_0_votes_in_a_one_candidate_run_off():
    # The case of issue #14: round 2 with all votes to A used to lead to a run-off that A
    # "won" with 0 of 30 votes. Round 2 elects A now, and no further round can be recorded.
    state = majority_vote(30, [ROUND_1, Ballot({"A": 10}, blank=20)])
    assert state.elected == "A" and len(state.rounds) == 2
    with pytest.raises(InvalidInput, match="'A' was elected in round 2"):
        majority_vote(30, [ROUND_1, Ballot({"A": 10}, blank=20), Ballot({"A": 0}, blank=30)])


def test_rule_3_8_a_run_off_in_which_no_one_got_a_vote_elects_no_one_and_is_held_again():
    state = majority_vote(30, [*RUN_OFF_A_B, Ballot({"A": 0, "B": 0}, blank=30)])
    assert state.outcome is Outcome.NEXT_ROUND
    assert (state.elected, state.lot) == (None, None)
    assert state.rounds[2].void and state.rounds[2].elected is None
    assert (state.next_round, state.next_stage, state.eligible) == (4, 3, ("A", "B"))
    again = majority_vote(
        30,
        [
            *RUN_OFF_A_B,
            Ballot({}, blank=30) if False else Ballot({"A": 0}, blank=30),
            Ballot({"A": 12, "B": 11}, blank=7),
        ],
    )
    assert (again.outcome, again.elected) == (Outcome.ELECTED, "A")
    assert again.rounds[3].stage == 3 and again.rounds[3].elected_by is ElectedBy.MOST_VOTES


def test_rule_3_8_a_round_2_in_which_no_one_got_a_vote_decides_no_run_off_and_is_held_again():
    state = majority_vote(30, [ROUND_1, Ballot({"A": 0, "B": 0}, blank=30)])
    assert state.outcome is Outcome.NEXT_ROUND and state.rounds[1].void
    assert (state.next_round, state.next_stage, state.eligible) == (3, 2, None)
    then = majority_vote(30, [ROUND_1, Ballot({"A": 0}, blank=30), Ballot({"A": 14, "B": 11})])
    assert (then.next_round, then.next_stage, then.eligible) == (4, 3, ("A", "B"))


def test_rule_3_8_a_candidate_without_votes_in_round_2_never_enters_the_run_off():
    state = majority_vote(30, [ROUND_1, Ballot({"A": 10, "B": 10, "C": 0}, blank=10)])
    assert (state.outcome, state.eligible) == (Outcome.NEXT_ROUND, ("A", "B"))


def test_rule_3_8_the_ministrys_case_the_run_off_counts_the_votes_cast():
    # The ministry's statement of 2 December 2013 on § 24 stk. 1: 21 members, groups of 10, 8
    # and 3 behind A, B and C; C's group votes blank in the run-off: A wins with 10 of 21.
    rounds = [Ballot({"A": 10, "B": 8, "C": 3}), Ballot({"A": 10, "B": 8, "C": 3})]
    state = majority_vote(21, [*rounds, Ballot({"A": 10, "B": 8}, blank=3)])
    assert (state.outcome, state.elected) == (Outcome.ELECTED, "A")
    assert [r.stage for r in state.rounds] == [1, 2, 3]


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
        (30, [*RUN_OFF_A_B, Ballot({"A": 1}), Ballot({"A": 1})], {}, "'A' was elected in round 3"),
        (30, [Ballot({"A": 1})] * 21, {}, "at most 20 rounds"),
        (
            30,
            [*RUN_OFF_A_B, Ballot({"A": 15, "B": 15}), Ballot({"A": 16})],
            {},
            "round 4: the run-off is tied, a lot decides it",
        ),
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


BALLOTS = st.lists(
    st.tuples(
        st.dictionaries(st.sampled_from("ABC"), st.integers(0, 12), min_size=1, max_size=3),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=6,
)


@FAST
@given(BALLOTS)
def test_rule_3_8_property_no_one_is_ever_elected_with_0_votes(recorded):
    """Whatever is recorded (a refused sequence aside), whoever is elected had votes in the
    round that elected them, and only a run-off elects without a majority or every vote."""
    ballots: list[Ballot] = []
    for votes, blank in recorded:
        state = majority_vote(41, ballots)
        if state.outcome is not Outcome.NEXT_ROUND:
            break
        if state.eligible is not None:  # the run-off: its two candidates only
            votes = {name: votes.get(name, 0) for name in state.eligible}
        ballots.append(Ballot(votes, blank))
    state = majority_vote(41, ballots)
    if state.outcome is Outcome.LOT and state.lot and state.lot.purpose is LotPurpose.WINNER:
        state = majority_vote(41, ballots, drawn_winner=state.lot.between[0])
    if state.elected is not None:
        deciding = state.rounds[-1]
        assert deciding.votes[state.elected] > 0
        if deciding.elected_by is ElectedBy.ONLY_CANDIDATE:
            assert deciding.stage == 2
            assert [n for n in deciding.votes.values() if n] == [deciding.votes[state.elected]]
    for result in state.rounds:
        assert result.void == (result.stage > 1 and not any(result.votes.values()))

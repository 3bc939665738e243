"""Rule 3.7: simple majority of the votes cast; the chair's vote decides a tie."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.rules.voting import (
    NEGATIVE,
    TOO_MANY,
    ChairsVote,
    InvalidVotes,
    Outcome,
    vote_result,
)

counts = st.integers(min_value=0, max_value=60)
chair_votes = st.sampled_from([None, *ChairsVote])


@pytest.mark.parametrize(
    ("for_", "against", "abstaining", "outcome"),
    [(10, 5, 0, Outcome.ADOPTED), (5, 10, 0, Outcome.REJECTED), (3, 2, 20, Outcome.ADOPTED)],
)
def test_rule_3_7_simple_majority_of_the_votes_cast(for_, against, abstaining, outcome):  # noqa: ANN001
    result = vote_result(for_, against, abstaining, None)
    assert result.outcome is outcome
    assert not result.tie and not result.decided_by_chair


@pytest.mark.parametrize(
    ("chair", "outcome"), [(ChairsVote.FOR, Outcome.ADOPTED), ("against", Outcome.REJECTED)]
)
def test_rule_3_7_the_chairs_vote_decides_a_tie(chair, outcome):  # noqa: ANN001
    result = vote_result(8, 8, 1, chair)
    assert result.outcome is outcome
    assert result.tie and result.decided_by_chair
    assert result.adopted is (outcome is Outcome.ADOPTED)


@pytest.mark.parametrize("leader", [None, ChairsVote.ABSTAIN, ChairsVote.DID_NOT_VOTE])
def test_rule_3_7_a_tie_the_leader_did_not_vote_on_is_not_adopted(leader):  # noqa: ANN001
    result = vote_result(7, 7, 3, leader)
    assert result.outcome is Outcome.NOT_ADOPTED
    assert result.tie and not result.adopted and not result.decided_by_chair


def test_rule_3_7_the_seeds_15_15_tie_with_the_chair_abstaining_is_recorded_as_not_adopted():
    # 31 present: 15 for, 15 against, the chair abstains. Nothing breaks the tie.
    result = vote_result(15, 15, 1, ChairsVote.ABSTAIN, present=31)
    assert result.outcome is Outcome.NOT_ADOPTED


def test_rule_3_7_the_chairs_vote_does_not_count_without_a_tie():
    assert vote_result(4, 9, 0, ChairsVote.FOR).outcome is Outcome.REJECTED


@pytest.mark.parametrize("votes", [(-1, 0, 0), (0, -2, 0), (0, 0, -1)])
def test_rule_3_7_no_count_is_negative(votes):  # noqa: ANN001
    with pytest.raises(InvalidVotes) as refused:
        vote_result(*votes, None)
    assert refused.value.problem == NEGATIVE


def test_rule_3_7_no_more_votes_than_members_present():
    assert vote_result(10, 5, 2, None, present=17).outcome is Outcome.ADOPTED
    with pytest.raises(InvalidVotes) as refused:
        vote_result(10, 5, 3, None, present=17)
    assert refused.value.problem == TOO_MANY


@given(counts, counts, counts, chair_votes)
def test_rule_3_7_abstentions_never_change_the_result(for_, against, abstaining, chair):  # noqa: ANN001
    assert vote_result(for_, against, abstaining, chair) == vote_result(for_, against, 0, chair)


@given(counts, counts, chair_votes)
def test_rule_3_7_swapping_for_and_against_swaps_a_decided_result(for_, against, chair):  # noqa: ANN001
    mirror = {ChairsVote.FOR: ChairsVote.AGAINST, ChairsVote.AGAINST: ChairsVote.FOR}
    one = vote_result(for_, against, 0, chair)
    other = vote_result(against, for_, 0, mirror.get(chair, chair) if chair else None)
    if one.outcome is Outcome.NOT_ADOPTED:
        assert other.outcome is Outcome.NOT_ADOPTED
    else:
        assert {one.outcome, other.outcome} == {Outcome.ADOPTED, Outcome.REJECTED}


@given(counts, counts, chair_votes)
def test_rule_3_7_the_chair_decides_exactly_the_ties(for_, against, chair):  # noqa: ANN001
    result = vote_result(for_, against, 0, chair)
    assert result.tie is (for_ == against)
    assert result.decided_by_chair is (
        for_ == against and chair in {ChairsVote.FOR, ChairsVote.AGAINST}
    )
    if not result.tie:
        assert result.adopted is (for_ > against)


@given(counts, counts, counts, st.integers(min_value=0, max_value=200))
def test_rule_3_7_votes_fit_the_members_present_or_are_refused(for_, against, abstaining, present):  # noqa: ANN001
    try:
        vote_result(for_, against, abstaining, ChairsVote.FOR, present=present)
    except InvalidVotes as refused:
        assert refused.problem == TOO_MANY
        assert for_ + against + abstaining > present
    else:
        assert for_ + against + abstaining <= present

"""The result of a vote recorded in the minutes (rule 3.7).

Rule 3.7: decisions are taken by simple majority; on a tie the chair's vote decides.

Our reading (shared/RULES.md), kept here so that a different one is a one-line change:
- a simple majority of the votes cast for and against; abstentions are not votes cast;
- on a tie the vote of the person leading the meeting (rule 3.5: the chair, or whoever leads
  in the chair's place) decides when that person voted for or against;
- when the leader abstained or did not vote, nothing breaks the tie: the proposal is not
  adopted. A vote that happened is always recorded; the result is never "undecided";
- no count is negative, and together they cannot exceed the members present (attending
  substitutes included) when that number is known.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ChairsVote(enum.StrEnum):
    """How the person leading the meeting voted (the values of `ItemMinutes.chair_vote`)."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    DID_NOT_VOTE = "did_not_vote"


class Outcome(enum.StrEnum):
    ADOPTED = "adopted"  # "vedtaget"
    REJECTED = "rejected"  # "forkastet"
    NOT_ADOPTED = "not_adopted"  # "ikke vedtaget": a tie the leader's vote did not break


class InvalidVotes(ValueError):
    """The counts cannot be right: `problem` says which check failed."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


NEGATIVE = "negative"
TOO_MANY = "too_many"


@dataclass(frozen=True)
class VoteResult:
    outcome: Outcome
    tie: bool
    decided_by_chair: bool  # a tie the leader's vote settled

    @property
    def adopted(self) -> bool:
        return self.outcome is Outcome.ADOPTED


def vote_result(
    votes_for: int,
    votes_against: int,
    votes_abstaining: int = 0,
    chair_vote: ChairsVote | str | None = None,
    *,
    present: int | None = None,
) -> VoteResult:
    """Rule 3.7: adopted when more vote for than against, rejected when more vote against;
    a tie is settled by the leader's vote for or against, and is not adopted without one."""
    counts = (votes_for, votes_against, votes_abstaining)
    if any(count < 0 for count in counts):
        raise InvalidVotes(NEGATIVE, "votes cannot be negative")
    if present is not None and sum(counts) > present:
        raise InvalidVotes(TOO_MANY, "more votes than members present")
    if votes_for != votes_against:
        outcome = Outcome.ADOPTED if votes_for > votes_against else Outcome.REJECTED
        return VoteResult(outcome, tie=False, decided_by_chair=False)
    chair = ChairsVote(chair_vote) if chair_vote is not None else None
    if chair is ChairsVote.FOR:
        return VoteResult(Outcome.ADOPTED, tie=True, decided_by_chair=True)
    if chair is ChairsVote.AGAINST:
        return VoteResult(Outcome.REJECTED, tie=True, decided_by_chair=True)
    return VoteResult(Outcome.NOT_ADOPTED, tie=True, decided_by_chair=False)

"""The result of a vote recorded in the minutes (rule 3.7).

Rule 3.7: decisions are taken by simple majority; on a tie the chair's vote decides.

Our reading, kept here so that a different one is a one-line change:
- a simple majority of the votes cast for and against; abstentions are not votes cast;
- on a tie the chair's vote decides only if the chair voted for or against: a chair who
  abstained (or whose vote was not recorded) leaves the tie undecided, and the minutes cannot
  be completed until staff record the chair's vote;
- no count is negative, and together they cannot exceed the members present (attending
  substitutes included) when that number is known.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ChairsVote(enum.StrEnum):
    """How the chair voted (the same values as `ItemMinutes.chair_vote`)."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Outcome(enum.StrEnum):
    ADOPTED = "adopted"  # "vedtaget"
    REJECTED = "rejected"  # "forkastet"
    UNDECIDED_TIE = "undecided_tie"  # a tie and no chair's vote for or against


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
    decided_by_chair: bool  # a tie the chair's vote settled

    @property
    def decided(self) -> bool:
        return self.outcome is not Outcome.UNDECIDED_TIE

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
    a tie is settled by the chair's vote for or against, and is undecided without one."""
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
    return VoteResult(Outcome.UNDECIDED_TIE, tie=True, decided_by_chair=False)

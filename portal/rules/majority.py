"""Majority vote for one representative (rule 3.8, kommunestyrelseslov § 24 stk. 1).

Our reading (shared/RULES.md):

- Rounds 1 and 2: elected is who has a majority of the members present, i.e. more than half of
  `present` (blank ballots and absent voters count against everyone alike). Anyone may stand
  in rounds 1 and 2.
- Round 3 is a run-off between the two leading candidates of round 2; elected is who has the
  majority of the votes cast, i.e. more votes than the other. Blank ballots are votes for no one.
- If a tie in round 2 decides who enters the run-off, or the run-off is tied, a lot decides.
  The lot is never drawn here: the state says between whom, and staff record the result
  (`drawn_for_run_off`: the names in the order the lot ranked them; `drawn_winner`).
- Not read in, as shared/RULES.md is silent on it: the ministry's reading of § 24 stk. 1
  (statement of 2 December 2013) that round 2 also elects when votes go to one candidate only.
  Should it apply, it is one more condition where a round's winner is found below.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from portal.rules import InvalidInput, name_of, whole_number
from portal.rules.proportional import split_tie

LAST_ROUND = 3
RUN_OFF_PLACES = 2  # the two leading candidates of round 2


class Outcome(enum.StrEnum):
    ELECTED = "elected"
    NEXT_ROUND = "next_round"  # another ballot is to be held
    LOT = "lot"  # a lot must be drawn before anything else can happen


class LotPurpose(enum.StrEnum):
    RUN_OFF = "run_off"  # who of the tied enter the run-off
    WINNER = "winner"  # who of the tied run-off candidates is elected


@dataclass(frozen=True)
class Ballot:
    """The recorded result of one round."""

    votes: Mapping[str, int]  # candidate → votes
    blank: int = 0


@dataclass(frozen=True)
class Lot:
    between: tuple[str, ...]
    places: int  # how many of them the lot picks
    purpose: LotPurpose


@dataclass(frozen=True)
class RoundResult:
    """The workings of one round."""

    number: int
    votes: dict[str, int]
    blank: int
    cast: int  # ballots handed in, blank included
    required: int | None  # votes needed in rounds 1-2; None in the run-off
    elected: str | None


@dataclass(frozen=True)
class MajorityState:
    """Where a majority vote stands after the recorded rounds."""

    outcome: Outcome
    elected: str | None = None
    by_lot: bool = False
    next_round: int | None = None
    eligible: tuple[str, ...] | None = None  # with NEXT_ROUND: who may stand; None: anyone
    lot: Lot | None = None
    run_off: tuple[
        str, ...
    ] = ()  # after round 2: the run-off's candidates (so far, if a lot is due)
    rounds: tuple[RoundResult, ...] = field(default_factory=tuple)


def required_majority(present: int) -> int:
    """Rule 3.8: more than half of the members present."""
    return present // 2 + 1


def _check_ballot(number: int, ballot: Ballot, present: int) -> dict[str, int]:
    if not ballot.votes:
        raise InvalidInput(f"round {number}: no candidates")
    votes = {
        name_of(name, f"round {number}: a candidate name"): whole_number(
            count, f"round {number}: votes for {name!r}"
        )
        for name, count in ballot.votes.items()
    }
    whole_number(ballot.blank, f"round {number}: blank votes")
    cast = sum(votes.values()) + ballot.blank
    if cast > present:
        raise InvalidInput(f"round {number}: {cast} votes cast but only {present} present")
    return votes


def _leading(votes: Mapping[str, int], places: int) -> tuple[list[str], list[str], int]:
    """The `places` leading candidates: (certain, tied for the rest, places left to the tie)."""
    ranked = sorted(votes, key=lambda name: -votes[name])  # stable: input order among equals
    if len(ranked) <= places:
        return ranked, [], 0
    cut = votes[ranked[places - 1]]  # the votes of the last place in
    if votes[ranked[places]] != cut:
        return ranked[:places], [], 0
    certain = [name for name in ranked if votes[name] > cut]
    tied = [name for name in ranked if votes[name] == cut]
    return certain, tied, places - len(certain)


def _run_off(second: Mapping[str, int], drawn: Sequence[str]) -> tuple[tuple[str, ...], Lot | None]:
    """Round 3's candidates from round 2; with a lot still due, those sure of a place and the
    lot."""
    certain, tied, left = _leading(second, RUN_OFF_PLACES)
    if not tied:
        _no_lot(drawn, None)
        return tuple(certain), None
    seen: set[str] = set()
    for name in drawn:
        if name not in tied:
            raise InvalidInput(f"drawn_for_run_off: {name!r} is not in the lot")
        if name in seen:
            raise InvalidInput(f"drawn_for_run_off names {name!r} twice")
        seen.add(name)
    split = split_tie(tied, left, drawn)
    entered = tuple(certain + split.placed)
    if not split.open:
        return entered, None
    lot = Lot(between=tuple(split.open), places=split.open_places, purpose=LotPurpose.RUN_OFF)
    return entered, lot


def majority_vote(
    present: int,
    ballots: Sequence[Ballot],
    drawn_for_run_off: Sequence[str] = (),
    drawn_winner: str | None = None,
) -> MajorityState:
    """Rule 3.8: where a majority vote stands after the recorded rounds (none to three), with
    the recorded lots applied."""
    whole_number(present, "present", minimum=1)
    if len(ballots) > LAST_ROUND:
        raise InvalidInput(f"at most {LAST_ROUND} rounds")
    if isinstance(drawn_for_run_off, str):
        raise InvalidInput("drawn_for_run_off must be a list of names")
    if drawn_winner is not None:
        name_of(drawn_winner, "drawn_winner")
    need = required_majority(present)
    rounds: list[RoundResult] = []
    for number, ballot in enumerate(ballots[: LAST_ROUND - 1], start=1):
        if rounds and rounds[-1].elected is not None:
            break
        votes = _check_ballot(number, ballot, present)
        winner = next((name for name, count in votes.items() if count >= need), None)
        cast = sum(votes.values()) + ballot.blank
        rounds.append(RoundResult(number, votes, ballot.blank, cast, need, winner))

    if rounds and rounds[-1].elected is not None:
        if len(ballots) > len(rounds):
            raise InvalidInput(f"{rounds[-1].elected!r} was elected in round {len(rounds)}")
        _no_lot(drawn_for_run_off, drawn_winner)
        return MajorityState(Outcome.ELECTED, elected=rounds[-1].elected, rounds=tuple(rounds))
    if len(rounds) < LAST_ROUND - 1:
        _no_lot(drawn_for_run_off, drawn_winner)
        return MajorityState(Outcome.NEXT_ROUND, next_round=len(rounds) + 1, rounds=tuple(rounds))

    # rule 3.8: no majority in round 2, so a run-off between its two leading candidates
    eligible, lot = _run_off(rounds[-1].votes, drawn_for_run_off)
    if lot is not None:
        if len(ballots) == LAST_ROUND:
            raise InvalidInput("round 3: the lot for the run-off has not been drawn")
        _no_lot((), drawn_winner)
        return MajorityState(Outcome.LOT, lot=lot, run_off=eligible, rounds=tuple(rounds))
    if len(ballots) < LAST_ROUND:
        _no_lot((), drawn_winner)
        return MajorityState(
            Outcome.NEXT_ROUND,
            next_round=LAST_ROUND,
            eligible=eligible,
            run_off=eligible,
            rounds=tuple(rounds),
        )

    ballot = ballots[LAST_ROUND - 1]
    checked = _check_ballot(LAST_ROUND, ballot, present)
    for name in checked:
        if name not in eligible:
            raise InvalidInput(f"round 3: {name!r} is not in the run-off")
    votes = {name: checked.get(name, 0) for name in eligible}
    top = max(votes.values())
    leaders = tuple(name for name, count in votes.items() if count == top)
    # rule 3.8: the run-off is decided by the majority of the votes cast (blank: for no one)
    winner = leaders[0] if len(leaders) == 1 else None
    cast = sum(checked.values()) + ballot.blank
    rounds.append(RoundResult(LAST_ROUND, votes, ballot.blank, cast, None, winner))
    if winner is not None:
        _no_lot((), drawn_winner)
        return MajorityState(
            Outcome.ELECTED, elected=winner, run_off=eligible, rounds=tuple(rounds)
        )
    lot = Lot(between=leaders, places=1, purpose=LotPurpose.WINNER)
    if drawn_winner is None:
        return MajorityState(Outcome.LOT, lot=lot, run_off=eligible, rounds=tuple(rounds))
    if drawn_winner not in leaders:
        raise InvalidInput(f"drawn_winner {drawn_winner!r} is not in the lot")
    return MajorityState(
        Outcome.ELECTED, elected=drawn_winner, by_lot=True, run_off=eligible, rounds=tuple(rounds)
    )


def _no_lot(drawn_for_run_off: Sequence[str], drawn_winner: str | None) -> None:
    """A recorded lot where none is due is a mistake worth saying, not something to ignore."""
    if drawn_for_run_off:
        raise InvalidInput("drawn_for_run_off given, but no lot for the run-off is due")
    if drawn_winner is not None:
        raise InvalidInput("drawn_winner given, but no lot for the winner is due")

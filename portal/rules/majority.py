"""Majority vote for one representative (rule 3.8, kommunestyrelseslov § 24 stk. 1).

Our reading (shared/RULES.md):

- Round 1: elected is who has a majority of the members present, i.e. more than half of
  `present` (blank ballots and absent voters count against everyone alike). Anyone may stand.
- Round 2: the same, and also elected is the one candidate when every vote cast for a
  candidate went to that candidate (§ 24 stk. 1, 3. pkt.; blank ballots are votes for no one).
  Anyone may stand.
- Round 3 is a run-off between the two leading candidates of round 2; elected is who has the
  majority of the votes cast, i.e. more votes than the other. Blank ballots are votes for no one.
- No one is ever elected with 0 votes. A round 2 or a run-off in which no candidate got a
  single vote decided nothing: it is reported as such (`RoundResult.void`) and held again (the
  same stage, the same candidates for a run-off). Since round 2 elects the only candidate with
  votes, a run-off always has two candidates who both had votes in round 2.
- If a tie in round 2 decides who enters the run-off, or the run-off is tied, a lot decides.
  The lot is never drawn here: the state says between whom, and staff record the result
  (`drawn_for_run_off`: the names in the order the lot ranked them; `drawn_winner`).

Rounds are numbered as they were held (1, 2, 3, … with a repeated round counted too); `stage`
says which of the law's three rounds a ballot was (1, 2, or 3 for the run-off).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from portal.rules import InvalidInput, name_of, whole_number
from portal.rules.proportional import split_tie

FIRST_STAGE = 1
SECOND_STAGE = 2
RUN_OFF_STAGE = 3
LAST_ROUND = RUN_OFF_STAGE  # the law's last round; a void one is held again
RUN_OFF_PLACES = 2  # the two leading candidates of round 2
MAX_BALLOTS = 20  # far above any real vote; keeps a typo from piling up rounds


class Outcome(enum.StrEnum):
    ELECTED = "elected"
    NEXT_ROUND = "next_round"  # another ballot is to be held
    LOT = "lot"  # a lot must be drawn before anything else can happen


class LotPurpose(enum.StrEnum):
    RUN_OFF = "run_off"  # who of the tied enter the run-off
    WINNER = "winner"  # who of the tied run-off candidates is elected


class ElectedBy(enum.StrEnum):
    """Why a round elected its candidate."""

    MAJORITY = "majority"  # more than half of the members present (rounds 1 and 2)
    ONLY_CANDIDATE = "only_candidate"  # round 2: every vote went to one candidate
    MOST_VOTES = "most_votes"  # the run-off: more of the votes cast than the other


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

    number: int  # as held: 1, 2, 3, … (a repeated round counts)
    votes: dict[str, int]
    blank: int
    cast: int  # ballots handed in, blank included
    required: int | None  # votes needed for a majority in stages 1-2; None in the run-off
    elected: str | None
    stage: int = FIRST_STAGE  # 1, 2, or 3 for the run-off
    elected_by: ElectedBy | None = None
    void: bool = False  # no candidate got a vote in round 2 or a run-off: held again


@dataclass(frozen=True)
class MajorityState:
    """Where a majority vote stands after the recorded rounds."""

    outcome: Outcome
    elected: str | None = None
    by_lot: bool = False
    next_round: int | None = None  # with NEXT_ROUND: the number of the next ballot
    next_stage: int | None = None  # with NEXT_ROUND: 1, 2, or 3 for the run-off
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


def _run_off(
    second: Mapping[str, int], drawn: Sequence[str]
) -> tuple[tuple[str, ...], Lot | None, bool]:
    """Round 3's candidates from round 2 (those who got votes); with a lot still due, those
    sure of a place and the lot; and whether a lot was due at all."""
    certain, tied, left = _leading(second, RUN_OFF_PLACES)
    if not tied:
        return tuple(certain), None, False
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
        return entered, None, True
    lot = Lot(between=tuple(split.open), places=split.open_places, purpose=LotPurpose.RUN_OFF)
    return entered, lot, True


@dataclass
class _Count:
    """The running count while the recorded ballots are read in order."""

    need: int
    stage: int = FIRST_STAGE
    eligible: tuple[str, ...] | None = None  # the run-off's candidates once known
    lot: Lot | None = None
    run_off_lot_due: bool = False
    elected: str | None = None
    run_off_votes: dict[str, int] = field(default_factory=dict)  # round 2's, with votes only
    rounds: list[RoundResult] = field(default_factory=list)


def _second_round(number: int, votes: dict[str, int], ballot: Ballot, count: _Count) -> None:
    cast = sum(votes.values()) + ballot.blank
    with_votes = {name: n for name, n in votes.items() if n > 0}
    winner = next((name for name, n in votes.items() if n >= count.need), None)
    elected_by = ElectedBy.MAJORITY if winner else None
    if winner is None and len(with_votes) == 1:
        # rule 3.8, § 24 stk. 1, 3. pkt.: every vote went to one candidate
        [winner] = with_votes
        elected_by = ElectedBy.ONLY_CANDIDATE
    void = winner is None and not with_votes
    count.rounds.append(
        RoundResult(
            number,
            votes,
            ballot.blank,
            cast,
            count.need,
            winner,
            stage=SECOND_STAGE,
            elected_by=elected_by,
            void=void,
        )
    )
    count.elected = winner
    if winner is None and not void:
        count.stage = RUN_OFF_STAGE
        count.run_off_votes = with_votes


def majority_vote(
    present: int,
    ballots: Sequence[Ballot],
    drawn_for_run_off: Sequence[str] = (),
    drawn_winner: str | None = None,
) -> MajorityState:
    """Rule 3.8: where a majority vote stands after the recorded rounds, with the recorded
    lots applied."""
    whole_number(present, "present", minimum=1)
    if len(ballots) > MAX_BALLOTS:
        raise InvalidInput(f"at most {MAX_BALLOTS} rounds")
    if isinstance(drawn_for_run_off, str):
        raise InvalidInput("drawn_for_run_off must be a list of names")
    if drawn_winner is not None:
        name_of(drawn_winner, "drawn_winner")
    count = _Count(need=required_majority(present))
    tied_run_off: tuple[str, ...] = ()
    for number, ballot in enumerate(ballots, start=1):
        if count.elected is not None:
            held = count.rounds[-1].number
            raise InvalidInput(f"{count.elected!r} was elected in round {held}")
        if tied_run_off:
            raise InvalidInput(f"round {number}: the run-off is tied, a lot decides it")
        if count.lot is not None:
            raise InvalidInput(f"round {number}: the lot for the run-off has not been drawn")
        votes = _check_ballot(number, ballot, present)
        cast = sum(votes.values()) + ballot.blank
        if count.stage == FIRST_STAGE:
            winner = next((name for name, n in votes.items() if n >= count.need), None)
            elected_by = ElectedBy.MAJORITY if winner else None
            count.rounds.append(
                RoundResult(
                    number,
                    votes,
                    ballot.blank,
                    cast,
                    count.need,
                    winner,
                    stage=FIRST_STAGE,
                    elected_by=elected_by,
                )
            )
            count.elected = winner
            count.stage = SECOND_STAGE
        elif count.stage == SECOND_STAGE:
            _second_round(number, votes, ballot, count)
            if count.stage == RUN_OFF_STAGE:
                # rule 3.8: no one elected in round 2: a run-off between its two leading
                count.eligible, count.lot, count.run_off_lot_due = _run_off(
                    count.run_off_votes, drawn_for_run_off
                )
        else:
            tied_run_off = _run_off_round(number, votes, ballot, count)
    return _state(count, tied_run_off, drawn_for_run_off, drawn_winner)


def _run_off_round(
    number: int, checked: dict[str, int], ballot: Ballot, count: _Count
) -> tuple[str, ...]:
    """Rule 3.8: the run-off is decided by the majority of the votes cast (blank: for no one).
    Answers the leaders when they are tied."""
    eligible = count.eligible or ()
    for name in checked:
        if name not in eligible:
            raise InvalidInput(f"round {number}: {name!r} is not in the run-off")
    votes = {name: checked.get(name, 0) for name in eligible}
    cast = sum(checked.values()) + ballot.blank
    top = max(votes.values())
    leaders = tuple(name for name, n in votes.items() if n == top)
    if top == 0:  # no one is elected with 0 votes: the run-off is held again
        count.rounds.append(
            RoundResult(
                number, votes, ballot.blank, cast, None, None, stage=RUN_OFF_STAGE, void=True
            )
        )
        return ()
    winner = leaders[0] if len(leaders) == 1 else None
    elected_by = ElectedBy.MOST_VOTES if winner else None
    count.rounds.append(
        RoundResult(
            number,
            votes,
            ballot.blank,
            cast,
            None,
            winner,
            stage=RUN_OFF_STAGE,
            elected_by=elected_by,
        )
    )
    count.elected = winner
    return () if winner else leaders


def _state(
    count: _Count,
    tied_run_off: tuple[str, ...],
    drawn_for_run_off: Sequence[str],
    drawn_winner: str | None,
) -> MajorityState:
    rounds = tuple(count.rounds)
    run_off = count.eligible or ()
    if drawn_for_run_off and not count.run_off_lot_due:
        raise InvalidInput("drawn_for_run_off given, but no lot for the run-off is due")
    if count.elected is not None:
        if drawn_winner is not None:
            raise InvalidInput("drawn_winner given, but no lot for the winner is due")
        return MajorityState(Outcome.ELECTED, elected=count.elected, run_off=run_off, rounds=rounds)
    if tied_run_off:
        lot = Lot(between=tied_run_off, places=1, purpose=LotPurpose.WINNER)
        if drawn_winner is None:
            return MajorityState(Outcome.LOT, lot=lot, run_off=run_off, rounds=rounds)
        if drawn_winner not in tied_run_off:
            raise InvalidInput(f"drawn_winner {drawn_winner!r} is not in the lot")
        return MajorityState(
            Outcome.ELECTED, elected=drawn_winner, by_lot=True, run_off=run_off, rounds=rounds
        )
    if drawn_winner is not None:
        raise InvalidInput("drawn_winner given, but no lot for the winner is due")
    if count.lot is not None:
        return MajorityState(Outcome.LOT, lot=count.lot, run_off=run_off, rounds=rounds)
    return MajorityState(
        Outcome.NEXT_ROUND,
        next_round=len(rounds) + 1,
        next_stage=count.stage,
        eligible=count.eligible if count.stage == RUN_OFF_STAGE else None,
        run_off=run_off,
        rounds=rounds,
    )

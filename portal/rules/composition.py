"""The composition calculator: how many members the council has and how many each group gets
(rules 1.0, 1.1; shared/RULES.md "Composition calculator").

Our reading, step by step:

- A group *qualifies* for supplementary seats when it has at least 2 % of all valid votes in the
  region and at least one council seat there. A group that does not qualify keeps exactly its
  mayors; a qualifying group gets at least max(mayors, 1).
- Unreduced size: the smallest N, not below the sum of those lower bounds, for which d'Hondt over
  the qualifying groups (with N minus the mayor-only seats) gives each at least its lower bound.
  An allocation that leaves a lower bound to a lot does not count: N grows instead, so the
  unreduced composition never waits for a lot.
- Up to the cap (2 × municipalities) that allocation is the composition. Above it, the size is the
  cap (or the sum of lower bounds if larger): every group starts at its lower bound and each
  remaining seat goes to the qualifying group with the highest votes ÷ seats (the most
  under-represented); equal → more votes first; still equal → a lot (reported, never drawn here).
- Shares are exact fractions: of all valid votes, and of the council's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from portal.rules import InvalidInput, name_of, whole_number
from portal.rules.proportional import check_drawn, deal, quotient_blocks, split_tie

QUALIFYING_SHARE = Fraction(2, 100)  # rule 1.1: 2 % of the valid votes in the region
SEATS_PER_MUNICIPALITY = 2  # rule 1.1: at most 2 × the number of municipalities
MAX_MUNICIPALITIES = 1_000  # Denmark has 98; keeps a typo from running for hours


@dataclass(frozen=True)
class GroupVotes:
    """One group's result at the municipal election, region-wide."""

    name: str
    votes: int
    mayors: int
    council_seats: int


@dataclass(frozen=True)
class GroupWorkings:
    """What the calculator shows for one group."""

    name: str
    votes: int
    mayors: int
    qualifies: bool
    lower_bound: int  # the seats it cannot get fewer of
    seats: int
    vote_share: Fraction  # of all valid votes
    seat_share: Fraction  # of the council's size
    ratio: Fraction | None  # vote share ÷ seat share; None without seats. > 1: under-represented


@dataclass(frozen=True)
class Composition:
    municipalities: int
    cap: int  # 2 × municipalities
    lower_bounds: int  # sum over all groups
    unreduced_size: int
    size: int
    reduced: bool  # the unreduced size was above the cap
    seats: dict[str, int]  # groups with at least one seat, input order; seats left to a lot omitted
    ties: list[list[str]]  # a lot decides which of these get the remaining seat(s)
    groups: list[GroupWorkings]  # every group, input order


def qualifies(group: GroupVotes, total_votes: int) -> bool:
    """Rule 1.1 (KL's love § 15 stk. 2 as applied in 2017): ≥ 2 % of the votes and ≥ 1 seat."""
    return group.council_seats >= 1 and group.votes >= QUALIFYING_SHARE * total_votes


def lower_bound(group: GroupVotes, total_votes: int) -> int:
    """Rule 1.1: never fewer than its mayors; a qualifying group gets at least one seat."""
    return max(group.mayors, 1) if qualifies(group, total_votes) else group.mayors


def decimal_text(value: Fraction | None, places: int = 4) -> str | None:
    """`value` with `places` decimals, halves rounded away from zero ("0.2874")."""
    if value is None:
        return None
    scale = 10**places
    sign = "-" if value < 0 else ""
    units = floor(abs(value) * scale + Fraction(1, 2))
    whole, decimals = divmod(units, scale)
    return f"{sign}{whole}.{decimals:0{places}d}" if places else f"{sign}{whole}"


def _check(municipalities: int, groups: Sequence[GroupVotes]) -> None:
    whole_number(municipalities, "municipalities", minimum=1)
    if municipalities > MAX_MUNICIPALITIES:
        raise InvalidInput(f"municipalities must be at most {MAX_MUNICIPALITIES}")
    if not groups:
        raise InvalidInput("no groups given")
    seen: set[str] = set()
    for group in groups:
        name = name_of(group.name, "a group name")
        if name in seen:
            raise InvalidInput(f"duplicate group name {name!r}")
        seen.add(name)
        whole_number(group.votes, f"votes of group {name!r}")
        whole_number(group.mayors, f"mayors of group {name!r}")
        whole_number(group.council_seats, f"council_seats of group {name!r}")
        if group.mayors > group.council_seats:  # a mayor holds a seat on their council
            raise InvalidInput(
                f"mayors of group {name!r} ({group.mayors}) exceed its council_seats"
                f" ({group.council_seats})"
            )
    mayors = sum(group.mayors for group in groups)
    if mayors > municipalities:
        raise InvalidInput(f"mayors ({mayors}) exceed municipalities ({municipalities})")
    if not any(group.votes for group in groups):
        raise InvalidInput("no group has any votes")


def _unreduced_seats(votes: dict[str, int], bounds: dict[str, int]) -> int:
    """Step 1: the fewest seats for which d'Hondt over `votes` meets every bound whichever way
    a lot for the last seats would fall.

    Within a block of equal quotients only the seats before it are certain, and those meet the
    bounds only if they did at the block's start; so the answer is always the end of a block
    (never below sum(bounds), as meeting every bound takes that many seats) and the unreduced
    allocation never leaves a seat to a lot."""
    won = dict.fromkeys(votes, 0)
    dealt = 0
    if not votes:
        return 0
    for _, tied in quotient_blocks(votes):
        if all(won[name] >= bounds[name] for name in votes):
            return dealt
        for name in tied:
            won[name] += 1
        dealt += len(tied)
    raise AssertionError("unreachable: quotient_blocks never ends")  # pragma: no cover


def _least_represented_first(
    votes: dict[str, int], seats: dict[str, int], remaining: int, drawn: Sequence[str]
) -> list[str]:
    """Step 3: give each remaining seat to the highest votes ÷ seats; returns an open tie."""
    while remaining:
        best = max((Fraction(votes[n], seats[n]), votes[n]) for n in votes)
        tied = [n for n in votes if (Fraction(votes[n], seats[n]), votes[n]) == best]
        split = split_tie(tied, min(remaining, len(tied)), drawn)
        for name in split.placed:
            seats[name] += 1
        remaining -= len(split.placed)
        if split.open and split.open_places == len(split.open):
            for name in split.open:  # each gets one: the order does not matter here
                seats[name] += 1
            remaining -= len(split.open)
        elif split.open:
            return list(split.open)
    return []


def compose(
    municipalities: int, groups: Sequence[GroupVotes], drawn: Sequence[str] = ()
) -> Composition:
    """The council's size and seats per group (rules 1.0, 1.1).

    `drawn` is a recorded lot for a reported tie: group names in the order the lot ranked them."""
    _check(municipalities, groups)
    check_drawn(drawn, {group.name for group in groups})
    total_votes = sum(group.votes for group in groups)
    bounds = {group.name: lower_bound(group, total_votes) for group in groups}
    qualifying = {g.name: g.votes for g in groups if qualifies(g, total_votes)}
    fixed = sum(bound for name, bound in bounds.items() if name not in qualifying)
    cap = SEATS_PER_MUNICIPALITY * municipalities
    least = sum(bounds.values())

    unreduced = fixed + _unreduced_seats(qualifying, {n: bounds[n] for n in qualifying})
    seats = dict(bounds)
    ties: list[list[str]] = []
    if unreduced <= cap:
        size = unreduced
        # the end of a block of equal quotients (see _unreduced_seats): no lot needed here
        seats.update(deal(qualifying, unreduced - fixed).won)
    else:
        # rule 1.1: reduce to the cap, but never below anyone's lower bound
        size = max(cap, least)
        given = {n: bounds[n] for n in qualifying}
        tie = _least_represented_first(qualifying, given, size - least, drawn)
        seats.update(given)
        if tie:
            ties.append(tie)
    if size == 0:
        raise InvalidInput("no group qualifies for a seat and there are no mayors")

    workings = []
    for group in groups:
        held = seats[group.name]
        vote_share = Fraction(group.votes, total_votes)
        seat_share = Fraction(held, size)
        workings.append(
            GroupWorkings(
                name=group.name,
                votes=group.votes,
                mayors=group.mayors,
                qualifies=group.name in qualifying,
                lower_bound=bounds[group.name],
                seats=held,
                vote_share=vote_share,
                seat_share=seat_share,
                ratio=vote_share / seat_share if held else None,
            )
        )
    return Composition(
        municipalities=municipalities,
        cap=cap,
        lower_bounds=least,
        unreduced_size=unreduced,
        size=size,
        reduced=unreduced > cap,
        seats={name: held for name, held in seats.items() if held},
        ties=ties,
        groups=workings,
    )

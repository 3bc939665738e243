"""Proportional representation by d'Hondt, with electoral alliances (rule 1.4) and joint
groups (rule 3.8).

Our reading (shared/RULES.md):

- Rule 1.4, electoral alliances (valgforbund, as kommunal- og regionalvalglov § 82 does for
  them): the votes of an alliance are pooled; the seats are dealt over the alliances and the
  groups standing alone by d'Hondt (votes ÷ 1, 2, 3, …, the highest quotient takes the next
  seat), then each alliance's seats are dealt over its members by d'Hondt on their own votes
  (`dhondt` with `alliances`).
- Rule 3.8, joint groups (valggrupper, kommunestyrelseslov § 24 stk. 3): members present may
  join in a group that pools its members; the joint group is one contender, and it names its
  own people for the seats it wins. There is no split inside it (`dhondt_joint_groups`): that
  belongs to rule 1.4's alliances only.
- The order of the seats: an alliance's k-th seat goes to the member that took the k-th seat
  inside the alliance, i.e. when the alliance wins a seat it falls to the member with the
  highest quotient inside it. The first seat is the chair, the second the vice-chair (rule 1.4).
- Equal quotients are never settled here. When they compete for the last seat(s) the tie is
  reported (`ties`); when all of them get a seat but the order between them is open, that is
  reported too (`order_ties`), since the order decides the chair. Staff record the lot as a
  ranking (`drawn`): ranked names win their ties in that order, and a ranking applies wherever
  the same names tie again.
- Quotients are exact fractions; groups with no votes never win a seat.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from portal.rules import InvalidInput, name_of, whole_number

MAX_SEATS = 10_000  # far above any council; keeps a typo from running for hours


@dataclass(frozen=True)
class QuotientRow:
    """One contender's line in a quotient table."""

    name: str
    votes: int
    quotients: tuple[Fraction, ...]  # votes ÷ 1, ÷ 2, … (as many as the table has seats)
    seats_won: tuple[int, ...]  # seat numbers (in the final order) taken by quotients[0], [1], …


@dataclass(frozen=True)
class QuotientTable:
    """The workings of one d'Hondt count, for a step-by-step screen."""

    alliance: str | None  # None for the count over groups and alliances; else the split inside
    seats: int
    rows: tuple[QuotientRow, ...]


@dataclass(frozen=True)
class SeatStep:
    """How one seat fell, in order."""

    number: int  # 1-based: seat 1 is the chair under rule 1.4
    contender: str  # the group or alliance with the highest quotient
    quotient: Fraction
    group: str  # who gets the seat: the contender, or the alliance member (alliance name if open)
    inner_quotient: Fraction | None  # the member's quotient inside its alliance
    by_lot: bool  # a recorded lot placed this seat
    undecided: tuple[str, ...] = ()  # names a lot must still be drawn between for this place


@dataclass(frozen=True)
class Allocation:
    """A d'Hondt result: seats per group, the order they fell in, open ties and the workings."""

    total: int
    seats: dict[str, int]  # every group, in input order; seats still to be drawn not counted
    order: list[str]  # who took each seat in turn; an alliance's name while its member is open
    ties: list[list[str]]  # a lot decides which of these get the remaining seat(s)
    order_ties: list[list[str]]  # each of these has a seat, a lot decides their order
    steps: list[SeatStep]
    tables: list[QuotientTable]  # the main count first, then one per alliance
    alliances: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Rule 3.8: the joint groups, by the name they have in `seats`, `order` and `ties`.
    joint_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def seats_to_draw(self) -> int:
        return self.total - len(self.steps)

    @property
    def complete(self) -> bool:
        """Seats and order are settled: no lot is outstanding."""
        return not self.ties and not self.order_ties


@dataclass(frozen=True)
class ChairElection:
    """Rule 1.4: chair and vice-chair, None while a lot is outstanding for that place."""

    chair: str | None
    vice_chair: str | None
    ties: list[list[str]]
    allocation: Allocation


@dataclass(frozen=True)
class TieSplit:
    """Equal contenders for `places` places after applying the recorded lot."""

    placed: list[str]  # settled by the lot, in its order
    open: list[str]  # still equal
    open_places: int  # places left for `open` (== len(open): only their order is open)


def split_tie(tied: Sequence[str], places: int, drawn: Sequence[str]) -> TieSplit:
    """Place equal contenders by the lot ranking in `drawn`; what the lot has not reached stays
    open. A single contender left over needs no lot."""
    rank = {name: position for position, name in enumerate(drawn)}
    ranked = sorted((name for name in tied if name in rank), key=rank.__getitem__)
    unranked = [name for name in tied if name not in rank]
    placed = ranked[:places]
    left = places - len(placed)
    if left and len(unranked) == 1:
        return TieSplit(placed + unranked, [], 0)
    if not left:
        return TieSplit(placed, [], 0)
    return TieSplit(placed, unranked, left)


@dataclass
class Dealing:
    """One sequential d'Hondt count: seats in the order they fell, and what is left to a lot."""

    won: dict[str, int]
    order: list[str] = field(default_factory=list)
    quotients: list[Fraction] = field(default_factory=list)
    by_lot: list[bool] = field(default_factory=list)
    undecided: list[tuple[str, ...]] = field(default_factory=list)
    tie: list[str] = field(default_factory=list)
    order_ties: list[list[str]] = field(default_factory=list)


def quotient_blocks(votes: Mapping[str, int]) -> Iterator[tuple[Fraction, list[str]]]:
    """The d'Hondt quotients in falling order: each block is the highest quotient and everyone
    who has it (input order). Every member of a block has one more seat before the next."""
    won = dict.fromkeys(votes, 0)
    while True:
        best_votes, best_divisor = -1, 1
        tied: list[str] = []
        for name, count in votes.items():
            divisor = won[name] + 1
            # compare count/divisor with best_votes/best_divisor in whole numbers
            difference = count * best_divisor - best_votes * divisor
            if difference > 0:
                best_votes, best_divisor, tied = count, divisor, [name]
            elif difference == 0:
                tied.append(name)
        yield Fraction(best_votes, best_divisor), tied
        for name in tied:
            won[name] += 1


def deal(votes: Mapping[str, int], seats: int, drawn: Sequence[str] = ()) -> Dealing:
    """Deal `seats` by d'Hondt over `votes` (no alliances, no input checks): the building block
    of `dhondt` and of the composition calculator."""
    count = Dealing(won=dict.fromkeys(votes, 0))
    if seats == 0 or not any(votes.values()):
        return count
    for quotient, tied in quotient_blocks(votes):
        remaining = seats - len(count.order)
        if remaining == 0:
            break
        if len(tied) == 1:
            _award(count, tied, quotient, by_lot=False)
            continue
        split = split_tie(tied, min(remaining, len(tied)), drawn)
        _award(count, split.placed, quotient, by_lot=True)
        if not split.open:
            continue
        if split.open_places == len(split.open):
            # rule 3.8: each gets a seat, the order between them is for the lot
            _award(count, split.open, quotient, by_lot=False, undecided=tuple(split.open))
            count.order_ties.append(list(split.open))
        else:
            count.tie = list(split.open)  # the last seats: nothing comes after them
            break
    return count


def _award(
    count: Dealing,
    names: Sequence[str],
    quotient: Fraction,
    *,
    by_lot: bool,
    undecided: tuple[str, ...] = (),
) -> None:
    for name in names:
        count.won[name] += 1
        count.order.append(name)
        count.quotients.append(quotient)
        count.by_lot.append(by_lot)
        count.undecided.append(undecided)


def alliance_name(members: Sequence[str]) -> str:
    """How an alliance is named in ties, tables and `drawn`: its members joined by '+'."""
    return "+".join(members)


def _check_votes(votes: Mapping[str, int]) -> dict[str, int]:
    if not votes:
        raise InvalidInput("no groups given")
    checked = {
        name_of(name, "a group name"): whole_number(count, f"votes of group {name!r}")
        for name, count in votes.items()
    }
    if not any(checked.values()):
        raise InvalidInput("no group has any votes")
    return checked


def _check_alliances(
    votes: Mapping[str, int], alliances: Sequence[Sequence[str]], what: str = "alliance"
) -> dict[str, tuple[str, ...]]:
    """The alliances (or, with `what="joint group"`, the joint groups) by their names."""
    one = f"an {what}" if what[0] in "aeiou" else f"a {what}"
    checked: dict[str, tuple[str, ...]] = {}
    allied: set[str] = set()
    if isinstance(alliances, str):
        raise InvalidInput(f"{what}s must be a list of lists of group names")
    for members in alliances:
        if isinstance(members, str) or not isinstance(members, Sequence) or len(members) < 2:
            raise InvalidInput(f"{one} needs at least two groups")
        members = [name_of(member, f"{one} member") for member in members]
        if len(set(members)) < len(members):
            raise InvalidInput(f"{one} names the same group twice")
        for member in members:
            if member not in votes:
                raise InvalidInput(f"{what} names unknown group {member!r}")
            if member in allied:
                raise InvalidInput(f"group {member!r} is in two {what}s")
            allied.add(member)
        label = alliance_name(members)
        if label in votes:
            raise InvalidInput(f"{what} name {label!r} is also a group name")
        checked[label] = tuple(members)
    return checked


def check_drawn(drawn: Sequence[str], known: set[str]) -> None:
    """A recorded lot names known groups, each once."""
    if isinstance(drawn, str):
        raise InvalidInput("drawn must be a list of names")
    seen: set[str] = set()
    for name in drawn:
        name_of(name, "a drawn name")
        if name not in known:
            raise InvalidInput(f"drawn names unknown group {name!r}")
        if name in seen:
            raise InvalidInput(f"drawn names {name!r} twice")
        seen.add(name)


def _table(
    alliance: str | None, votes: Mapping[str, int], columns: int, seat_numbers: dict[str, list[int]]
) -> QuotientTable:
    rows = tuple(
        QuotientRow(
            name=name,
            votes=count,
            quotients=tuple(Fraction(count, divisor) for divisor in range(1, columns + 1)),
            seats_won=tuple(seat_numbers.get(name, ())),
        )
        for name, count in votes.items()
    )
    return QuotientTable(alliance=alliance, seats=columns, rows=rows)


def dhondt(
    votes: Mapping[str, int],
    seats: int,
    alliances: Sequence[Sequence[str]] = (),
    drawn: Sequence[str] = (),
) -> Allocation:
    """Deal `seats` over the groups by d'Hondt, electoral alliances pooled (rules 1.4, 3.8).

    `alliances` lists the member groups of each alliance; `drawn` is the recorded lot: group
    or alliance names (see `alliance_name`) in the order the lot ranked them."""
    votes = _check_votes(votes)
    whole_number(seats, "seats", minimum=1)
    if seats > MAX_SEATS:
        raise InvalidInput(f"seats must be at most {MAX_SEATS}")
    allied = _check_alliances(votes, alliances)
    check_drawn(drawn, set(votes) | set(allied))

    # The contenders of the main count, each where its first group stands in the input.
    member_of = {member: label for label, members in allied.items() for member in members}
    contenders: dict[str, int] = {}
    for name, count in votes.items():
        label = member_of.get(name, name)
        contenders[label] = contenders.get(label, 0) + count
    main = deal(contenders, seats, drawn)

    inner: dict[str, Dealing] = {
        label: deal({m: votes[m] for m in members}, main.won[label], drawn)
        for label, members in allied.items()
    }
    steps: list[SeatStep] = []
    taken = dict.fromkeys(allied, 0)
    for index, contender in enumerate(main.order):
        group, inner_quotient, by_lot = contender, None, main.by_lot[index]
        undecided = main.undecided[index]
        if contender in allied:
            split = inner[contender]
            position = taken[contender]
            taken[contender] += 1
            if position < len(split.order):
                group = split.order[position]
                inner_quotient = split.quotients[position]
                by_lot = by_lot or split.by_lot[position]
                undecided = undecided + split.undecided[position]
            else:  # the member is still to be drawn: the seat shows the alliance
                undecided = undecided + tuple(split.tie)
        steps.append(
            SeatStep(
                number=index + 1,
                contender=contender,
                quotient=main.quotients[index],
                group=group,
                inner_quotient=inner_quotient,
                by_lot=by_lot,
                undecided=undecided,
            )
        )

    won = dict.fromkeys(votes, 0)
    seat_numbers: dict[str, list[int]] = {}
    for step in steps:
        seat_numbers.setdefault(step.contender, []).append(step.number)
        if step.group in won:
            won[step.group] += 1
    tables = [_table(None, contenders, seats, seat_numbers)]
    for label, members in allied.items():
        member_numbers: dict[str, list[int]] = {}
        for step in steps:
            if step.contender == label and step.group in members:
                member_numbers.setdefault(step.group, []).append(step.number)
        columns = max(1, main.won[label])
        tables.append(_table(label, {m: votes[m] for m in members}, columns, member_numbers))

    ties = [main.tie] if main.tie else []
    order_ties = list(main.order_ties)
    for split in inner.values():
        if split.tie:
            ties.append(split.tie)
        order_ties.extend(split.order_ties)
    return Allocation(
        total=seats,
        seats=won,
        order=[step.group for step in steps],
        ties=ties,
        order_ties=order_ties,
        steps=steps,
        tables=tables,
        alliances=allied,
    )


def dhondt_joint_groups(
    votes: Mapping[str, int],
    seats: int,
    joint_groups: Sequence[Sequence[str]] = (),
    drawn: Sequence[str] = (),
) -> Allocation:
    """Rule 3.8 (kommunestyrelseslov § 24 stk. 3): deal `seats` by d'Hondt over the groups
    standing alone and the joint groups (valggrupper), each joint group with the pooled votes
    of its member groups. A joint group wins seats as one and names its own people for them:
    its seats are not split among its member groups (unlike rule 1.4's alliances).

    `joint_groups` lists the member groups of each; a joint group is named by `alliance_name`
    of its members in `seats`, `order`, `ties`, the table and `drawn` (the recorded lot, names
    in the order the lot ranked them). `seats` has every contender: the groups standing alone
    and the joint groups, where the first of its members stands in the input."""
    votes = _check_votes(votes)
    whole_number(seats, "seats", minimum=1)
    if seats > MAX_SEATS:
        raise InvalidInput(f"seats must be at most {MAX_SEATS}")
    joined = _check_alliances(votes, joint_groups, what="joint group")
    member_of = {member: label for label, members in joined.items() for member in members}
    contenders: dict[str, int] = {}
    for name, count in votes.items():
        label = member_of.get(name, name)
        contenders[label] = contenders.get(label, 0) + count
    allocation = dhondt(contenders, seats, drawn=drawn)
    return Allocation(
        total=allocation.total,
        seats=allocation.seats,
        order=allocation.order,
        ties=allocation.ties,
        order_ties=allocation.order_ties,
        steps=allocation.steps,
        tables=allocation.tables,
        joint_groups=joined,
    )


def chair_and_vice_chair(
    votes: Mapping[str, int],
    alliances: Sequence[Sequence[str]] = (),
    drawn: Sequence[str] = (),
) -> ChairElection:
    """Rule 1.4: the first seat by d'Hondt takes the chair, the second the vice-chair."""
    allocation = dhondt(votes, 2, alliances, drawn)

    def place(index: int) -> str | None:
        if index >= len(allocation.steps) or allocation.steps[index].undecided:
            return None
        return allocation.steps[index].group

    # With two seats every open tie touches the chair or the vice-chair.
    return ChairElection(
        chair=place(0),
        vice_chair=place(1),
        ties=allocation.ties + allocation.order_ties,
        allocation=allocation,
    )

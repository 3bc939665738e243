"""The composition calculator (rules 1.0, 1.1): worked examples and properties."""

from fractions import Fraction
from itertools import combinations_with_replacement

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portal.rules import InvalidInput
from portal.rules.composition import GroupVotes, compose, decimal_text
from portal.rules.proportional import dhondt

FAST = settings(max_examples=200, deadline=None)


def groups(*rows: tuple[str, int, int, int]) -> list[GroupVotes]:
    return [GroupVotes(*row) for row in rows]


# A Sjælland-like region: 17 municipalities, cap 34; 529 773 valid votes. V's eleven mayors
# need 38 seats under d'Hondt (37 quotients beat V's 128210/11), so the council is reduced.
SJAELLAND = groups(
    ("A", 152243, 6, 120),
    ("V", 128210, 11, 105),
    ("O", 60540, 0, 50),
    ("C", 40120, 0, 32),
    ("F", 29870, 0, 20),
    ("Ø", 27690, 0, 18),
    ("B", 18430, 0, 10),
    ("L", 13260, 0, 12),
    ("I", 9580, 0, 4),  # 1.81 %: below 2 %, no mayor, no seat
    ("Å", 8120, 0, 2),
    ("K", 4310, 0, 1),
    ("D", 9400, 0, 3),
    ("E", 9000, 0, 3),
    ("G", 9500, 0, 5),
    ("H", 9500, 0, 2),
)

# Hovedstaden-like: 29 municipalities (cap 58), 29 mayors + 25 group-elected = 54, as in 2018.
HOVEDSTADEN = groups(
    ("A", 312417, 11, 300),
    ("V", 178342, 10, 190),
    ("C", 141208, 6, 150),
    ("Ø", 118735, 0, 110),
    ("F", 74316, 1, 70),
    ("B", 69871, 0, 65),
    ("O", 64523, 0, 60),
    ("Å", 40862, 0, 30),
    ("I", 29744, 0, 20),
    ("L", 19630, 1, 25),  # 1.86 %: does not qualify, keeps its one mayor
    ("K", 8127, 0, 2),
)


def test_rule_1_1_sjaelland_is_capped_at_34():
    result = compose(17, SJAELLAND)
    assert (result.cap, result.unreduced_size, result.size, result.reduced) == (34, 38, 34, True)
    # Lower bounds A 6, V 11, six more qualifying groups 1 each = 23; the other 11 seats go
    # to the highest votes ÷ seats in turn: O 60540, C 40120, O 30270, F 29870, Ø 27690,
    # A 25374, A 21749, O 20180, C 20060, A 19030, B 18430.
    assert result.seats == {"A": 9, "V": 11, "O": 4, "C": 3, "F": 2, "Ø": 2, "B": 2, "L": 1}
    assert result.ties == []
    a = result.groups[0]
    assert (a.vote_share, a.seat_share) == (Fraction(152243, 529773), Fraction(9, 34))
    assert decimal_text(a.vote_share) == "0.2874"
    assert decimal_text(a.seat_share) == "0.2647"
    assert decimal_text(a.ratio) == "1.0856"
    below = next(g for g in result.groups if g.name == "I")
    assert (below.qualifies, below.seats, below.ratio) == (False, 0, None)


def test_rule_1_0_hovedstaden_stays_under_its_cap():
    result = compose(29, HOVEDSTADEN)
    assert (result.size, result.reduced, result.cap) == (54, False, 58)
    # d'Hondt over the qualifying groups: V's tenth seat is the 53rd, plus L's mayor.
    assert result.seats == {
        "A": 17,
        "V": 10,
        "C": 7,
        "Ø": 6,
        "F": 4,
        "B": 3,
        "O": 3,
        "Å": 2,
        "I": 1,
        "L": 1,
    }
    assert sum(result.seats.values()) == 54


def test_rule_1_1_a_group_below_2_percent_keeps_exactly_its_mayors():
    local = next(g for g in compose(29, HOVEDSTADEN).groups if g.name == "L")
    assert (local.qualifies, local.lower_bound, local.seats) == (False, 1, 1)


def test_rule_1_1_exactly_at_the_cap_is_not_reduced():
    rows = [
        GroupVotes(g.name, g.votes, {"V": 10, "L": 1}.get(g.name, g.mayors), g.council_seats)
        for g in SJAELLAND
    ]
    result = compose(17, rows)
    assert (result.unreduced_size, result.size, result.reduced) == (34, 34, False)
    assert result.seats["V"] == 10 and result.seats["L"] == 1


def test_rule_1_1_two_percent_exactly_qualifies_one_vote_less_does_not():
    at = compose(2, groups(("A", 7800, 2, 40), ("B", 2000, 0, 8), ("C", 200, 0, 1)))
    assert [g.qualifies for g in at.groups] == [True, True, True]
    assert at.seats == {"A": 2, "B": 1, "C": 1} and at.reduced
    under = compose(2, groups(("A", 7801, 2, 40), ("B", 2000, 0, 8), ("C", 199, 0, 1)))
    assert [g.qualifies for g in under.groups] == [True, True, False]
    assert under.seats == {"A": 3, "B": 1} and not under.reduced


def test_rule_1_1_two_percent_without_a_council_seat_does_not_qualify():
    result = compose(2, groups(("A", 9000, 2, 40), ("B", 1000, 0, 0)))
    assert not result.groups[1].qualifies
    assert "B" not in result.seats


def test_rule_1_1_lower_bounds_above_the_cap_set_the_size():
    rows = groups(
        ("A", 4000, 1, 10), ("B", 3000, 1, 8), ("C", 2000, 0, 5), ("D", 1000, 0, 3),
        ("E", 500, 0, 1),
    )  # fmt: skip
    result = compose(2, rows)
    assert (result.cap, result.lower_bounds, result.size, result.reduced) == (4, 5, 5, True)
    assert result.seats == {"A": 1, "B": 1, "C": 1, "D": 1, "E": 1}


def test_rule_1_1_equal_ratios_go_to_the_group_with_more_votes():
    # Reduced to 6 from lower bounds 2+1+1+1: A 2000÷2 = B 1000÷1, A has more votes.
    rows = groups(("A", 2000, 2, 10), ("B", 1000, 0, 5), ("C", 300, 1, 2), ("D", 700, 0, 3))
    result = compose(3, rows)
    assert result.reduced and result.size == 6
    assert result.seats == {"A": 3, "B": 1, "C": 1, "D": 1}


def test_rule_1_1_an_exact_tie_is_reported_and_a_recorded_lot_settles_it():
    rows = groups(("B", 1000, 3, 5), ("A", 3000, 0, 9), ("C", 3000, 0, 9))
    result = compose(3, rows)
    assert result.reduced and result.size == 6
    assert result.ties == [["A", "C"]]
    assert result.seats == {"B": 3, "A": 1, "C": 1}  # the sixth seat waits for the lot
    drawn = compose(3, rows, drawn=["C"])
    assert drawn.ties == []
    assert drawn.seats == {"B": 3, "A": 1, "C": 2}


def test_rule_1_1_decimal_text_rounds_half_away_from_zero():
    assert decimal_text(Fraction(28745, 100000)) == "0.2875"
    assert decimal_text(Fraction(28744999, 100000000)) == "0.2874"
    assert decimal_text(Fraction(-1, 8), 2) == "-0.13"
    assert decimal_text(Fraction(3, 2), 0) == "2"
    assert decimal_text(None) is None


@pytest.mark.parametrize(
    ("municipalities", "rows", "message"),
    [
        (17, [("A", -5, 0, 1)], "votes of group 'A' cannot be negative"),
        (17, [("A", 5, True, 1)], "mayors of group 'A' must be a whole number"),
        (2, [("A", 5, 2, 3), ("B", 5, 1, 3)], r"mayors \(3\) exceed municipalities \(2\)"),
        (17, [("A", 5, 0, 1), ("A", 6, 0, 1)], "duplicate group name 'A'"),
        (0, [("A", 5, 0, 1)], "municipalities must be at least 1"),
        (17, [], "no groups given"),
        (17, [("A", 0, 0, 1)], "no group has any votes"),
        (17, [("A", 5, 0, 0)], "no group qualifies for a seat"),
        (17, [("", 5, 0, 1)], "a group name must be a non-empty string"),
        (17, [("A", 5, 2, 1)], r"mayors of group 'A' \(2\) exceed its council_seats \(1\)"),
    ],
)
def test_rule_1_1_invalid_input_is_refused_with_a_precise_message(municipalities, rows, message):
    with pytest.raises(InvalidInput, match=message):
        compose(municipalities, groups(*rows))


def test_rule_1_1_a_lot_must_name_known_groups():
    with pytest.raises(InvalidInput, match="drawn names unknown group 'Z'"):
        compose(3, groups(("A", 5, 0, 1)), drawn=["Z"])


# --- properties --------------------------------------------------------------------------


@st.composite
def regions(draw, max_municipalities: int = 20) -> tuple[int, list[GroupVotes]]:
    municipalities = draw(st.integers(1, max_municipalities))
    names = draw(st.lists(st.sampled_from("ABCDEFGH"), min_size=1, max_size=7, unique=True))
    rows = []
    mayors_left = municipalities
    for name in names:
        mayors = draw(st.integers(0, mayors_left))
        mayors_left -= mayors
        votes = draw(st.integers(0, 100_000))
        seats = draw(st.integers(mayors, 40))  # a mayor holds a council seat
        rows.append(GroupVotes(name, votes, mayors, seats))
    assume(any(row.votes for row in rows))
    return municipalities, rows


def composed(municipalities, rows):
    try:
        return compose(municipalities, rows)
    except InvalidInput:
        assume(False)  # nobody qualifies and no mayors: no council to compose
        raise


def max_ratio(result, seats: dict[str, int]) -> Fraction:
    # votes ÷ seats orders the groups as vote share ÷ seat share does (the size is fixed)
    return max(Fraction(g.votes, seats[g.name]) for g in result.groups if g.qualifies)


@FAST
@given(regions())
def test_rule_1_1_property_every_lower_bound_and_the_cap_hold(region):
    municipalities, rows = region
    result = composed(municipalities, rows)
    for group in result.groups:
        assert group.seats >= group.lower_bound
        if not group.qualifies:
            assert group.seats == group.mayors
    if result.lower_bounds <= result.cap:
        assert result.size <= result.cap
    assert result.size >= result.lower_bounds
    if not result.ties:
        assert sum(result.seats.values()) == result.size


@FAST
@given(regions())
def test_rule_1_1_property_no_single_move_lowers_the_worst_under_representation(region):
    municipalities, rows = region
    result = composed(municipalities, rows)
    assume(result.reduced and not result.ties)
    seats = {g.name: g.seats for g in result.groups}
    worst = max_ratio(result, seats)
    qualifying = [g for g in result.groups if g.qualifies]
    for giver in qualifying:
        if giver.seats == giver.lower_bound:
            continue
        for taker in qualifying:
            if taker is not giver:
                moved = {**seats, giver.name: giver.seats - 1, taker.name: taker.seats + 1}
                assert max_ratio(result, moved) >= worst


def sorted_ratios(votes: dict[str, int], seats: dict[str, int]) -> list[Fraction]:
    return sorted((Fraction(votes[n], seats[n]) for n in votes), reverse=True)


@FAST
@given(regions(max_municipalities=5))
def test_rule_1_1_property_reduction_is_the_leximin_over_all_allocations(region):
    municipalities, rows = region
    result = composed(municipalities, rows)
    assume(result.reduced and not result.ties)
    votes = {g.name: g.votes for g in result.groups if g.qualifies}
    bounds = {g.name: g.lower_bound for g in result.groups if g.qualifies}
    spare = result.size - result.lower_bounds
    best = min(
        sorted_ratios(votes, {n: bounds[n] + extra.count(n) for n in votes})
        for extra in combinations_with_replacement(sorted(votes), spare)
    )
    assert sorted_ratios(votes, {n: result.seats[n] for n in votes}) == best


@FAST
@given(regions())
def test_rule_1_0_property_unreduced_size_is_the_smallest_that_meets_the_bounds(region):
    municipalities, rows = region
    result = composed(municipalities, rows)
    votes = {g.name: g.votes for g in result.groups if g.qualifies}
    bounds = {g.name: g.lower_bound for g in result.groups if g.qualifies}
    fixed = sum(g.lower_bound for g in result.groups if not g.qualifies)
    dealt = result.unreduced_size - fixed
    if not votes:
        assert dealt == 0
        return

    def meets(seats: int) -> bool:
        allocation = dhondt(votes, seats)
        return not allocation.ties and all(allocation.seats[n] >= bounds[n] for n in votes)

    assert meets(dealt)
    assert dealt == sum(bounds.values()) or not meets(dealt - 1)
    if not result.reduced:
        assert {n: result.seats.get(n, 0) for n in votes} == dhondt(votes, dealt).seats

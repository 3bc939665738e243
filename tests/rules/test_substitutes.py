"""Rule 1.2: who may be a member's personal substitute."""

from portal.rules.substitutes import (
    Basis,
    Candidate,
    Deputy,
    Seat,
    SubstituteProblem,
    assess_substitute,
)

MUNICIPALITY = 7


def mayor_seat(**overrides) -> Seat:  # noqa: ANN003
    values = {
        "membership_id": 1,
        "is_mayor": True,
        "municipality_id": MUNICIPALITY,
        "first_deputy": Deputy(person_id=10, is_member=False),
        "second_deputy": Deputy(person_id=11, is_member=False),
    }
    values.update(overrides)
    return Seat(**values)


def test_rule_1_2_mayor_substitute_is_first_deputy():
    assessment = assess_substitute(mayor_seat(), Candidate(10, MUNICIPALITY))
    assert assessment.allowed
    assert assessment.basis is Basis.FIRST_DEPUTY_MAYOR


def test_rule_1_2_mayor_substitute_other_than_first_deputy_refused():
    assessment = assess_substitute(mayor_seat(), Candidate(11, MUNICIPALITY))
    assert assessment.problems == [SubstituteProblem.MAYOR_NEEDS_FIRST_DEPUTY]
    assert assessment.required_person_id == 10


def test_rule_1_2_second_deputy_when_first_is_member():
    seat = mayor_seat(first_deputy=Deputy(10, is_member=True))
    assessment = assess_substitute(seat, Candidate(11, MUNICIPALITY))
    assert assessment.allowed
    assert assessment.basis is Basis.SECOND_DEPUTY_MAYOR
    refused = assess_substitute(seat, Candidate(10, MUNICIPALITY, is_member=True))
    assert SubstituteProblem.CANDIDATE_IS_MEMBER in refused.problems
    assert SubstituteProblem.MAYOR_NEEDS_SECOND_DEPUTY in refused.problems


def test_rule_1_2_council_chooses_when_both_deputies_are_members():
    seat = mayor_seat(first_deputy=Deputy(10, True), second_deputy=Deputy(11, True))
    assessment = assess_substitute(seat, Candidate(12, MUNICIPALITY))
    assert assessment.allowed
    assert assessment.basis is Basis.CHOSEN_BY_MUNICIPAL_COUNCIL


def test_rule_1_2_council_choice_must_come_from_the_mayors_municipality():
    seat = mayor_seat(first_deputy=None, second_deputy=None)
    assessment = assess_substitute(seat, Candidate(12, MUNICIPALITY + 1))
    assert assessment.problems == [SubstituteProblem.MAYOR_CHOICE_FROM_OTHER_MUNICIPALITY]


def test_rule_1_2_member_cannot_be_substitute():
    seat = Seat(membership_id=2, is_mayor=False, municipality_id=MUNICIPALITY)
    assessment = assess_substitute(seat, Candidate(20, MUNICIPALITY, is_member=True))
    assert assessment.problems == [SubstituteProblem.CANDIDATE_IS_MEMBER]


def test_rule_1_2_substitute_serves_one_member_only():
    seat = Seat(membership_id=2, is_mayor=False, municipality_id=MUNICIPALITY)
    busy = Candidate(20, MUNICIPALITY, substitute_for_membership_id=3)
    assert assess_substitute(seat, busy).problems == [SubstituteProblem.CANDIDATE_SERVES_ANOTHER]


def test_rule_1_2_member_has_one_personal_substitute():
    seat = Seat(membership_id=2, is_mayor=False, municipality_id=MUNICIPALITY, has_substitute=True)
    assessment = assess_substitute(seat, Candidate(20, MUNICIPALITY))
    assert assessment.problems == [SubstituteProblem.MEMBER_HAS_SUBSTITUTE]


def test_rule_1_2_group_elected_member_gets_group_substitute():
    seat = Seat(membership_id=2, is_mayor=False, municipality_id=MUNICIPALITY)
    assessment = assess_substitute(seat, Candidate(20, None))
    assert assessment.allowed
    assert assessment.basis is Basis.ELECTED_BY_GROUP

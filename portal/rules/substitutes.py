"""Rule 1.2: who may be a member's personal substitute.

- The mayor's substitute is the 1st deputy mayor; the 2nd deputy mayor when the 1st is a member
  of the council; otherwise one the municipal council chose (from the same municipality).
- Each group-elected member has a personal substitute elected by the group.
- A substitute serves one member only, and a member cannot be a substitute.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class SubstituteProblem(enum.StrEnum):
    CANDIDATE_IS_MEMBER = "candidate_is_member"
    CANDIDATE_SERVES_ANOTHER = "candidate_serves_another"
    MEMBER_HAS_SUBSTITUTE = "member_has_substitute"
    MAYOR_NEEDS_FIRST_DEPUTY = "mayor_needs_first_deputy"
    MAYOR_NEEDS_SECOND_DEPUTY = "mayor_needs_second_deputy"
    MAYOR_CHOICE_FROM_OTHER_MUNICIPALITY = "mayor_choice_from_other_municipality"


class Basis(enum.StrEnum):
    FIRST_DEPUTY_MAYOR = "first_deputy_mayor"
    SECOND_DEPUTY_MAYOR = "second_deputy_mayor"
    CHOSEN_BY_MUNICIPAL_COUNCIL = "chosen_by_municipal_council"
    ELECTED_BY_GROUP = "elected_by_group"


@dataclass(frozen=True)
class Candidate:
    """A person proposed as substitute, as the council knows them on the day it applies."""

    person_id: int
    municipality_id: int | None
    is_member: bool = False
    # The member this person is already substitute for (another one), if any.
    substitute_for_membership_id: int | None = None


@dataclass(frozen=True)
class Deputy:
    person_id: int
    is_member: bool


@dataclass(frozen=True)
class Seat:
    """The membership that gets a substitute."""

    membership_id: int
    is_mayor: bool
    municipality_id: int
    has_substitute: bool = False
    first_deputy: Deputy | None = None  # of the seat's municipality (mayors only)
    second_deputy: Deputy | None = None


@dataclass(frozen=True)
class Assessment:
    basis: Basis
    problems: list[SubstituteProblem] = field(default_factory=list)
    # For a mayor: the deputy the rule requires, when there is one.
    required_person_id: int | None = None

    @property
    def allowed(self) -> bool:
        return not self.problems


def required_mayor_substitute(seat: Seat) -> tuple[Basis, int | None]:
    """Whom rule 1.2 names as the mayor's substitute, and on what basis."""
    if seat.first_deputy and not seat.first_deputy.is_member:
        return Basis.FIRST_DEPUTY_MAYOR, seat.first_deputy.person_id
    if seat.second_deputy and not seat.second_deputy.is_member:
        return Basis.SECOND_DEPUTY_MAYOR, seat.second_deputy.person_id
    return Basis.CHOSEN_BY_MUNICIPAL_COUNCIL, None


def assess_substitute(seat: Seat, candidate: Candidate) -> Assessment:
    """Whether `candidate` may become the personal substitute for `seat`, and why not."""
    problems: list[SubstituteProblem] = []
    if candidate.is_member:
        problems.append(SubstituteProblem.CANDIDATE_IS_MEMBER)
    if (
        candidate.substitute_for_membership_id is not None
        and candidate.substitute_for_membership_id != seat.membership_id
    ):
        problems.append(SubstituteProblem.CANDIDATE_SERVES_ANOTHER)
    if seat.has_substitute:
        problems.append(SubstituteProblem.MEMBER_HAS_SUBSTITUTE)

    if not seat.is_mayor:
        return Assessment(Basis.ELECTED_BY_GROUP, problems)

    basis, required = required_mayor_substitute(seat)
    if required is not None and candidate.person_id != required:
        problems.append(
            SubstituteProblem.MAYOR_NEEDS_FIRST_DEPUTY
            if basis is Basis.FIRST_DEPUTY_MAYOR
            else SubstituteProblem.MAYOR_NEEDS_SECOND_DEPUTY
        )
    if required is None and candidate.municipality_id != seat.municipality_id:
        problems.append(SubstituteProblem.MAYOR_CHOICE_FROM_OTHER_MUNICIPALITY)
    return Assessment(basis, problems, required)

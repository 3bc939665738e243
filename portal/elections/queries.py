"""Reading elections, their results, alliances and the chair and vice-chair over time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.councils.models import (
    Council,
    CouncilOffice,
    Membership,
    Municipality,
    MunicipalOffice,
    Person,
    active_on,
)
from portal.elections.models import (
    ChairElection,
    Election,
    ElectionGroupResult,
    ElectoralAlliance,
    OfficeHolding,
)
from portal.extensions import db


def elections_of(council: Council) -> list[Election]:
    return list(
        db.session.scalars(
            select(Election)
            .where(Election.council_id == council.id)
            .order_by(Election.held_on.desc())
        )
    )


def results_of(election: Election) -> list[ElectionGroupResult]:
    return list(
        db.session.scalars(
            select(ElectionGroupResult)
            .where(ElectionGroupResult.election_id == election.id)
            .options(joinedload(ElectionGroupResult.group))
            .order_by(ElectionGroupResult.position, ElectionGroupResult.id)
        )
    )


def results_by_name(election: Election, names: Sequence[str]) -> list[ElectionGroupResult]:
    by_name = {result.name: result for result in results_of(election)}
    return [by_name[name] for name in names]


def alliances_of(election: Election) -> list[ElectoralAlliance]:
    """The alliances registered and not withdrawn, oldest first."""
    return list(
        db.session.scalars(
            select(ElectoralAlliance)
            .where(
                ElectoralAlliance.election_id == election.id,
                ElectoralAlliance.withdrawn_at.is_(None),
            )
            .options(selectinload(ElectoralAlliance.groups))
            .order_by(ElectoralAlliance.registered_at, ElectoralAlliance.id)
        )
    )


def allied_result_ids(election: Election) -> set[int]:
    return {result.id for alliance in alliances_of(election) for result in alliance.groups}


def chair_election_of(election: Election) -> ChairElection | None:
    return db.session.scalar(select(ChairElection).where(ChairElection.election_id == election.id))


def holdings_of(election: Election) -> list[OfficeHolding]:
    return list(
        db.session.scalars(
            select(OfficeHolding)
            .where(OfficeHolding.election_id == election.id)
            .options(joinedload(OfficeHolding.person), joinedload(OfficeHolding.result))
            .order_by(OfficeHolding.office, OfficeHolding.starts_on, OfficeHolding.id)
        )
    )


def current_holding(council_id: int, office: CouncilOffice, day: date) -> OfficeHolding | None:
    """Who holds `office` on `day`: a stand-in if one is serving, else the holder."""
    rows = list(
        db.session.scalars(
            select(OfficeHolding).where(
                OfficeHolding.council_id == council_id,
                OfficeHolding.office == office,
                active_on(OfficeHolding, day),
            )
        )
    )
    stand_ins = [row for row in rows if row.stands_in_for_id is not None]
    return (stand_ins or rows or [None])[0]


def stand_in_for(holding: OfficeHolding, day: date) -> OfficeHolding | None:
    """A stand-in for `holding` whose period has not ended before `day`."""
    return db.session.scalar(
        select(OfficeHolding).where(
            OfficeHolding.stands_in_for_id == holding.id,
            or_(OfficeHolding.ends_on.is_(None), OfficeHolding.ends_on >= day),
        )
    )


def office_memberships(
    council_id: int, day: date, *, exclude: Iterable[Membership] = ()
) -> list[Membership]:
    """Memberships on or after `day` that carry the chair or the vice-chair."""
    excluded = {membership.id for membership in exclude}
    rows = db.session.scalars(
        select(Membership).where(
            Membership.council_id == council_id,
            Membership.office.in_([CouncilOffice.CHAIR, CouncilOffice.VICE_CHAIR]),
            or_(Membership.ends_on.is_(None), Membership.ends_on >= day),
        )
    )
    return [row for row in rows if row.id not in excluded]


def members_on(council: Council, day: date) -> list[Membership]:
    """The council's members on `day`, by name: whom staff can record as elected."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.person)
            .where(Membership.council_id == council.id, active_on(Membership, day))
            .options(joinedload(Membership.person), joinedload(Membership.group))
            .order_by(Person.name, Membership.id)
        )
    )


def mayors_of(council: Council) -> list[Person]:
    """The region's mayors as the secretariat registered them (rule 1.3)."""
    return list(
        db.session.scalars(
            select(Person)
            .join(Municipality, Person.municipality_id == Municipality.id)
            .where(
                Municipality.council_id == council.id,
                Person.municipal_office == MunicipalOffice.MAYOR,
            )
            .options(joinedload(Person.municipality))
            .order_by(Municipality.name, Person.name)
        )
    )

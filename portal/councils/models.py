"""The council and its people: municipalities, groups, persons, memberships, substitutes."""

from __future__ import annotations

import enum
from datetime import date

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, String, UniqueConstraint, false, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """Enum stored as its value in a VARCHAR with a CHECK constraint (portable, migratable)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [member.value for member in members],
    )


class MunicipalOffice(enum.StrEnum):
    """A person's office in their own municipal council (rule 1.2 depends on it)."""

    MAYOR = "mayor"
    FIRST_DEPUTY_MAYOR = "first_deputy_mayor"
    SECOND_DEPUTY_MAYOR = "second_deputy_mayor"
    COUNCILLOR = "councillor"
    NONE = "none"


class GroupKind(enum.StrEnum):
    PARTY = "party"
    LIST_ALLIANCE = "list_alliance"


class MembershipKind(enum.StrEnum):
    MAYOR = "mayor"
    GROUP_ELECTED = "group_elected"


class CouncilOffice(enum.StrEnum):
    MEMBER = "member"
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"


class SubstituteBasis(enum.StrEnum):
    """Why this person is the substitute (rule 1.2)."""

    FIRST_DEPUTY_MAYOR = "first_deputy_mayor"
    SECOND_DEPUTY_MAYOR = "second_deputy_mayor"
    CHOSEN_BY_MUNICIPAL_COUNCIL = "chosen_by_municipal_council"
    ELECTED_BY_GROUP = "elected_by_group"


class EndCause(enum.StrEnum):
    """Why a membership or a substitute's role ended (rules 1.9, 1.13, 1.14). A list, never free
    text: a reason about someone's health is not written down here (GDPR art. 9)."""

    LEFT_MUNICIPAL_COUNCIL = "left_municipal_council"  # rule 1.9: no longer a councillor
    LEFT_GROUP = "left_group"  # rule 1.9: left the party or list alliance that elected them
    RESIGNED = "resigned"  # left the council at their own wish
    BECAME_MEMBER = "became_member"  # rule 1.13: the substitute took the member's seat
    SEAT_ENDED = "seat_ended"  # the member's seat ended (a mayor's deputy, say)
    NO_LONGER_MAYOR = "no_longer_mayor"  # a new mayor took the municipality's seat
    OTHER = "other"


def active_on(model: type, day: date):  # noqa: ANN201 - SQL expression
    """SQL condition: the row's period (starts_on .. ends_on, inclusive) covers `day`."""
    return (model.starts_on <= day) & or_(model.ends_on.is_(None), model.ends_on >= day)


class Council(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(120))

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="council", order_by="Municipality.name"
    )

    def __repr__(self) -> str:
        return f"<Council {self.slug}>"


class Municipality(db.Model):
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    council: Mapped[Council] = relationship(back_populates="municipalities")


class Group(db.Model):
    """A party or a list alliance ("gruppe") that elects members."""

    __tablename__ = "council_group"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    letter: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[GroupKind] = mapped_column(
        enum_column(GroupKind, "group_kind"), default=GroupKind.PARTY
    )

    council: Mapped[Council] = relationship()


class Person(UserMixin, db.Model):
    """Anyone the portal knows: members, substitutes, staff. Registered by staff, never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # The council whose secretariat keeps this person's record (scopes who may see and edit it).
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Kept lower-case; the first OpenID sign-in is bound by this address (verified by the provider).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    municipal_office: Mapped[MunicipalOffice] = mapped_column(
        enum_column(MunicipalOffice, "municipal_office"),
        default=MunicipalOffice.NONE,
        server_default=MunicipalOffice.NONE.value,
    )
    # Rule 1.3: the constituting meeting is called by the longest-serving mayor, the oldest
    # on a tie. Mayor without a break since this date; both kept by staff, shown to staff only.
    mayor_since: Mapped[date | None]
    born_on: Mapped[date | None]

    council: Mapped[Council] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"


class StaffAssignment(db.Model):
    """A person working in a council's secretariat."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]

    council: Mapped[Council] = relationship()
    person: Mapped[Person] = relationship()


class Membership(db.Model):
    """A seat in the council held by a person for a period (rules 1.0, 1.9: history is kept)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("council_group.id"))
    kind: Mapped[MembershipKind] = mapped_column(enum_column(MembershipKind, "membership_kind"))
    office: Mapped[CouncilOffice] = mapped_column(
        enum_column(CouncilOffice, "council_office"),
        default=CouncilOffice.MEMBER,
        server_default=CouncilOffice.MEMBER.value,
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # last day, inclusive; None while the membership lasts
    end_reason: Mapped[str | None] = mapped_column(String(300))
    end_cause: Mapped[EndCause | None] = mapped_column(enum_column(EndCause, "end_cause"))
    # Rules 1.11-1.12: a member the party's councillors named after their only representative,
    # a mayor, left the party. The seat comes on top of the composition (and of the 1.1 cap).
    extra_seat: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Rule 1.13: the seat this membership took over (the substitute or a new member).
    succeeds_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))

    council: Mapped[Council] = relationship()
    person: Mapped[Person] = relationship()
    municipality: Mapped[Municipality] = relationship()
    group: Mapped[Group | None] = relationship()
    succeeds: Mapped[Membership | None] = relationship(remote_side=[id])

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class SubstituteAssignment(db.Model):
    """The personal substitute of one membership for a period (rule 1.2)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    basis: Mapped[SubstituteBasis] = mapped_column(enum_column(SubstituteBasis, "substitute_basis"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    end_cause: Mapped[EndCause | None] = mapped_column(enum_column(EndCause, "end_cause"))

    council: Mapped[Council] = relationship()
    membership: Mapped[Membership] = relationship()
    substitute: Mapped[Person] = relationship()

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class GroupChange(db.Model):
    """Rule 1.10: a mayor left the party they represented (and perhaps joined another). The
    mayor stays a member and the composition is not computed again; the membership's group
    is the new one from `changed_on`, and this row keeps the old one for the days before."""

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    from_group_id: Mapped[int | None] = mapped_column(ForeignKey("council_group.id"))
    to_group_id: Mapped[int | None] = mapped_column(ForeignKey("council_group.id"))
    changed_on: Mapped[date]  # the first day in the new group

    membership: Mapped[Membership] = relationship()
    from_group: Mapped[Group | None] = relationship(foreign_keys=[from_group_id])
    to_group: Mapped[Group | None] = relationship(foreign_keys=[to_group_id])

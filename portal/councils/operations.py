"""Business actions on the council's people. Each validates, changes, and writes its audit row
in the request's transaction; a refusal raises `Refused` with a Danish message for one field."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal import audit
from portal.auth import sessions
from portal.councils.models import (
    Council,
    CouncilOffice,
    Group,
    GroupKind,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
    SubstituteAssignment,
    SubstituteBasis,
    active_on,
)
from portal.extensions import db
from portal.labels import label
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.substitutes import (
    Candidate,
    Deputy,
    Seat,
    SubstituteProblem,
    assess_substitute,
)


def _overlapping(model: type, starts_on: date):  # noqa: ANN202 - SQL expression
    """Rows whose period has not ended before `starts_on` (current or future ones)."""
    return or_(model.ends_on.is_(None), model.ends_on >= starts_on)


# --- municipalities and groups ------------------------------------------------------------


def _check_unique_name(model: type, council: Council, name: str, own_id: int | None) -> None:
    clash = db.session.scalar(
        select(model.id).where(
            model.council_id == council.id, func.lower(model.name) == name.lower()
        )
    )
    if clash is not None and clash != own_id:
        raise Refused("name", _("Navnet er allerede brugt i rådet."))


def save_municipality(council: Council, name: str, municipality: Municipality | None = None):  # noqa: ANN201
    _check_unique_name(Municipality, council, name, municipality.id if municipality else None)
    if municipality is None:
        municipality = Municipality(council=council, name=name)
        db.session.add(municipality)
        audit.record("municipality_created", municipality, after=audit.snapshot(municipality))
        return municipality
    before = audit.snapshot(municipality)
    municipality.name = name
    audit.record(
        "municipality_changed", municipality, before=before, after=audit.snapshot(municipality)
    )
    return municipality


def save_group(  # noqa: ANN201
    council: Council, letter: str, name: str, kind: GroupKind, group: Group | None = None
):
    _check_unique_name(Group, council, name, group.id if group else None)
    if group is None:
        group = Group(council=council, letter=letter, name=name, kind=kind)
        db.session.add(group)
        audit.record("group_created", group, after=audit.snapshot(group))
        return group
    before = audit.snapshot(group)
    group.letter, group.name, group.kind = letter, name, kind
    audit.record("group_changed", group, before=before, after=audit.snapshot(group))
    return group


# --- people -------------------------------------------------------------------------------

# Offices a municipality has one holder of at a time.
SINGLE_OFFICES = {
    MunicipalOffice.MAYOR,
    MunicipalOffice.FIRST_DEPUTY_MAYOR,
    MunicipalOffice.SECOND_DEPUTY_MAYOR,
}


def save_person(  # noqa: ANN201
    council: Council,
    *,
    name: str,
    email: str,
    municipality: Municipality | None,
    office: MunicipalOffice,
    person: Person | None = None,
    mayor_since: date | None = None,
    born_on: date | None = None,
):
    email = email.strip().lower()
    clash = db.session.scalar(select(Person).where(func.lower(Person.email) == email))
    if clash is not None and clash is not person:
        raise Refused("email", _("E-mailadressen bruges allerede af %(name)s.", name=clash.name))
    if municipality is not None and municipality.council_id != council.id:
        raise Refused("municipality_id", _("Vælg en af rådets kommuner."))
    if office in SINGLE_OFFICES and municipality is not None:
        holder = db.session.scalar(
            select(Person).where(
                Person.municipality_id == municipality.id, Person.municipal_office == office
            )
        )
        if holder is not None and holder is not person:
            raise Refused(
                "municipal_office",
                _(
                    "%(municipality)s har allerede en %(office)s: %(name)s. "
                    "Ret hvervet hos %(name)s først.",
                    municipality=municipality.name,
                    office=label(office).lower(),
                    name=holder.name,
                ),
            )
    if person is None:
        person = Person(
            council=council,
            name=name,
            email=email,
            municipality=municipality,
            municipal_office=office,
            mayor_since=mayor_since,
            born_on=born_on,
        )
        db.session.add(person)
        audit.record("person_created", person, after=audit.snapshot(person), council_id=council.id)
        return person
    before = audit.snapshot(person)
    person.name, person.email = name, email
    person.municipality, person.municipal_office = municipality, office
    person.mayor_since, person.born_on = mayor_since, born_on
    audit.record(
        "person_changed", person, before=before, after=audit.snapshot(person), council_id=council.id
    )
    return person


# --- memberships --------------------------------------------------------------------------


def _active_substitute_role(person: Person, day: date) -> SubstituteAssignment | None:
    return db.session.scalar(
        select(SubstituteAssignment).where(
            SubstituteAssignment.substitute_id == person.id,
            _overlapping(SubstituteAssignment, day),
        )
    )


def _check_single_office(council: Council, office: CouncilOffice, day: date, own_id: int | None):
    if office is CouncilOffice.MEMBER:
        return
    holder = db.session.scalar(
        select(Membership).where(
            Membership.council_id == council.id,
            Membership.office == office,
            _overlapping(Membership, day),
        )
    )
    if holder is not None and holder.id != own_id:
        raise Refused(
            "office",
            _(
                "Rådet har allerede en %(office)s: %(name)s.",
                office=_("formand") if office is CouncilOffice.CHAIR else _("næstformand"),
                name=holder.person.name,
            ),
        )


def add_membership(  # noqa: ANN201
    council: Council,
    *,
    person: Person,
    municipality: Municipality,
    group: Group | None,
    kind: MembershipKind,
    office: CouncilOffice,
    starts_on: date,
):
    if municipality.council_id != council.id:
        raise Refused("municipality_id", _("Vælg en af rådets kommuner."))
    if group is not None and group.council_id != council.id:
        raise Refused("group_id", _("Vælg en af rådets grupper."))
    current = db.session.scalar(
        select(Membership).where(
            Membership.council_id == council.id,
            Membership.person_id == person.id,
            _overlapping(Membership, starts_on),
        )
    )
    if current is not None:
        raise Refused("person_id", _("%(name)s er allerede medlem af rådet.", name=person.name))
    role = _active_substitute_role(person, starts_on)
    if role is not None:
        # Rule 1.2: a member cannot be a substitute.
        raise Refused(
            "person_id",
            _(
                "%(name)s er stedfortræder for %(member)s, og et medlem kan ikke være "
                "stedfortræder. Afslut stedfortræderrollen først.",
                name=person.name,
                member=role.membership.person.name,
            ),
        )
    if kind is MembershipKind.MAYOR:
        if person.municipal_office is not MunicipalOffice.MAYOR or person.municipality_id != (
            municipality.id
        ):
            raise Refused(
                "kind",
                _(
                    "Kun borgmesteren i %(municipality)s kan have kommunens borgmesterplads.",
                    municipality=municipality.name,
                ),
            )
    _check_single_office(council, office, starts_on, None)
    membership = Membership(
        council=council,
        person=person,
        municipality=municipality,
        group=group,
        kind=kind,
        office=office,
        starts_on=starts_on,
    )
    db.session.add(membership)
    audit.record("membership_added", membership, after=audit.snapshot(membership))
    return membership


def change_office(membership: Membership, office: CouncilOffice, group: Group | None) -> None:
    if group is not None and group.council_id != membership.council_id:
        raise Refused("group_id", _("Vælg en af rådets grupper."))
    _check_single_office(membership.council, office, membership.starts_on, membership.id)
    before = audit.snapshot(membership)
    membership.office, membership.group = office, group
    audit.record("membership_changed", membership, before=before, after=audit.snapshot(membership))


def end_membership(
    membership: Membership, ends_on: date, reason: str
) -> SubstituteAssignment | None:
    """Rule 1.9: the membership ends but stays in the history. Its substitute assignment ends
    the same day (the group elects a new substitute for whoever takes the seat)."""
    if membership.ends_on is not None:
        raise Refused("ends_on", _("Medlemskabet er allerede afsluttet."))
    if ends_on < membership.starts_on:
        raise Refused("ends_on", _("Sidste dag kan ikke ligge før medlemskabets start."))
    before = audit.snapshot(membership)
    membership.ends_on, membership.end_reason = ends_on, reason
    audit.record("membership_ended", membership, before=before, after=audit.snapshot(membership))
    # What the person may see changes: they sign in again, on every device.
    sessions.end_all(membership.person_id, "membership_ended")
    assignment = db.session.scalar(
        select(SubstituteAssignment).where(
            SubstituteAssignment.membership_id == membership.id,
            SubstituteAssignment.ends_on.is_(None),
        )
    )
    if assignment is not None:
        end_substitute(assignment, max(ends_on, assignment.starts_on))
    return assignment


# --- substitutes (rule 1.2) ---------------------------------------------------------------


def _deputy(municipality_id: int, office: MunicipalOffice, council: Council, day: date):  # noqa: ANN202
    person = db.session.scalar(
        select(Person).where(
            Person.municipality_id == municipality_id, Person.municipal_office == office
        )
    )
    if person is None:
        return None, None
    return Deputy(person.id, _is_member(person, council, day)), person


def _is_member(person: Person, council: Council, day: date) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.person_id == person.id,
                Membership.council_id == council.id,
                active_on(Membership, day),
            )
        )
        is not None
    )


def problem_message(problem: SubstituteProblem, **names: str) -> str:
    messages = {
        SubstituteProblem.CANDIDATE_IS_MEMBER: _(
            "%(candidate)s er medlem af rådet, og et medlem kan ikke være stedfortræder."
        ),
        SubstituteProblem.CANDIDATE_SERVES_ANOTHER: _(
            "%(candidate)s er allerede stedfortræder for %(other)s. "
            "En stedfortræder kan kun være det for ét medlem."
        ),
        SubstituteProblem.MEMBER_HAS_SUBSTITUTE: _(
            "%(member)s har allerede en personlig stedfortræder. Afslut den nuværende først."
        ),
        SubstituteProblem.MAYOR_NEEDS_FIRST_DEPUTY: _(
            "Borgmesterens stedfortræder er 1. viceborgmester (%(required)s)."
        ),
        SubstituteProblem.MAYOR_NEEDS_SECOND_DEPUTY: _(
            "1. viceborgmester er medlem af rådet, så borgmesterens stedfortræder er "
            "2. viceborgmester (%(required)s)."
        ),
        SubstituteProblem.MAYOR_CHOICE_FROM_OTHER_MUNICIPALITY: _(
            "Kommunalbestyrelsen vælger borgmesterens stedfortræder blandt kommunens egne "
            "medlemmer; %(candidate)s hører ikke til %(municipality)s."
        ),
    }
    return messages[problem] % names


def assign_substitute(
    membership: Membership, substitute: Person, starts_on: date
) -> SubstituteAssignment:
    council = membership.council
    if not membership.is_active_on(starts_on):
        raise Refused("starts_on", _("Medlemskabet gælder ikke på den dato."))
    existing = db.session.scalar(
        select(SubstituteAssignment).where(
            SubstituteAssignment.membership_id == membership.id,
            _overlapping(SubstituteAssignment, starts_on),
        )
    )
    other_role = db.session.scalar(
        select(SubstituteAssignment).where(
            SubstituteAssignment.substitute_id == substitute.id,
            SubstituteAssignment.membership_id != membership.id,
            _overlapping(SubstituteAssignment, starts_on),
        )
    )
    first, first_person = _deputy(
        membership.municipality_id, MunicipalOffice.FIRST_DEPUTY_MAYOR, council, starts_on
    )
    second, second_person = _deputy(
        membership.municipality_id, MunicipalOffice.SECOND_DEPUTY_MAYOR, council, starts_on
    )
    seat = Seat(
        membership_id=membership.id,
        is_mayor=membership.kind is MembershipKind.MAYOR,
        municipality_id=membership.municipality_id,
        has_substitute=existing is not None,
        first_deputy=first,
        second_deputy=second,
    )
    candidate = Candidate(
        person_id=substitute.id,
        municipality_id=substitute.municipality_id,
        is_member=_is_member(substitute, council, starts_on),
        substitute_for_membership_id=other_role.membership_id if other_role else None,
    )
    assessment = assess_substitute(seat, candidate)
    if not assessment.allowed:
        deputies = {p.id: p for p in (first_person, second_person) if p is not None}
        required = deputies.get(assessment.required_person_id)
        names = {
            "candidate": substitute.name,
            "member": membership.person.name,
            "other": other_role.membership.person.name if other_role else "",
            "required": required.name if required else "",
            "municipality": membership.municipality.name,
        }
        raise Refused(
            "substitute_id", " ".join(problem_message(p, **names) for p in assessment.problems)
        )
    assignment = SubstituteAssignment(
        council=council,
        membership=membership,
        substitute=substitute,
        basis=SubstituteBasis(assessment.basis.value),
        starts_on=starts_on,
    )
    db.session.add(assignment)
    audit.record("substitute_assigned", assignment, after=audit.snapshot(assignment))
    notify(
        [substitute],
        NoticeKind.GENERAL,
        subject=_("Du er personlig stedfortræder for %(member)s", member=membership.person.name),
        body=_(
            "Fra %(day)s er du personlig stedfortræder for %(member)s i %(council)s. "
            "Du får besked, når du bliver indkaldt til et møde.",
            day=starts_on.isoformat(),
            member=membership.person.name,
            council=council.name,
        ),
        link="/overblik",
        council=council,
    )
    notify(
        [membership.person],
        NoticeKind.GENERAL,
        subject=_("%(name)s er din personlige stedfortræder", name=substitute.name),
        body=_(
            "Fra %(day)s er %(name)s din personlige stedfortræder i %(council)s.",
            day=starts_on.isoformat(),
            name=substitute.name,
            council=council.name,
        ),
        link="/overblik",
        council=council,
    )
    return assignment


def end_substitute(assignment: SubstituteAssignment, ends_on: date) -> None:
    if assignment.ends_on is not None:
        raise Refused("ends_on", _("Stedfortræderrollen er allerede afsluttet."))
    if ends_on < assignment.starts_on:
        raise Refused("ends_on", _("Sidste dag kan ikke ligge før rollens start."))
    before = audit.snapshot(assignment)
    assignment.ends_on = ends_on
    audit.record("substitute_ended", assignment, before=before, after=audit.snapshot(assignment))

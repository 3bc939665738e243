"""Business actions on the council's people. Each validates, changes, and writes its audit row
in the request's transaction; a refusal raises `Refused` with a Danish message for one field."""

from __future__ import annotations

import enum
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal import audit
from portal.auth import sessions
from portal.councils import seating
from portal.councils.models import (
    Council,
    CouncilOffice,
    EndCause,
    Group,
    GroupChange,
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


def is_councillor_in(person: Person, council: Council) -> bool:
    """Rules 1.0, 1.2: a member of one of the region's municipal councils."""
    return seating.is_councillor(person, council)


def _refuse_unless_councillor(person: Person, council: Council, field: str) -> None:
    if not is_councillor_in(person, council):
        raise Refused(
            field,
            _(
                "%(name)s er ikke registreret som medlem af en kommunalbestyrelse i en af "
                "regionens kommuner. Kun kommunalbestyrelsesmedlemmer kan vælges til rådet eller "
                "være stedfortræder (regel 1.0 og 1.2). Ret personens kommune og hverv først.",
                name=person.name,
            ),
        )


def _refuse_second_mayor_seat(municipality: Municipality, starts_on: date) -> None:
    """Rule 1.0: a municipality has one mayor seat."""
    holder = db.session.scalar(
        select(Membership).where(
            Membership.municipality_id == municipality.id,
            Membership.kind == MembershipKind.MAYOR,
            _overlapping(Membership, starts_on),
        )
    )
    if holder is not None:
        raise Refused(
            "kind",
            _(
                "%(municipality)s har allerede sin borgmesterplads (%(name)s). En kommune har "
                "kun én borgmesterplads; afslut den nuværende, før en ny borgmester indsættes.",
                municipality=municipality.name,
                name=holder.person.name,
            ),
        )


def _refuse_full_group(council: Council, group: Group, starts_on: date) -> None:
    """Rules 1.0-1.1: mayors and group-elected members of a group fill at most its seats in
    the confirmed composition (a seat under rule 1.12 aside)."""
    composition = seating.composition_on(council, starts_on)
    if composition is None:
        return
    allowed = composition.seats_of(group.id)
    taken = seating.group_count(seating.seats_on(council, starts_on), group.id)
    if taken + 1 > allowed:
        raise Refused(
            "group_id",
            _(
                "%(group)s har %(seats)d pladser i rådets godkendte sammensætning, og "
                "%(taken)d er besat. Afslut et medlemskab først, eller registrér en ny "
                "sammensætning.",
                group=f"{group.letter} · {group.name}",
                seats=allowed,
                taken=taken,
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
    extra_seat: bool = False,
    succeeds: Membership | None = None,
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
    if role is not None and (succeeds is None or role.membership_id != succeeds.id):
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
        _refuse_second_mayor_seat(municipality, starts_on)
    else:
        _refuse_unless_councillor(person, council, "person_id")
        if group is None:
            raise Refused(
                "group_id", _("Vælg det parti eller listesamarbejde, der har valgt medlemmet.")
            )
        if not extra_seat:
            _refuse_full_group(council, group, starts_on)
    _check_single_office(council, office, starts_on, None)
    membership = Membership(
        council=council,
        person=person,
        municipality=municipality,
        group=group,
        kind=kind,
        office=office,
        starts_on=starts_on,
        extra_seat=extra_seat,
        succeeds=succeeds,
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
    membership: Membership, ends_on: date, reason: str = "", cause: EndCause | None = None
) -> SubstituteAssignment | None:
    """The membership ends but stays in the history (rule 1.9). A mayor's seat ends with the
    deputy's role as substitute, which follows the office; a group-elected member's seat goes
    through `leave_council` (rule 1.13), where the substitute stays."""
    _end_period(membership, ends_on, reason, cause)
    if membership.kind is not MembershipKind.MAYOR:
        return None
    assignment = _substitute_from(membership, ends_on)
    if assignment is not None:
        end_substitute(assignment, max(ends_on, assignment.starts_on), EndCause.SEAT_ENDED)
    return assignment


def _end_period(membership: Membership, ends_on: date, reason: str, cause: EndCause | None) -> None:
    if membership.ends_on is not None:
        raise Refused("ends_on", _("Medlemskabet er allerede afsluttet."))
    if ends_on < membership.starts_on:
        raise Refused("ends_on", _("Sidste dag kan ikke ligge før medlemskabets start."))
    before = audit.snapshot(membership)
    membership.ends_on, membership.end_reason, membership.end_cause = ends_on, reason or None, cause
    audit.record("membership_ended", membership, before=before, after=audit.snapshot(membership))
    # What the person may see changes: they sign in again, on every device.
    sessions.end_all(membership.person_id, "membership_ended")


def _substitute_from(membership: Membership, day: date) -> SubstituteAssignment | None:
    """The substitute assignment of `membership` that has not ended before `day`."""
    return db.session.scalar(
        select(SubstituteAssignment).where(
            SubstituteAssignment.membership_id == membership.id,
            _overlapping(SubstituteAssignment, day),
        )
    )


class Successor(enum.StrEnum):
    """Rule 1.13: who takes a group-elected member's seat."""

    SUBSTITUTE = "substitute"  # the personal substitute becomes the member
    NEW_MEMBER = "new_member"  # the substitute declines; the group names a new member
    NONE = "none"  # no substitute, and the group has named no one yet: the seat is vacant


def leave_council(
    membership: Membership,
    *,
    last_day: date,
    cause: EndCause,
    successor: Successor,
    new_member: Person | None = None,
) -> Membership | None:
    """Rules 1.9 and 1.13: a group-elected member stops being a councillor or leaves their
    group, and so leaves the council on `last_day`. Their substitute becomes the member from
    the next day (the group then names a new substitute: a task until it is done), or declines:
    the group's new member takes the seat and the substitute stays as that member's substitute.
    Returns the membership that took the seat, if any."""
    if membership.kind is MembershipKind.MAYOR:
        raise Refused("", _("En borgmesterplads følger borgmesterhvervet; brug Afslut medlemskab."))
    council = membership.council
    first_day = last_day + timedelta(days=1)
    assignment = _substitute_from(membership, last_day)
    if successor is Successor.SUBSTITUTE and assignment is None:
        raise Refused(
            "successor",
            _("Medlemmet har ingen personlig stedfortræder. Vælg gruppens nye medlem."),
        )
    if successor is Successor.NEW_MEMBER and new_member is None:
        raise Refused("new_member_id", _("Vælg det nye medlem, gruppen har valgt."))
    if successor is Successor.NONE and assignment is not None:
        raise Refused(
            "successor",
            _(
                "%(name)s er personlig stedfortræder og indtræder som medlem, medmindre "
                "stedfortræderen ikke ønsker det (regel 1.13).",
                name=assignment.substitute.name,
            ),
        )
    if assignment is not None and assignment.starts_on > last_day:
        raise Refused("last_day", _("Stedfortræderrollen begynder først efter den dag."))
    _end_period(membership, last_day, "", cause)
    if successor is Successor.NONE:
        return None
    if successor is Successor.SUBSTITUTE:
        assert assignment is not None
        end_substitute(assignment, last_day, EndCause.BECAME_MEMBER)
        person = assignment.substitute
    else:
        assert new_member is not None
        if assignment is not None and new_member.id == assignment.substitute_id:
            raise Refused(
                "new_member_id",
                _("Stedfortræderen indtræder som medlem: vælg »Stedfortræderen indtræder«."),
            )
        if assignment is not None:
            end_substitute(assignment, last_day, EndCause.SEAT_ENDED)
        person = new_member
    _refuse_unless_councillor(person, council, "new_member_id")
    taking = add_membership(
        council,
        person=person,
        municipality=person.municipality,  # type: ignore[arg-type] - checked just above
        group=membership.group,
        kind=MembershipKind.GROUP_ELECTED,
        office=CouncilOffice.MEMBER,
        starts_on=first_day,
        succeeds=membership,
    )
    db.session.flush()
    if successor is Successor.NEW_MEMBER and assignment is not None:
        # Rule 1.13: the substitute stays, as the new member's personal substitute.
        assign_substitute(taking, assignment.substitute, first_day)
    notify(
        [person],
        NoticeKind.GENERAL,
        subject=_("Du er medlem af %(council)s", council=council.name),
        body=_(
            "Fra %(day)s er du medlem af %(council)s i stedet for %(name)s.",
            day=first_day.isoformat(),
            council=council.name,
            name=membership.person.name,
        ),
        link="/overblik",
        council=council,
    )
    return taking


def change_mayor_group(
    membership: Membership, group: Group | None, changed_on: date
) -> GroupChange:
    """Rule 1.10: a mayor who leaves their party stays a member; the composition is not
    computed again. The seat still counts for the old group (portal/councils/seating.py)."""
    if membership.kind is not MembershipKind.MAYOR:
        raise Refused(
            "group_id",
            _(
                "Kun en borgmester bliver i rådet efter at have forladt sit parti (regel 1.10). "
                "Et medlem valgt af en gruppe udtræder (regel 1.9)."
            ),
        )
    if group is not None and group.council_id != membership.council_id:
        raise Refused("group_id", _("Vælg en af rådets grupper."))
    if group is not None and group.id == membership.group_id:
        raise Refused("group_id", _("Borgmesteren repræsenterer allerede den gruppe."))
    if not membership.is_active_on(changed_on):
        raise Refused("changed_on", _("Medlemskabet gælder ikke på den dato."))
    later = db.session.scalar(
        select(GroupChange).where(
            GroupChange.membership_id == membership.id, GroupChange.changed_on >= changed_on
        )
    )
    if later is not None:
        raise Refused("changed_on", _("Der er registreret et partiskifte samme dag eller senere."))
    change = GroupChange(
        council_id=membership.council_id,
        membership=membership,
        from_group_id=membership.group_id,
        to_group_id=group.id if group else None,
        changed_on=changed_on,
    )
    db.session.add(change)
    before = audit.snapshot(membership)
    membership.group = group
    db.session.flush()
    audit.record("mayor_changed_group", membership, before=before, after=audit.snapshot(membership))
    return change


def add_extra_member(
    council: Council, *, group: Group, person: Person, starts_on: date
) -> Membership:
    """Rules 1.11-1.12: the party whose only representative, a mayor, left it names a new
    member from its councillors, when it has at least 2 % of the votes. The seat is on top of
    the composition and of the cap of rule 1.1, and counts for quorum (rule 3.7)."""
    if group.council_id != council.id:
        raise Refused("group_id", _("Vælg en af rådets grupper."))
    due = {
        task.group_id
        for task in seating.seat_tasks(council, starts_on)
        if task.kind is seating.TaskKind.EXTRA_SEAT_DUE
    }
    if group.id not in due:
        raise Refused(
            "group_id",
            _(
                "%(group)s kan ikke udpege et ekstra medlem den dag. Det kan et parti, hvis "
                "eneste repræsentant, en borgmester, har forladt partiet, og som har mindst "
                "2 %% af stemmerne (regel 1.11).",
                group=f"{group.letter} · {group.name}",
            ),
        )
    _refuse_unless_councillor(person, council, "person_id")
    return add_membership(
        council,
        person=person,
        municipality=person.municipality,  # type: ignore[arg-type] - a councillor has one
        group=group,
        kind=MembershipKind.GROUP_ELECTED,
        office=CouncilOffice.MEMBER,
        starts_on=starts_on,
        extra_seat=True,
    )


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
    _refuse_unless_councillor(substitute, council, "substitute_id")
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


def end_substitute(
    assignment: SubstituteAssignment, ends_on: date, cause: EndCause | None = None
) -> None:
    """Rule 1.14: the substitute's role ends; the group names a new one (a task until then)."""
    if assignment.ends_on is not None:
        raise Refused("ends_on", _("Stedfortræderrollen er allerede afsluttet."))
    if ends_on < assignment.starts_on:
        raise Refused("ends_on", _("Sidste dag kan ikke ligge før rollens start."))
    before = audit.snapshot(assignment)
    assignment.ends_on, assignment.end_cause = ends_on, cause
    audit.record("substitute_ended", assignment, before=before, after=audit.snapshot(assignment))

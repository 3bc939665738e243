"""Staff maintain the council: municipalities, groups, people, memberships, substitutes.

Every view: load (404 for another council's record), authorise (policy, via `allow`), act
through one operation, redirect 303 on success or show the form again with 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from portal import htmx
from portal.councils import operations, queries, seating
from portal.councils.forms import (
    END_CAUSES,
    MAYOR_CAUSES,
    EndMembershipForm,
    EndPeriodForm,
    EndSubstituteForm,
    ExtraMemberForm,
    GroupChangeForm,
    GroupForm,
    MembershipForm,
    MunicipalityForm,
    OfficeForm,
    PersonForm,
    SubstituteForm,
    cause_choices,
)
from portal.councils.models import (
    Council,
    CouncilOffice,
    EndCause,
    Group,
    GroupKind,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
    SubstituteAssignment,
)
from portal.forms import NO_CHOICE
from portal.policy import COUNCIL_STAFF, allow, today
from portal.views import form_page, load, load_optional

bp = Blueprint("councils", __name__, url_prefix="/kkr/<council_slug>/admin")


def admin_url(endpoint: str, council: Council, **values: Any) -> str:
    return url_for(f"councils.{endpoint}", council_slug=council.slug, **values)


def municipality_choices(council: Council) -> list[SelectChoice]:
    return [NO_CHOICE, *[SelectChoice(m.id, m.name) for m in council.municipalities]]


def group_choices(council: Council) -> list[SelectChoice]:
    groups = queries.groups_of(council)
    return [
        SelectChoice("", _("Ingen")),
        *[SelectChoice(g.id, f"{g.letter} · {g.name}") for g in groups],
    ]


# --- the council at a glance --------------------------------------------------------------


@bp.get("/")
@allow(COUNCIL_STAFF)
def show_council_admin(council: Council):  # noqa: ANN201
    day = today()
    return htmx.render(
        "councils/admin.html",
        council=council,
        rows=seating.seats_on(council, day),
        size=seating.council_size(council, day),
        composition=seating.composition_on(council, day),
        tasks=seating.seat_tasks(council, day),
        chair=seating.office_holder(council, CouncilOffice.CHAIR, day),
        vice_chair=seating.office_holder(council, CouncilOffice.VICE_CHAIR, day),
        staff=queries.staff_of(council, day),
    )


@bp.get("/historik")
@allow(COUNCIL_STAFF)
def show_history(council: Council):  # noqa: ANN201
    return htmx.render(
        "councils/history.html",
        council=council,
        memberships=queries.ended_memberships(council),
        substitutes=queries.ended_substitutes(council),
        causes=END_CAUSES,
    )


# --- municipalities and groups ------------------------------------------------------------


@bp.route("/kommuner", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def list_municipalities(council: Council):  # noqa: ANN201
    form = MunicipalityForm()
    return form_page(
        "councils/municipalities.html",
        form,
        lambda: operations.save_municipality(council, form.name.data),
        _("Kommunen er oprettet."),
        admin_url("list_municipalities", council),
        council=council,
        municipalities=council.municipalities,
    )


@bp.route("/kommuner/<int:municipality_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_municipality(council: Council, municipality_id: int):  # noqa: ANN201
    municipality = load(Municipality, council, municipality_id)
    form = MunicipalityForm(obj=municipality)
    return form_page(
        "councils/municipality_form.html",
        form,
        lambda: operations.save_municipality(council, form.name.data, municipality),
        _("Kommunen er gemt."),
        admin_url("list_municipalities", council),
        council=council,
        municipality=municipality,
    )


@bp.route("/grupper", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def list_groups(council: Council):  # noqa: ANN201
    form = GroupForm()
    return form_page(
        "councils/groups.html",
        form,
        lambda: operations.save_group(
            council, form.letter.data, form.name.data, GroupKind(form.kind.data)
        ),
        _("Gruppen er oprettet."),
        admin_url("list_groups", council),
        council=council,
        groups=queries.groups_of(council),
    )


@bp.route("/grupper/<int:group_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_group(council: Council, group_id: int):  # noqa: ANN201
    group = load(Group, council, group_id)
    form = GroupForm(obj=group, kind=group.kind.value)
    return form_page(
        "councils/group_form.html",
        form,
        lambda: operations.save_group(
            council, form.letter.data, form.name.data, GroupKind(form.kind.data), group
        ),
        _("Gruppen er gemt."),
        admin_url("list_groups", council),
        council=council,
        group=group,
    )


# --- people -------------------------------------------------------------------------------


@bp.get("/personer")
@allow(COUNCIL_STAFF)
def list_people(council: Council):  # noqa: ANN201
    search = request.args.get("q", "").strip()[:100]
    return htmx.render(
        "councils/people.html",
        block="results",
        council=council,
        search=search,
        people=queries.people_of(council, search),
    )


def _person_page(council: Council, person: Person | None):  # noqa: ANN202
    form = PersonForm(
        obj=person,
        municipality_id=person.municipality_id if person else None,
        municipal_office=(person.municipal_office if person else MunicipalOffice.COUNCILLOR).value,
    )
    form.municipality_id.choices = municipality_choices(council)

    def save() -> Person:
        return operations.save_person(
            council,
            name=form.name.data,
            email=form.email.data,
            municipality=load_optional(Municipality, council, form.municipality_id.data),
            office=MunicipalOffice(form.municipal_office.data),
            person=person,
            mayor_since=form.mayor_since.data,
            born_on=form.born_on.data,
        )

    return form_page(
        "councils/person_form.html",
        form,
        save,
        _("Personen er gemt.") if person else _("Personen er oprettet."),
        admin_url("list_people", council),
        council=council,
        person=person,
    )


@bp.route("/personer/ny", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def add_person(council: Council):  # noqa: ANN201
    return _person_page(council, None)


@bp.route("/personer/<int:person_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_person(council: Council, person_id: int):  # noqa: ANN201
    return _person_page(council, load(Person, council, person_id))


# --- memberships (rules 1.0, 1.9) ---------------------------------------------------------


@bp.route("/medlemmer/ny", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def add_membership(council: Council):  # noqa: ANN201
    form = MembershipForm(starts_on=today())
    form.person_id.choices = [
        NO_CHOICE,
        *[SelectChoice(p.id, f"{p.name} ({p.email})") for p in queries.people_of(council)],
    ]
    form.municipality_id.choices = municipality_choices(council)
    form.group_id.choices = group_choices(council)
    return form_page(
        "councils/membership_form.html",
        form,
        lambda: operations.add_membership(
            council,
            person=load(Person, council, form.person_id.data),
            municipality=load(Municipality, council, form.municipality_id.data),
            group=load_optional(Group, council, form.group_id.data),
            kind=MembershipKind(form.kind.data),
            office=CouncilOffice(form.office.data),
            starts_on=form.starts_on.data,
        ),
        lambda membership: _("%(name)s er indsat som medlem.", name=membership.person.name),
        admin_url("show_council_admin", council),
        council=council,
    )


def _membership_page(
    council: Council,
    membership: Membership,
    *,
    submitted: FlaskForm,
    office_form: OfficeForm,
    end_form: EndPeriodForm,
    substitute: SubstituteAssignment | None,
    act: Callable[[], Any],
    success: str | Callable[[Any], str],
):  # noqa: ANN202
    """The membership page holds two forms: office and group, and ending the substitute;
    `submitted` is the one this request posts."""
    office_form.group_id.choices = group_choices(council)
    return form_page(
        "councils/membership.html",
        submitted,
        act,
        success,
        admin_url("edit_membership", council, membership_id=membership.id),
        council=council,
        membership=membership,
        office_form=office_form,
        end_form=end_form,
        substitute=substitute,
    )


@bp.route("/medlemmer/<int:membership_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_membership(council: Council, membership_id: int):  # noqa: ANN201
    membership = load(Membership, council, membership_id)
    office_form = OfficeForm(office=membership.office.value, group_id=membership.group_id)
    end_form = EndSubstituteForm(ends_on=today(), formdata=None, prefix="end")
    return _membership_page(
        council,
        membership,
        submitted=office_form,
        office_form=office_form,
        end_form=end_form,
        substitute=queries.substitute_of_membership(membership, today()),
        act=lambda: operations.change_office(
            membership,
            CouncilOffice(office_form.office.data),
            load_optional(Group, council, office_form.group_id.data),
        ),
        success=_("Medlemskabet er gemt."),
    )


@bp.route("/medlemmer/<int:membership_id>/afslut", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def end_membership(council: Council, membership_id: int):  # noqa: ANN201
    """Rules 1.9 and 1.13: the member leaves; a group-elected member's seat passes on."""
    membership = load(Membership, council, membership_id)
    substitute = seating.substitute_of(membership, today())
    # Rule 1.13: the substitute takes the seat; without one, no one yet unless staff name one.
    successor = operations.Successor.SUBSTITUTE if substitute else operations.Successor.NONE
    form = EndMembershipForm(ends_on=today(), successor=successor.value)
    is_mayor = membership.kind is MembershipKind.MAYOR
    if is_mayor:
        form.cause.choices = cause_choices(MAYOR_CAUSES)
    form.new_member_id.choices = [
        NO_CHOICE,
        *[
            SelectChoice(p.id, f"{p.name}, {p.municipality.name if p.municipality else '—'}")
            for p in queries.people_of(council)
            if p.id != membership.person_id
        ],
    ]

    def act() -> Membership | None:
        cause = EndCause(form.cause.data)
        if is_mayor:
            operations.end_membership(membership, form.ends_on.data, cause=cause)
            return None
        return operations.leave_council(
            membership,
            last_day=form.ends_on.data,
            cause=cause,
            successor=operations.Successor(form.successor.data),
            new_member=load_optional(Person, council, form.new_member_id.data),
        )

    def ended(taking: Membership | None) -> str:
        message = _("Medlemskabet er afsluttet og står i historikken.")
        if taking is not None:
            message += " " + _(
                "%(name)s har pladsen fra %(day)s.",
                name=taking.person.name,
                day=taking.starts_on.isoformat(),
            )
        return message

    return form_page(
        "councils/end_membership.html",
        form,
        act,
        ended,
        admin_url("show_council_admin", council),
        council=council,
        membership=membership,
        is_mayor=is_mayor,
        substitute=substitute,
    )


@bp.route("/medlemmer/<int:membership_id>/partiskifte", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def change_mayor_group(council: Council, membership_id: int):  # noqa: ANN201
    """Rule 1.10: a mayor leaves their party and stays a member."""
    membership = load(Membership, council, membership_id)
    form = GroupChangeForm(changed_on=today())
    form.group_id.choices = group_choices(council)
    return form_page(
        "councils/group_change.html",
        form,
        lambda: operations.change_mayor_group(
            membership, load_optional(Group, council, form.group_id.data), form.changed_on.data
        ),
        _("Partiskiftet er registreret. Rådets sammensætning beregnes ikke igen (regel 1.10)."),
        admin_url("show_council_admin", council),
        council=council,
        membership=membership,
    )


@bp.route("/medlemmer/ekstra", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def add_extra_member(council: Council):  # noqa: ANN201
    """Rules 1.11-1.12: the member a party names after its only representative left it."""
    group_id = request.args.get("gruppe", "")
    form = ExtraMemberForm(
        starts_on=today(),
        group_id=int(group_id) if group_id.isdigit() and len(group_id) < 10 else None,
    )
    form.group_id.choices = [NO_CHOICE, *group_choices(council)[1:]]
    form.person_id.choices = [
        NO_CHOICE,
        *[
            SelectChoice(p.id, f"{p.name}, {p.municipality.name}")
            for p in queries.people_of(council)
            if operations.is_councillor_in(p, council)
        ],
    ]
    return form_page(
        "councils/extra_member.html",
        form,
        lambda: operations.add_extra_member(
            council,
            group=load(Group, council, form.group_id.data),
            person=load(Person, council, form.person_id.data),
            starts_on=form.starts_on.data,
        ),
        lambda membership: _(
            "%(name)s er indsat på en ekstra plads (regel 1.12).", name=membership.person.name
        ),
        admin_url("show_council_admin", council),
        council=council,
    )


# --- substitutes (rule 1.2) ---------------------------------------------------------------


@bp.route("/medlemmer/<int:membership_id>/stedfortraeder", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def assign_substitute(council: Council, membership_id: int):  # noqa: ANN201
    membership = load(Membership, council, membership_id)
    form = SubstituteForm(starts_on=today())
    form.substitute_id.choices = [
        NO_CHOICE,
        *[
            SelectChoice(p.id, f"{p.name}, {p.municipality.name if p.municipality else '—'}")
            for p in queries.people_of(council)
            if p.id != membership.person_id
        ],
    ]
    return form_page(
        "councils/substitute_form.html",
        form,
        lambda: operations.assign_substitute(
            membership, load(Person, council, form.substitute_id.data), form.starts_on.data
        ),
        lambda assignment: _(
            "%(substitute)s er personlig stedfortræder for %(member)s.",
            substitute=assignment.substitute.name,
            member=membership.person.name,
        ),
        admin_url("show_council_admin", council),
        council=council,
        membership=membership,
    )


@bp.post("/stedfortraedere/<int:assignment_id>/afslut")
@allow(COUNCIL_STAFF)
def end_substitute(council: Council, assignment_id: int):  # noqa: ANN201
    assignment = load(SubstituteAssignment, council, assignment_id)
    membership = assignment.membership
    end_form = EndSubstituteForm(prefix="end")
    return _membership_page(
        council,
        membership,
        submitted=end_form,
        office_form=OfficeForm(
            office=membership.office.value, group_id=membership.group_id, formdata=None
        ),
        end_form=end_form,
        substitute=assignment,
        act=lambda: operations.end_substitute(
            assignment, end_form.ends_on.data, EndCause(end_form.cause.data)
        ),
        success=_("%(name)s er ikke længere stedfortræder.", name=assignment.substitute.name),
    )

"""Staff maintain the council: municipalities, groups, people, memberships, substitutes.

Every view: load (404 for another council's record), authorise (policy, via `allow`), act
through one operation, redirect 303 on success or re-render the form with 422.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal import htmx
from portal.councils import operations, queries
from portal.councils.forms import (
    EndPeriodForm,
    GroupForm,
    MembershipForm,
    MunicipalityForm,
    OfficeForm,
    PersonForm,
    SubstituteForm,
)
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
)
from portal.councils.operations import Refused
from portal.forms import NO_CHOICE
from portal.policy import COUNCIL_STAFF, allow, today

bp = Blueprint("councils", __name__, url_prefix="/kkr/<council_slug>/admin")


def load(model: type, council: Council, object_id: int) -> Any:
    found = queries.in_council(model, council, object_id)
    if found is None:
        abort(404)
    return found


def refused(form: FlaskForm, refusal: Refused) -> None:
    getattr(form, refusal.field).errors.append(refusal.message)


def invalid(template: str, **context: Any):  # noqa: ANN201
    """The form again with its messages; 422 so htmx 4 swaps it in and caches do not keep it."""
    return htmx.render(template, block="form", status=422, **context)


def done(message: str, endpoint: str, council: Council, **values: Any):  # noqa: ANN201
    flash(message, "success")
    return redirect(url_for(endpoint, council_slug=council.slug, **values), 303)


def municipality_choices(council: Council, optional: bool = False) -> list[tuple]:
    choices = [(m.id, m.name) for m in council.municipalities]
    return [NO_CHOICE, *choices] if optional else choices


def group_choices(council: Council) -> list[tuple]:
    groups = queries.groups_of(council)
    return [("", _("Ingen")), *[(g.id, f"{g.letter} · {g.name}") for g in groups]]


# --- the council at a glance --------------------------------------------------------------


@bp.get("/")
@allow(COUNCIL_STAFF)
def show_council_admin(council: Council):  # noqa: ANN201
    return htmx.render(
        "councils/admin.html",
        council=council,
        rows=queries.member_rows(council, today()),
        staff=queries.staff_of(council, today()),
    )


@bp.get("/historik")
@allow(COUNCIL_STAFF)
def show_history(council: Council):  # noqa: ANN201
    return htmx.render(
        "councils/history.html",
        council=council,
        memberships=queries.ended_memberships(council),
        substitutes=queries.ended_substitutes(council),
    )


# --- municipalities -----------------------------------------------------------------------


@bp.route("/kommuner", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def list_municipalities(council: Council):  # noqa: ANN201
    form = MunicipalityForm()
    context = {"council": council, "form": form, "municipalities": council.municipalities}
    if form.validate_on_submit():
        try:
            operations.save_municipality(council, form.name.data)
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(_("Kommunen er oprettet."), "councils.list_municipalities", council)
    if form.is_submitted():
        return invalid("councils/municipalities.html", **context)
    return htmx.render("councils/municipalities.html", **context)


@bp.route("/kommuner/<int:municipality_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_municipality(council: Council, municipality_id: int):  # noqa: ANN201
    municipality = load(Municipality, council, municipality_id)
    form = MunicipalityForm(obj=municipality)
    context = {"council": council, "form": form, "municipality": municipality}
    if form.validate_on_submit():
        try:
            operations.save_municipality(council, form.name.data, municipality)
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(_("Kommunen er gemt."), "councils.list_municipalities", council)
    if form.is_submitted():
        return invalid("councils/municipality_form.html", **context)
    return htmx.render("councils/municipality_form.html", **context)


# --- groups -------------------------------------------------------------------------------


@bp.route("/grupper", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def list_groups(council: Council):  # noqa: ANN201
    form = GroupForm()
    context = {"council": council, "form": form, "groups": queries.groups_of(council)}
    if form.validate_on_submit():
        try:
            operations.save_group(
                council, form.letter.data, form.name.data, GroupKind(form.kind.data)
            )
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(_("Gruppen er oprettet."), "councils.list_groups", council)
    if form.is_submitted():
        return invalid("councils/groups.html", **context)
    return htmx.render("councils/groups.html", **context)


@bp.route("/grupper/<int:group_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_group(council: Council, group_id: int):  # noqa: ANN201
    group = load(Group, council, group_id)
    form = GroupForm(obj=group, kind=group.kind.value)
    context = {"council": council, "form": form, "group": group}
    if form.validate_on_submit():
        try:
            operations.save_group(
                council, form.letter.data, form.name.data, GroupKind(form.kind.data), group
            )
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(_("Gruppen er gemt."), "councils.list_groups", council)
    if form.is_submitted():
        return invalid("councils/group_form.html", **context)
    return htmx.render("councils/group_form.html", **context)


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


def _person_form(council: Council, person: Person | None = None) -> PersonForm:
    if person is None:
        form = PersonForm()
    else:
        form = PersonForm(
            obj=person,
            municipality_id=person.municipality_id,
            municipal_office=person.municipal_office.value,
        )
    form.municipality_id.choices = municipality_choices(council, optional=True)
    return form


def _save_person(council: Council, form: PersonForm, person: Person | None) -> Person:
    municipality = (
        load(Municipality, council, form.municipality_id.data)
        if form.municipality_id.data
        else None
    )
    return operations.save_person(
        council,
        name=form.name.data,
        email=form.email.data,
        municipality=municipality,
        office=MunicipalOffice(form.municipal_office.data),
        person=person,
    )


@bp.route("/personer/ny", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def add_person(council: Council):  # noqa: ANN201
    form = _person_form(council)
    context = {"council": council, "form": form, "person": None}
    if form.validate_on_submit():
        try:
            _save_person(council, form, None)
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(_("Personen er oprettet."), "councils.list_people", council)
    if form.is_submitted():
        return invalid("councils/person_form.html", **context)
    return htmx.render("councils/person_form.html", **context)


@bp.route("/personer/<int:person_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_person(council: Council, person_id: int):  # noqa: ANN201
    person = load(Person, council, person_id)
    form = _person_form(council, person)
    context = {"council": council, "form": form, "person": person}
    if form.validate_on_submit():
        try:
            _save_person(council, form, person)
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(_("Personen er gemt."), "councils.list_people", council)
    if form.is_submitted():
        return invalid("councils/person_form.html", **context)
    return htmx.render("councils/person_form.html", **context)


# --- memberships --------------------------------------------------------------------------


@bp.route("/medlemmer/ny", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def add_membership(council: Council):  # noqa: ANN201
    form = MembershipForm(starts_on=today())
    form.person_id.choices = [
        NO_CHOICE,
        *[(p.id, f"{p.name} ({p.email})") for p in queries.people_of(council)],
    ]
    form.municipality_id.choices = municipality_choices(council, optional=True)
    form.group_id.choices = group_choices(council)
    context = {"council": council, "form": form}
    if form.validate_on_submit():
        try:
            membership = operations.add_membership(
                council,
                person=load(Person, council, form.person_id.data),
                municipality=load(Municipality, council, form.municipality_id.data),
                group=load(Group, council, form.group_id.data) if form.group_id.data else None,
                kind=MembershipKind(form.kind.data),
                office=CouncilOffice(form.office.data),
                starts_on=form.starts_on.data,
            )
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(
                _("%(name)s er indsat som medlem.", name=membership.person.name),
                "councils.show_council_admin",
                council,
            )
    if form.is_submitted():
        return invalid("councils/membership_form.html", **context)
    return htmx.render("councils/membership_form.html", **context)


@bp.route("/medlemmer/<int:membership_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_membership(council: Council, membership_id: int):  # noqa: ANN201
    membership = load(Membership, council, membership_id)
    form = OfficeForm(office=membership.office.value, group_id=membership.group_id)
    form.group_id.choices = group_choices(council)
    substitute = queries.substitute_of_membership(membership, today())
    context = {
        "council": council,
        "form": form,
        "membership": membership,
        "substitute": substitute,
        "end_form": EndPeriodForm(ends_on=today(), formdata=None),
    }
    if form.validate_on_submit():
        try:
            operations.change_office(
                membership,
                CouncilOffice(form.office.data),
                load(Group, council, form.group_id.data) if form.group_id.data else None,
            )
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(_("Medlemskabet er gemt."), "councils.show_council_admin", council)
    if form.is_submitted():
        return invalid("councils/membership.html", **context)
    return htmx.render("councils/membership.html", **context)


@bp.route("/medlemmer/<int:membership_id>/afslut", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def end_membership(council: Council, membership_id: int):  # noqa: ANN201
    membership = load(Membership, council, membership_id)
    form = EndPeriodForm(ends_on=today())
    context = {"council": council, "form": form, "membership": membership}
    if form.validate_on_submit():
        try:
            ended_substitute = operations.end_membership(
                membership, form.ends_on.data, form.reason.data
            )
        except Refused as refusal:
            refused(form, refusal)
        else:
            message = _("Medlemskabet er afsluttet og står i historikken.")
            if ended_substitute is not None:
                message += " " + _(
                    "%(name)s er ikke længere stedfortræder for pladsen.",
                    name=ended_substitute.substitute.name,
                )
            return done(message, "councils.show_council_admin", council)
    if form.is_submitted():
        return invalid("councils/end_membership.html", **context)
    return htmx.render("councils/end_membership.html", **context)


# --- substitutes (rule 1.2) ---------------------------------------------------------------


@bp.route("/medlemmer/<int:membership_id>/stedfortraeder", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def assign_substitute(council: Council, membership_id: int):  # noqa: ANN201
    membership = load(Membership, council, membership_id)
    form = SubstituteForm(starts_on=today())
    form.substitute_id.choices = [
        NO_CHOICE,
        *[
            (p.id, f"{p.name}, {p.municipality.name if p.municipality else '—'}")
            for p in queries.people_of(council)
            if p.id != membership.person_id
        ],
    ]
    context = {"council": council, "form": form, "membership": membership}
    if form.validate_on_submit():
        try:
            assignment = operations.assign_substitute(
                membership, load(Person, council, form.substitute_id.data), form.starts_on.data
            )
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(
                _(
                    "%(substitute)s er personlig stedfortræder for %(member)s.",
                    substitute=assignment.substitute.name,
                    member=membership.person.name,
                ),
                "councils.show_council_admin",
                council,
            )
    if form.is_submitted():
        return invalid("councils/substitute_form.html", **context)
    return htmx.render("councils/substitute_form.html", **context)


@bp.post("/stedfortraedere/<int:assignment_id>/afslut")
@allow(COUNCIL_STAFF)
def end_substitute(council: Council, assignment_id: int):  # noqa: ANN201
    assignment = load(SubstituteAssignment, council, assignment_id)
    form = EndPeriodForm()
    if form.validate_on_submit():
        try:
            operations.end_substitute(assignment, form.ends_on.data)
        except Refused as refusal:
            refused(form, refusal)
        else:
            return done(
                _("%(name)s er ikke længere stedfortræder.", name=assignment.substitute.name),
                "councils.edit_membership",
                council,
                membership_id=assignment.membership_id,
            )
    membership = assignment.membership
    return invalid(
        "councils/membership.html",
        council=council,
        membership=membership,
        substitute=assignment,
        form=OfficeForm(
            office=membership.office.value, group_id=membership.group_id, formdata=None
        ),
        end_form=form,
    )

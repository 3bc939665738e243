"""Demo sign-in: act as any demo person. Registered only with PORTAL_DEMO=1."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.auth.views import landing_after_sign_in, start_session
from portal.councils.models import (
    CouncilOffice,
    Membership,
    Person,
    StaffAssignment,
    SubstituteAssignment,
)
from portal.extensions import db
from portal.policy import DEMO, allow
from portal.types import row_id

bp = Blueprint("demo", __name__, url_prefix="/demo")


def demo_people() -> dict[str, list]:
    staff = db.session.scalars(
        select(StaffAssignment).options(joinedload(StaffAssignment.person))
    ).all()
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.ends_on.is_(None))
        .options(joinedload(Membership.person), joinedload(Membership.municipality))
        .order_by(Membership.id)
    ).all()
    # Chair and vice-chair first: they are the ones a demo visitor most often wants.
    office_order = {CouncilOffice.CHAIR: 0, CouncilOffice.VICE_CHAIR: 1, CouncilOffice.MEMBER: 2}
    memberships = sorted(memberships, key=lambda m: office_order[m.office])
    substitutes = db.session.scalars(
        select(SubstituteAssignment)
        .where(SubstituteAssignment.ends_on.is_(None))
        .options(
            joinedload(SubstituteAssignment.substitute),
            joinedload(SubstituteAssignment.membership).joinedload(Membership.person),
        )
    ).all()
    return {"staff": staff, "members": memberships, "substitutes": substitutes}


@bp.get("/log-ind")
@allow(DEMO)
def choose_person():  # noqa: ANN201
    return render_template("demo/choose_person.html", **demo_people())


@bp.post("/log-ind")
@allow(DEMO)
def sign_in_as():  # noqa: ANN201
    person_id = row_id(request.form.get("person_id"))
    person = db.session.get(Person, person_id) if person_id else None
    if person is None:
        abort(404)
    start_session(person, "demo")
    audit.record("signed_in", person, after={"provider": "demo"}, actor_id=person.id)
    return redirect(landing_after_sign_in(), 303)

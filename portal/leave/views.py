"""Long leave (rules 1.6–1.7).

Members register their own leave; the secretariat records the council's decision on a
group-elected member's leave. Every view: load (another person's leave: 404), authorise (policy, via
`allow`), act through one operation, redirect 303 (HX-Redirect for htmx) or show the form
again with 422.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.councils.models import Council, Membership
from portal.councils.queries import current_memberships, memberships_of
from portal.extensions import db
from portal.forms import NO_CHOICE
from portal.leave import operations as operations
from portal.leave import queries as queries
from portal.leave.forms import LeaveForm
from portal.leave.models import Leave, LeaveKind, LeaveStatus
from portal.policy import COUNCIL_STAFF, SIGNED_IN, allow, today
from portal.types import utcnow
from portal.views import form_page, load, me, post_action

bp = Blueprint("leave", __name__)


def leave_success(leave: Leave) -> str:
    if leave.status is LeaveStatus.APPLIES:
        return _("Orloven er registreret og gælder. Stedfortræderen er indkaldt.")
    return _("Orloven er registreret og afventer rådets beslutning (regel 1.7).")


# --- a member's own leave -----------------------------------------------------------------


@bp.route("/orlov", methods=["GET", "POST"])
@allow(SIGNED_IN)
def register_leave():  # noqa: ANN201
    memberships = memberships_of(current_user, today())
    if request.method == "POST" and not memberships:
        abort(403)
    form = LeaveForm(starts_on=today())
    form.membership_id.choices = [SelectChoice(m.id, m.council.name) for m in memberships]
    if len(memberships) == 1 and not form.is_submitted():
        form.membership_id.data = memberships[0].id

    def register() -> Leave:
        membership = next(m for m in memberships if m.id == form.membership_id.data)
        return operations.register_leave(
            membership,
            LeaveKind(form.kind.data),
            form.starts_on.data,
            form.ends_on.data,
            by=me(),
            by_staff=False,
            now=utcnow(),
        )

    return form_page(
        "leave/leave.html",
        form,
        register,
        leave_success,
        url_for(".register_leave"),
        memberships=memberships,
        rows=queries.leaves_of_person(current_user, utcnow()),
        today=today(),
        member_may_cancel=operations.member_may_cancel,
    )


@bp.post("/orlov/<int:leave_id>/annuller")
@allow(SIGNED_IN)
def cancel_leave(leave_id: int):  # noqa: ANN201
    leave = db.session.get(Leave, leave_id)
    if leave is None or leave.membership.person_id != current_user.id:
        abort(404)  # another person's leave is not there for you
    return post_action(
        lambda: operations.cancel_leave(leave, by=me(), by_staff=False, now=utcnow()),
        _("Orloven er trukket tilbage."),
        url_for(".register_leave"),
    )


# --- the secretariat ----------------------------------------------------------------------


def staff_url(endpoint: str, council: Council, **values: Any) -> str:
    return url_for(f".{endpoint}", council_slug=council.slug, **values)


def member_choices(council: Council) -> list[SelectChoice]:
    memberships = current_memberships(council, today())
    memberships.sort(key=lambda m: m.person.name)
    return [
        NO_CHOICE,
        *[SelectChoice(m.id, f"{m.person.name}, {m.municipality.name}") for m in memberships],
    ]


@bp.route("/kkr/<council_slug>/admin/orlov", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def list_council_leaves(council: Council):  # noqa: ANN201
    form = LeaveForm(starts_on=today())
    form.membership_id.choices = member_choices(council)
    return form_page(
        "leave/leave_admin.html",
        form,
        lambda: operations.register_leave(
            load(Membership, council, form.membership_id.data),
            LeaveKind(form.kind.data),
            form.starts_on.data,
            form.ends_on.data,
            by=me(),
            by_staff=True,
            now=utcnow(),
        ),
        leave_success,
        staff_url("list_council_leaves", council),
        council=council,
        rows=queries.leaves_of_council(council, utcnow()),
    )


@bp.post("/kkr/<council_slug>/admin/orlov/<int:leave_id>/beslutning")
@allow(COUNCIL_STAFF)
def decide_leave(council: Council, leave_id: int):  # noqa: ANN201
    leave = load(Leave, council, leave_id)
    decision = request.form.get("decision")
    if decision not in ("approved", "refused"):
        abort(400)
    approved = decision == "approved"
    return post_action(
        lambda: operations.record_leave_decision(leave, approved, by=me(), now=utcnow()),
        _("Rådets godkendelse er registreret. Stedfortræderen er indkaldt.")
        if approved
        else _("Rådets afvisning er registreret."),
        staff_url("list_council_leaves", council),
    )


@bp.post("/kkr/<council_slug>/admin/orlov/<int:leave_id>/annuller")
@allow(COUNCIL_STAFF)
def cancel_council_leave(council: Council, leave_id: int):  # noqa: ANN201
    leave = load(Leave, council, leave_id)
    return post_action(
        lambda: operations.cancel_leave(leave, by=me(), by_staff=True, now=utcnow()),
        _("Orloven er annulleret."),
        staff_url("list_council_leaves", council),
    )

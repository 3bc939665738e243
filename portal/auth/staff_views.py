"""Staff see and keep a person's sign-in: provider bindings and live sessions.

A provider migration (AD FS to Entra ID, a new app registration) gives everyone new accounts:
staff can remove the old bindings and bind the new accounts in advance, without the database.
"""

from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.auth import operations, sessions
from portal.auth.forms import BindingForm
from portal.auth.models import Identity, SignInSession
from portal.auth.providers import provider_or_404, providers
from portal.councils.models import Council, Person
from portal.extensions import db
from portal.forms import NO_CHOICE
from portal.policy import COUNCIL_STAFF, allow
from portal.views import form_page, load, me, post_action

bp = Blueprint("sign_in_admin", __name__, url_prefix="/kkr/<council_slug>/admin")


def page_url(council: Council, person: Person) -> str:
    return url_for("sign_in_admin.show", council_slug=council.slug, person_id=person.id)


def binding_form() -> BindingForm:
    form = BindingForm()
    form.provider.choices = [NO_CHOICE] + [
        SelectChoice(provider.name, provider.label) for provider in providers()
    ]
    tenants = [
        SelectChoice(tenant.id, f"{provider.label}: {', '.join(tenant.email_domains)}")
        for provider in providers()
        for tenant in provider.tenants
    ]
    form.tenant.choices = [NO_CHOICE, *tenants]
    return form


def _bindings(person: Person) -> list[tuple[Identity, str]]:
    rows = db.session.scalars(
        select(Identity).where(Identity.person_id == person.id).order_by(Identity.bound_at)
    )
    return [(identity, operations.provider_label(identity)) for identity in rows]


def _persons(model: type, row_id: int, person: Person):  # noqa: ANN202
    """The person's own binding or session: another person's is not found."""
    row = db.session.get(model, row_id)
    if row is None or row.person_id != person.id:
        abort(404)
    return row


@bp.route("/personer/<int:person_id>/log-ind", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def show(council: Council, person_id: int):  # noqa: ANN201
    person = load(Person, council, person_id)
    form = binding_form()
    return form_page(
        "auth/person_sign_in.html",
        form,
        lambda: operations.bind_in_advance(
            person,
            provider_or_404(form.provider.data),
            form.subject.data,
            form.tenant.data or None,
            bound_by=me(),
        ),
        _("Kontoen er knyttet til %(name)s.", name=person.name),
        page_url(council, person),
        council=council,
        person=person,
        bindings=_bindings(person),
        live=sessions.live_sessions(person.id),
        has_tenants=any(provider.tenants for provider in providers()),
    )


@bp.post("/personer/<int:person_id>/log-ind/<int:identity_id>/fjern")
@allow(COUNCIL_STAFF)
def remove(council: Council, person_id: int, identity_id: int):  # noqa: ANN201
    person = load(Person, council, person_id)
    identity = _persons(Identity, identity_id, person)
    return post_action(
        lambda: operations.remove_binding(identity),
        _("Kontoen er fjernet, og personens sessioner er afsluttet."),
        page_url(council, person),
    )


@bp.post("/personer/<int:person_id>/sessioner/<int:session_id>/afslut")
@allow(COUNCIL_STAFF)
def end_session(council: Council, person_id: int, session_id: int):  # noqa: ANN201
    person = load(Person, council, person_id)
    row = _persons(SignInSession, session_id, person)
    return post_action(
        lambda: operations.end_session(row),
        _("Sessionen er afsluttet."),
        page_url(council, person),
    )

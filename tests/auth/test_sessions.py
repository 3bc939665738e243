"""Sessions live in the database: signing out, staff, a removed binding or an ended membership
end them everywhere; they end after an idle and an absolute time; a copied cookie then signs
no one in."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.auth.models import Identity, SignInSession
from portal.councils import operations as council_operations
from portal.extensions import db
from portal.policy import today
from tests.conftest import sign_in
from tests.factories import make_council, make_member, make_person, make_staff
from tests.oidc import (
    RunningProvider,
    assert_not_signed_in,
    assert_signed_in_as,
    login_for,
    sign_in_via,
)


def copy_cookie(source: FlaskClient, target: FlaskClient) -> None:
    cookie = source.get_cookie("kkr_session")
    assert cookie is not None
    target.set_cookie("kkr_session", cookie.value)


def test_a_copied_cookie_is_refused_after_sign_out(oidc_app: Flask, nordby: RunningProvider):
    person = make_person(email="copy@kkr-test.example")
    client, thief = oidc_app.test_client(), oidc_app.test_client()
    sign_in_via(client, nordby, login_for("copy-1", person.email))
    copy_cookie(client, thief)
    assert_signed_in_as(thief, person)  # the copy works while the session lives

    client.post("/log-ud")

    assert_not_signed_in(thief)
    assert_not_signed_in(client)
    db.session.expire_all()
    [row] = db.session.scalars(select(SignInSession))
    assert row.end_reason == "signed_out"


def test_signing_out_ends_the_persons_sessions_on_every_device(app: Flask):
    person = make_person()
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, person)
    sign_in(laptop, person)

    phone.post("/log-ud")

    assert_not_signed_in(laptop)


def test_an_idle_session_ends(app: Flask):
    person = make_person()
    client = app.test_client()
    sign_in(client, person)
    row = db.session.scalar(select(SignInSession))
    row.last_seen_at -= app.config["PORTAL_SESSION_IDLE"] + timedelta(seconds=1)
    db.session.commit()

    assert_not_signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(select(SignInSession)).end_reason == "idle"


def test_a_session_in_use_still_ends_after_the_absolute_time(app: Flask):
    person = make_person()
    client = app.test_client()
    sign_in(client, person)
    row = db.session.scalar(select(SignInSession))
    row.started_at -= app.config["PORTAL_SESSION_MAX"] + timedelta(seconds=1)
    db.session.commit()

    assert_not_signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(select(SignInSession)).end_reason == "expired"


def test_use_moves_the_idle_clock_at_most_once_a_minute(app: Flask):
    person = make_person()
    client = app.test_client()
    sign_in(client, person)
    row = db.session.scalar(select(SignInSession))
    row.last_seen_at -= timedelta(minutes=30)
    db.session.commit()
    stale = row.last_seen_at

    assert_signed_in_as(client, person)
    db.session.expire_all()
    touched = db.session.scalar(select(SignInSession)).last_seen_at
    assert touched > stale + timedelta(minutes=29)
    assert_signed_in_as(client, person)
    db.session.expire_all()
    assert db.session.scalar(select(SignInSession)).last_seen_at == touched


def test_the_idle_and_absolute_times_are_settings(schema: str):
    from tests.conftest import portal_app

    with portal_app(schema, SESSION_IDLE_MINUTES="15", SESSION_MAX_HOURS="2") as app:
        assert app.config["PORTAL_SESSION_IDLE"] == timedelta(minutes=15)
        assert app.config["PORTAL_SESSION_MAX"] == timedelta(hours=2)


def test_ending_a_membership_ends_the_members_sessions(app: Flask):
    council = make_council()
    membership = make_member(council)
    client = app.test_client()
    sign_in(client, membership.person)
    assert_signed_in_as(client, membership.person)

    council_operations.end_membership(membership, today(), "Udtrådt")
    db.session.commit()

    assert_not_signed_in(client)


# --- staff keep a person's bindings and sessions --------------------------------------------


def staff_page(council, person) -> str:  # noqa: ANN001
    return f"/kkr/{council.slug}/admin/personer/{person.id}/log-ind"


def test_staff_see_bindings_and_sessions_and_end_a_session(app: Flask):
    council = make_council()
    staff = make_staff(council)
    person = make_person(council, name="Mette Mayor")
    db.session.add(Identity(person=person, issuer="https://login.example", subject="mm-1"))
    members_phone = app.test_client()
    sign_in(members_phone, person)
    client = app.test_client()
    sign_in(client, staff)

    # Reached from the person's page, by the link staff follow.
    person_page = client.get(f"/kkr/{council.slug}/admin/personer/{person.id}").get_data(
        as_text=True
    )
    assert f'href="{staff_page(council, person)}"' in person_page
    page = client.get(staff_page(council, person)).get_data(as_text=True)
    assert "mm-1" in page
    assert "Aktive sessioner" in page
    row = db.session.scalar(select(SignInSession).where(SignInSession.person_id == person.id))

    ended = client.post(f"/kkr/{council.slug}/admin/personer/{person.id}/sessioner/{row.id}/afslut")

    assert ended.status_code == 303
    assert_not_signed_in(members_phone)
    assert_signed_in_as(client, staff)


def test_staff_remove_a_binding_and_the_persons_sessions_end(app: Flask):
    council = make_council()
    staff = make_staff(council)
    person = make_person(council)
    identity = Identity(person=person, issuer="https://login.example", subject="rm-1")
    db.session.add(identity)
    members_phone = app.test_client()
    sign_in(members_phone, person)
    client = app.test_client()
    sign_in(client, staff)

    removed = client.post(
        f"/kkr/{council.slug}/admin/personer/{person.id}/log-ind/{identity.id}/fjern"
    )

    assert removed.status_code == 303
    assert db.session.scalar(select(Identity)) is None
    assert_not_signed_in(members_phone)


def test_a_binding_made_in_advance_signs_the_person_in_without_an_email(
    oidc_app: Flask, nordby: RunningProvider
):
    council = make_council()
    staff = make_staff(council)
    person = make_person(council, email="moved@nordby.example")
    client = oidc_app.test_client()
    sign_in(client, staff)

    bound = client.post(
        staff_page(council, person), data={"provider": "nordby", "subject": "new-app-77"}
    )
    assert bound.status_code == 303
    member = oidc_app.test_client()
    # The new app registration sends no address at all: the binding staff made is enough.
    sign = sign_in_via(member, nordby, login_for("new-app-77"))

    assert sign.finish.status_code == 303
    assert_signed_in_as(member, person)
    db.session.expire_all()
    [identity] = db.session.scalars(select(Identity))
    assert identity.bound_by_id == staff.id
    assert identity.first_sign_in_at is not None


def test_staff_cannot_bind_a_provider_outside_its_domains(oidc_app: Flask, nordby: RunningProvider):
    council = make_council()
    staff = make_staff(council)
    person = make_person(council, email="elsewhere@sydby.example")
    client = oidc_app.test_client()
    sign_in(client, staff)

    refused = client.post(
        staff_page(council, person), data={"provider": "nordby", "subject": "x-1"}
    )

    assert refused.status_code == 422
    assert "må kun logge personer ind med e-mail under" in refused.get_data(as_text=True)
    assert 'value="x-1"' in refused.get_data(as_text=True)  # what staff typed is kept
    assert db.session.scalar(select(Identity)) is None

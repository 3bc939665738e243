"""Sign-ins the portal must refuse: a clear Danish page, never a 500, and nothing stored.

Cancelling and forged or replayed callbacks go through the real providers (tests/oidc.py); ID
tokens that are wrong in one way each come from the rogue provider (tests/rogue_provider.py).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.auth.models import Identity
from portal.councils.models import Person
from portal.extensions import db
from tests.factories import make_person
from tests.oidc import (
    RunningProvider,
    assert_not_signed_in,
    assert_signed_in_as,
    count,
    login_for,
    portal_app,
    refusals,
    sign_in_via,
    start_sign_in,
    visit_provider,
)
from tests.rogue_provider import FAULTS, RogueProvider
from tests.support import free_port

NOT_ACCEPTED = "Svaret fra kommunens log ind kunne ikke godkendes"
CLOCKS_DIFFER = "Urene går forkert"


def assert_refused(response, client: FlaskClient, text: str = NOT_ACCEPTED) -> None:  # noqa: ANN001
    """A Danish error page with a 4xx status, no identity, one audited refusal and nothing
    else audited, nobody signed in."""
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "Log ind" in page
    assert text in page
    assert 'href="/log-ind"' in page  # the way to try again
    assert count(Identity) == 0
    assert len(refusals()) == count(AuditEntry) == 1
    assert_not_signed_in(client)


def with_query(path: str, **changes: str) -> str:
    parts = urlsplit(path)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | changes
    return f"{parts.path}?{urlencode(query)}"


# --- through the real providers -----------------------------------------------------------


def test_cancelled_sign_in_shows_the_cancelled_page(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    make_person(email="cancel@kkr-test.example")

    sign_in = sign_in_via(
        oidc_client, nordby, login_for("cancel-1", "cancel@kkr-test.example"), cancel=True
    )

    assert parse_qs(urlsplit(sign_in.visit.callback_url).query)["error"] == ["access_denied"]
    assert sign_in.finish.status_code == 400
    assert_refused(sign_in.finish, oidc_client, "Log ind blev afbrudt")


def test_callback_with_a_state_this_session_never_had_is_refused(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    person = make_person(email="forged@kkr-test.example")
    start = start_sign_in(oidc_client, nordby)
    visit = visit_provider(start.headers["Location"], login_for("forged-1", person.email))

    # A genuine code from the provider, but a state the portal never issued.
    response = oidc_client.get(with_query(visit.callback_path, state="forged-state"))

    assert_refused(response, oidc_client)


def test_callback_without_any_sign_in_started_is_refused(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    response = oidc_client.get("/log-ind/nordby/retur?code=made-up&state=made-up")

    assert_refused(response, oidc_client)


def test_callback_delivered_to_another_browser_is_refused(oidc_app: Flask, nordby: RunningProvider):
    # Someone else's genuine callback URL (login CSRF): this browser never started a sign-in.
    person = make_person(email="victim@kkr-test.example")
    victim, attacker = oidc_app.test_client(), oidc_app.test_client()
    start = start_sign_in(victim, nordby)
    visit = visit_provider(start.headers["Location"], login_for("victim-1", person.email))

    response = attacker.get(visit.callback_path)

    assert_refused(response, attacker)


def test_replayed_callback_after_sign_out_is_refused(oidc_app: Flask, nordby: RunningProvider):
    person = make_person(email="replay@kkr-test.example")
    client = oidc_app.test_client()
    sign_in = sign_in_via(client, nordby, login_for("replay-1", person.email))
    assert sign_in.finish.status_code == 303
    client.post("/log-ud")
    identities_before, audit_before = count(Identity), count(AuditEntry)

    replay = client.get(sign_in.visit.callback_path)

    assert replay.status_code == 400
    assert NOT_ACCEPTED in replay.get_data(as_text=True)
    assert (count(Identity), count(AuditEntry)) == (identities_before, audit_before + 1)
    assert refusals() == ["invalid_token"]
    assert_not_signed_in(client)


def test_unreachable_provider_gives_a_danish_page_not_a_500(schema: str):
    closed = {
        "name": "lukket",
        "label": "Lukket Kommune",
        "issuer": f"http://127.0.0.1:{free_port()}",
        "client_id": "kkr-portal",
        "client_secret": "x",
    }
    with portal_app(schema, OIDC_PROVIDERS=[closed]) as app:
        response = app.test_client().get("/log-ind/lukket")

    assert response.status_code == 502
    assert "Lukket Kommune svarer ikke" in response.get_data(as_text=True)


# --- ID tokens that are wrong in one way (the rogue provider) ------------------------------


@pytest.fixture
def registered(rogue: RogueProvider) -> Person:
    """A registered person the rogue provider vouches for: a wrong token would sign them in."""
    person = make_person(name="Ruth Rogue", email="ruth@rogue.example")
    rogue.account = {"sub": "ruth-1", "email": person.email, "email_verified": True}
    return person


def rogue_sign_in(client: FlaskClient):  # noqa: ANN201
    start = client.get("/log-ind/rogue")
    assert start.status_code == 302
    visit = visit_provider(start.headers["Location"], login="")
    return client.get(visit.callback_path)


def test_the_honest_rogue_provider_signs_people_in(
    rogue_app: Flask, rogue: RogueProvider, registered: Person
):
    # The control: with no fault the same set-up succeeds, so each refusal below is the fault's.
    client = rogue_app.test_client()

    response = rogue_sign_in(client)

    assert response.status_code == 303
    assert_signed_in_as(client, registered)
    assert rogue.last_authorization["code_challenge_method"] == "S256"
    db.session.expire_all()
    [identity] = db.session.scalars(select(Identity))
    assert (identity.issuer, identity.subject) == (rogue.issuer, "ruth-1")


@pytest.mark.parametrize(
    "fault",
    [
        "wrong_issuer",
        "wrong_audience",
        "wrong_audience_with_azp",
        "alg_none",
        "foreign_key",
        "wrong_nonce",
        "userinfo_other_sub",
    ],
)
def test_wrong_id_token_is_refused(
    rogue_app: Flask, rogue: RogueProvider, registered: Person, fault: str
):
    assert fault in FAULTS
    rogue.fault = fault
    client = rogue_app.test_client()

    response = rogue_sign_in(client)

    assert response.status_code == 400
    assert_refused(response, client)


def test_a_provider_whose_discovery_names_another_issuer_is_not_used(
    rogue_app: Flask, rogue: RogueProvider, registered: Person
):
    rogue.fault = "discovery_issuer"
    client = rogue_app.test_client()

    start = client.get("/log-ind/rogue")

    assert start.status_code == 502  # the person is never sent to it
    assert "Rogue Kommune svarer ikke" in start.get_data(as_text=True)
    assert refusals() == ["provider_unreachable"]
    assert count(Identity) == 0


def test_email_verified_sent_as_the_string_false_counts_as_unverified(
    rogue_app: Flask, rogue: RogueProvider, registered: Person
):
    rogue.fault = "email_verified_string"
    client = rogue_app.test_client()

    response = rogue_sign_in(client)

    assert response.status_code == 403
    assert_refused(response, client, "ikke en bekræftet e-mailadresse")

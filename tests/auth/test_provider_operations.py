"""Providers as they behave on a bad day: slow, down, broken metadata, clocks that differ,
rotated keys, error codes; and Entra's one registration for several tenants. Through the
rogue provider (tests/rogue_provider.py), a real HTTP provider told to misbehave."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.models import Identity
from portal.councils.models import Person
from tests.conftest import portal_app
from tests.factories import make_person
from tests.oidc import assert_not_signed_in, assert_signed_in_as, count, refusals, visit_provider
from tests.rogue_provider import OTHER_TENANT_ID, RogueProvider

TIMEOUT = 1  # PORTAL_OIDC_TIMEOUT for these tests, in seconds


@pytest.fixture
def quick_app(schema: str, rogue: RogueProvider) -> Iterator[Flask]:
    """The portal with the rogue provider and a one-second time limit per call."""
    with portal_app(
        schema, OIDC_PROVIDERS=[rogue.portal_settings()], OIDC_TIMEOUT=str(TIMEOUT)
    ) as app:
        yield app


@pytest.fixture
def ruth(rogue: RogueProvider) -> Person:
    person = make_person(name="Ruth Rogue", email="ruth@rogue.example")
    rogue.account = {"sub": "ruth-1", "email": person.email, "email_verified": True}
    return person


def sign_in(client: FlaskClient, name: str = "rogue"):  # noqa: ANN201
    start = client.get(f"/log-ind/{name}")
    if start.status_code != 302:
        return start
    visit = visit_provider(start.headers["Location"], login="")
    return client.get(visit.callback_path)


# --- slow and down ----------------------------------------------------------------------


def test_a_provider_that_hangs_gets_a_danish_page_within_the_time_limit(
    quick_app: Flask, rogue: RogueProvider, ruth: Person
):
    rogue.fault, rogue.hang_seconds = "hang", 30
    client = quick_app.test_client()

    began = time.monotonic()
    response = client.get("/log-ind/rogue")
    took = time.monotonic() - began

    assert response.status_code == 502
    assert took < TIMEOUT + 1
    page = response.get_data(as_text=True)
    assert "Rogue Kommune svarer ikke" in page
    assert "din kommunes log ind, der ikke svarer" in page
    assert refusals() == ["provider_unreachable"]


def test_a_token_endpoint_that_hangs_gets_the_same_page(
    quick_app: Flask, rogue: RogueProvider, ruth: Person
):
    client = quick_app.test_client()
    start = client.get("/log-ind/rogue")
    visit = visit_provider(start.headers["Location"], login="")
    rogue.fault, rogue.hang_seconds = "hang", 30

    began = time.monotonic()
    response = client.get(visit.callback_path)

    assert time.monotonic() - began < TIMEOUT + 1
    assert response.status_code == 502
    assert "Rogue Kommune svarer ikke" in response.get_data(as_text=True)
    assert_not_signed_in(client)


@pytest.mark.parametrize("fault", ["metadata_500", "metadata_incomplete"])
def test_broken_metadata_is_never_kept_and_the_provider_recovers_without_restart(
    quick_app: Flask, rogue: RogueProvider, ruth: Person, fault: str
):
    rogue.fault = fault
    client = quick_app.test_client()

    assert client.get("/log-ind/rogue").status_code == 502
    assert client.get("/log-ind/rogue").status_code == 502  # asked again, not cached
    rogue.fault = None
    response = sign_in(client)

    assert response.status_code == 303
    assert_signed_in_as(client, ruth)
    assert rogue.seen("discovery") >= 3


def test_a_token_endpoint_answering_500_is_the_providers_fault_not_a_500(
    quick_app: Flask, rogue: RogueProvider, ruth: Person
):
    client = quick_app.test_client()
    start = client.get("/log-ind/rogue")
    visit = visit_provider(start.headers["Location"], login="")
    rogue.fault = "token_500"

    response = client.get(visit.callback_path)

    assert response.status_code == 502
    assert "svarer ikke" in response.get_data(as_text=True)


def test_userinfo_answering_500_leaves_the_id_tokens_claims(
    quick_app: Flask, rogue: RogueProvider, ruth: Person
):
    rogue.fault = "userinfo_500"
    rogue.id_token_claims = {"email": ruth.email, "email_verified": True}
    client = quick_app.test_client()

    assert sign_in(client).status_code == 303
    assert_signed_in_as(client, ruth)


def test_a_provider_without_userinfo_signs_in_from_the_id_token(
    quick_app: Flask, rogue: RogueProvider, ruth: Person
):
    rogue.fault = "no_userinfo_endpoint"
    rogue.id_token_claims = {"email": ruth.email, "email_verified": True}
    client = quick_app.test_client()

    assert sign_in(client).status_code == 303
    assert rogue.seen("userinfo") == 0


# --- clocks and keys ----------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [4, -4])
def test_a_provider_clock_four_minutes_off_is_accepted(
    quick_app: Flask, rogue: RogueProvider, ruth: Person, minutes: int
):
    rogue.clock_offset = minutes * 60
    client = quick_app.test_client()

    assert sign_in(client).status_code == 303
    assert_signed_in_as(client, ruth)


@pytest.mark.parametrize("minutes", [10, -10])
def test_a_provider_clock_ten_minutes_off_gets_the_clock_page(
    quick_app: Flask, rogue: RogueProvider, ruth: Person, minutes: int
):
    rogue.clock_offset = minutes * 60
    client = quick_app.test_client()

    response = sign_in(client)

    assert response.status_code == 400
    assert "Urene går forkert" in response.get_data(as_text=True)
    assert refusals() == ["clock"]
    assert_not_signed_in(client)


def test_a_rotated_signing_key_is_fetched_and_trusted(
    quick_app: Flask, rogue: RogueProvider, ruth: Person
):
    assert sign_in(quick_app.test_client()).status_code == 303
    jwks_before = rogue.seen("jwks")
    rogue.rotate_keys()
    client = quick_app.test_client()

    assert sign_in(client).status_code == 303
    assert_signed_in_as(client, ruth)
    assert rogue.seen("jwks") == jwks_before + 1


# --- the provider's error codes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("access_denied", "Log ind blev afbrudt"),
        ("temporarily_unavailable", "Kommunens log ind er midlertidigt utilgængeligt"),
        ("server_error", "Der skete en fejl hos kommunens log ind"),
        ("invalid_scope", "Kommunens log ind afviste portalens forespørgsel"),
        ("unauthorized_client", "Portalen er ikke godkendt hos kommunens log ind"),
        ("consent_required", "Portalen mangler dit samtykke"),
        ("something_new", "Kommunens log ind meldte en fejl"),
    ],
)
def test_each_provider_error_code_has_its_own_danish_page(
    quick_app: Flask, rogue: RogueProvider, ruth: Person, code: str, title: str
):
    rogue.authorize_error = code
    client = quick_app.test_client()

    response = sign_in(client)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<h1 id="failed-title">{title}</h1>' in page
    assert f"<code>{code}</code>" in page
    assert refusals() == ["provider_error"]


# --- one Entra registration for several municipalities ------------------------------------


@pytest.fixture
def tenants_app(schema: str, rogue_tenants: RogueProvider) -> Iterator[Flask]:
    with portal_app(schema, OIDC_PROVIDERS=[rogue_tenants.portal_settings("entra")]) as app:
        yield app


def test_a_listed_tenant_signs_in_with_its_own_issuer(
    tenants_app: Flask, rogue_tenants: RogueProvider
):
    person = make_person(email="anne@rogue.example")
    rogue_tenants.account = {"sub": "anne-1", "email": person.email}
    rogue_tenants.id_token_claims = {"xms_edov": True}
    client = tenants_app.test_client()

    response = sign_in(client, "entra")

    assert response.status_code == 303, response.get_data(as_text=True)
    [identity] = Identity.query.all()
    assert identity.issuer == rogue_tenants.tenant_issuer
    assert "{tenantid}" not in identity.issuer


def test_an_unlisted_tenant_is_refused(tenants_app: Flask, rogue_tenants: RogueProvider):
    make_person(email="anne@rogue.example")
    rogue_tenants.account = {"sub": "anne-1", "email": "anne@rogue.example"}
    rogue_tenants.id_token_claims = {"xms_edov": True}
    rogue_tenants.tenant_id = OTHER_TENANT_ID
    client = tenants_app.test_client()

    response = sign_in(client, "entra")

    assert response.status_code == 400
    assert "Din organisation er ikke sat op til portalen" in response.get_data(as_text=True)
    assert refusals() == ["unknown_tenant"]
    assert count(Identity) == 0


def test_a_token_whose_iss_names_another_tenant_than_its_tid_is_refused(
    tenants_app: Flask, rogue_tenants: RogueProvider
):
    make_person(email="anne@rogue.example")
    rogue_tenants.account = {"sub": "anne-1", "email": "anne@rogue.example"}
    rogue_tenants.id_token_claims = {"xms_edov": True}
    rogue_tenants.fault = "tenant_iss_mismatch"
    client = tenants_app.test_client()

    response = sign_in(client, "entra")

    assert response.status_code == 400
    assert refusals() == ["unknown_tenant"]
    assert count(Identity) == 0

"""First sign-in with the claims municipal providers really send, through the real test
provider (npm oidc-provider) told to send each shape: Entra ID, AD FS, OS2faktor, Google.

Each shape signs in a registered person inside the provider's domains (and municipality), and
only them: a provider vouching for another municipality's mayor or for the secretariat is
refused, whatever it claims.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal.auth.models import Identity
from portal.councils.models import MunicipalOffice
from tests.conftest import portal_app
from tests.factories import make_council, make_municipality, make_person, make_staff
from tests.oidc import (
    RunningProvider,
    assert_not_signed_in,
    assert_signed_in_as,
    count,
    login_with_claims,
    refusals,
    sign_in_via,
)

ROSKILDE = "roskilde.example"
GROUPS = [f"{n:08x}-0000-4000-8000-{n:012x}" for n in range(100)]


def entra(email: str, **extra: object) -> dict:
    """An Entra ID v2 ID token: no email_verified, the address in preferred_username."""
    return {
        "preferred_username": email,
        "name": "Entra Person",
        "tid": "9f0c5a8e-1b2c-4d3e-8f9a-0b1c2d3e4f5a",
        "oid": "0b6f0e2a-5d4c-4b3a-9e8d-7c6b5a4f3e2d",
        **extra,
    }


def adfs(email: str) -> dict:
    """AD FS: upn and unique_name, no email and no email_verified; userinfo says only sub."""
    return {"upn": email, "unique_name": "KOMMUNE\\\\person"}


def os2faktor(email: str) -> dict:
    """OS2faktor: OIOSAML claim names, booleans as strings, the organisation's CVR."""
    return {
        "https://data.gov.dk/model/core/eid/email": email,
        "https://data.gov.dk/model/core/eid/professional/cvr": "29189129",
        "email_verified": "true",
    }


SHAPES = {
    "entra": {"trust_email": True, "email_claims": ["email", "preferred_username"]},
    "adfs": {"trust_email": True, "email_claims": ["email", "upn"], "userinfo": "auto"},
    "os2faktor": {
        "email_claims": ["email", "https://data.gov.dk/model/core/eid/email"],
    },
    "google": {},
}


def claims_for(shape: str, email: str) -> dict:
    return {
        "entra": lambda: entra(email, groups=GROUPS),
        "adfs": lambda: adfs(email),
        "os2faktor": lambda: os2faktor(email),
        "google": lambda: {"email": email, "email_verified": True, "hd": ROSKILDE},
    }[shape]()


@pytest.fixture
def roskilde_app(
    request: pytest.FixtureRequest, schema: str, nordby: RunningProvider
) -> Iterator[Flask]:
    """The portal with nordby configured as Roskilde's provider in the shape asked for."""
    shape = request.param
    settings = nordby.portal_settings(
        email_domains=[ROSKILDE], municipalities=["Roskilde"], **SHAPES[shape]
    )
    with portal_app(schema, OIDC_PROVIDERS=[settings]) as app:
        app.shape = shape  # type: ignore[attr-defined]
        yield app


def roskilde_mayor():  # noqa: ANN201
    council = make_council()
    roskilde = make_municipality(council, "Roskilde")
    return make_person(
        council,
        name="Tomas Roskilde",
        email=f"mayor@{ROSKILDE}",
        municipality=roskilde,
        office=MunicipalOffice.MAYOR,
    )


ALL_SHAPES = list(SHAPES)


@pytest.mark.parametrize("roskilde_app", ALL_SHAPES, indirect=True)
def test_first_sign_in_with_each_real_providers_claims(
    roskilde_app: Flask, nordby: RunningProvider
):
    mayor = roskilde_mayor()
    client = roskilde_app.test_client()
    login = login_with_claims(
        f"{roskilde_app.shape}-pairwise-Xy7",
        claims_for(roskilde_app.shape, "Mayor@Roskilde.example"),
    )

    sign_in = sign_in_via(client, nordby, login)

    assert sign_in.finish.status_code == 303, sign_in.finish.get_data(as_text=True)
    assert_signed_in_as(client, mayor)
    assert count(Identity) == 1


def test_entra_without_trust_email_is_not_verified_unless_xms_edov(
    nordby: RunningProvider, schema: str
):
    untrusting = nordby.portal_settings(
        email_domains=[ROSKILDE], email_claims=["email", "preferred_username"]
    )
    with portal_app(schema, OIDC_PROVIDERS=[untrusting]) as app:
        mayor = roskilde_mayor()
        refused = sign_in_via(
            app.test_client(), nordby, login_with_claims("e-1", entra(mayor.email))
        )
        client = app.test_client()
        accepted = sign_in_via(
            client, nordby, login_with_claims("e-2", entra(mayor.email, xms_edov=True))
        )

        assert refused.finish.status_code == 403
        assert "Din e-mailadresse er ikke bekræftet" in refused.finish.get_data(as_text=True)
        assert accepted.finish.status_code == 303
        assert refusals() == ["unverified_email"]


@pytest.mark.parametrize("roskilde_app", ["entra"], indirect=True)
def test_a_provider_that_says_not_verified_is_never_overruled_by_trust_email(
    roskilde_app: Flask, nordby: RunningProvider
):
    roskilde_mayor()
    client = roskilde_app.test_client()
    login = login_with_claims("e-3", entra(f"mayor@{ROSKILDE}", email_verified="false"))

    sign_in = sign_in_via(client, nordby, login)

    assert sign_in.finish.status_code == 403
    assert refusals() == ["unverified_email"]
    assert_not_signed_in(client)


@pytest.mark.parametrize("roskilde_app", ALL_SHAPES, indirect=True)
def test_no_provider_vouches_for_another_municipalitys_mayor(
    roskilde_app: Flask, nordby: RunningProvider
):
    # Roskilde's directory admin makes an account with Køge's mayor's address.
    council = make_council()
    koege = make_municipality(council, "Køge")
    make_person(council, email="mayor@koege.example", municipality=koege)
    client = roskilde_app.test_client()

    sign_in = sign_in_via(
        client,
        nordby,
        login_with_claims("forged", claims_for(roskilde_app.shape, "mayor@koege.example")),
    )

    assert sign_in.finish.status_code == 403
    assert "Forkert log ind til din e-mailadresse" in sign_in.finish.get_data(as_text=True)
    assert refusals() == ["outside_domains"]
    assert count(Identity) == 0
    assert_not_signed_in(client)


@pytest.mark.parametrize("roskilde_app", ALL_SHAPES, indirect=True)
def test_no_provider_vouches_for_the_secretariat_outside_its_domains(
    roskilde_app: Flask, nordby: RunningProvider
):
    council = make_council()
    staff = make_staff(council)
    client = roskilde_app.test_client()

    sign_in = sign_in_via(
        client, nordby, login_with_claims("forged", claims_for(roskilde_app.shape, staff.email))
    )

    assert sign_in.finish.status_code == 403
    assert refusals() == ["outside_domains"]
    assert_not_signed_in(client)


@pytest.mark.parametrize("roskilde_app", ["google"], indirect=True)
def test_inside_the_domain_but_another_municipality_is_refused(
    roskilde_app: Flask, nordby: RunningProvider
):
    # A shared domain (a broker, a joint IT office): the municipality list still bounds it.
    council = make_council()
    lejre = make_municipality(council, "Lejre")
    make_person(council, email=f"lejre.mayor@{ROSKILDE}", municipality=lejre)
    client = roskilde_app.test_client()

    sign_in = sign_in_via(
        client, nordby, login_with_claims("g-9", claims_for("google", f"lejre.mayor@{ROSKILDE}"))
    )

    assert sign_in.finish.status_code == 403
    assert "Forkert log ind til din kommune" in sign_in.finish.get_data(as_text=True)
    assert refusals() == ["outside_municipality"]


@pytest.mark.parametrize("roskilde_app", ["adfs"], indirect=True)
def test_a_failing_userinfo_leaves_the_id_tokens_claims(
    roskilde_app: Flask, nordby: RunningProvider
):
    mayor = roskilde_mayor()
    client = roskilde_app.test_client()
    login = login_with_claims("adfs-7", adfs(mayor.email), userinfo_error=True)

    sign_in = sign_in_via(client, nordby, login)

    assert sign_in.finish.status_code == 303
    assert_signed_in_as(client, mayor)


@pytest.mark.parametrize("roskilde_app", ["entra"], indirect=True)
def test_a_hundred_group_claims_keep_the_cookie_under_one_kilobyte(
    roskilde_app: Flask, nordby: RunningProvider
):
    mayor = roskilde_mayor()
    client = roskilde_app.test_client()

    sign_in = sign_in_via(
        client, nordby, login_with_claims("big", entra(mayor.email, groups=GROUPS))
    )

    assert sign_in.finish.status_code == 303
    cookie = client.get_cookie("kkr_session")
    assert cookie is not None
    assert len(cookie.value) < 1024
    assert_signed_in_as(client, mayor)

"""Signing in through real OpenID providers (npm oidc-provider on loopback, tests/oidc.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import create_app
from portal.audit.models import AuditEntry
from portal.auth.models import Identity
from portal.config import ConfigError
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
    sign_in_via,
    start_sign_in,
    visit_provider,
)


def identities() -> list[Identity]:
    db.session.expire_all()
    return list(db.session.scalars(select(Identity).order_by(Identity.id)))


def authorization_request(sign_in_start) -> dict[str, str]:  # noqa: ANN001
    query = parse_qs(urlsplit(sign_in_start.headers["Location"]).query)
    return {key: values[0] for key, values in query.items()}


# --- binding and later sign-ins -------------------------------------------------------------


def test_first_sign_in_binds_the_provider_account_by_verified_email(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    person = make_person(name="Karen Blixen", email="karen@nordby.example")

    sign_in = sign_in_via(oidc_client, nordby, login_for("kb-1", "Karen@Nordby.Example"))

    assert sign_in.finish.status_code == 303
    assert sign_in.finish.headers["Location"] == "/overblik"
    [identity] = identities()
    assert (identity.issuer, identity.subject, identity.person_id) == (
        nordby.issuer,
        "kb-1",
        person.id,
    )
    assert_signed_in_as(oidc_client, person)


@pytest.mark.parametrize(
    ("asked_for", "lands_on"),
    [
        ("/kkr/nordjylland/moeder?side=2", "/kkr/nordjylland/moeder?side=2"),
        ("//evil.example/overblik", "/overblik"),  # never another site
        ("https://evil.example/", "/overblik"),
    ],
)
def test_sign_in_returns_to_the_page_that_asked_for_it_on_this_site_only(
    oidc_client: FlaskClient, nordby: RunningProvider, asked_for: str, lands_on: str
):
    person = make_person(email="next@kkr-test.example")
    oidc_client.get("/log-ind", query_string={"next": asked_for})

    sign_in = sign_in_via(oidc_client, nordby, login_for("next-1", person.email))

    assert sign_in.finish.status_code == 303
    assert sign_in.finish.headers["Location"] == lands_on


def test_later_sign_in_uses_issuer_and_subject_even_when_the_email_changed(
    oidc_app: Flask, nordby: RunningProvider
):
    person = make_person(name="Niels Bohr", email="niels@nordby.example")
    sign_in_via(oidc_app.test_client(), nordby, login_for("nb-7", person.email))

    # The provider now reports an address the portal has never seen: still the same account.
    later = oidc_app.test_client()
    sign_in = sign_in_via(later, nordby, login_for("nb-7", "niels.new@elsewhere.example"))

    assert sign_in.finish.status_code == 303
    assert_signed_in_as(later, person)
    assert len(identities()) == 1


def test_another_account_at_the_same_provider_with_the_same_email_is_refused(
    oidc_app: Flask, nordby: RunningProvider
):
    person = make_person(email="tove@nordby.example")
    sign_in_via(oidc_app.test_client(), nordby, login_for("td-1", person.email))

    intruder = oidc_app.test_client()
    sign_in = sign_in_via(intruder, nordby, login_for("td-2", person.email))

    assert sign_in.finish.status_code == 403
    assert "Kontoen er allerede knyttet til en anden" in sign_in.finish.get_data(as_text=True)
    assert [identity.subject for identity in identities()] == ["td-1"]
    assert_not_signed_in(intruder)


def test_sign_in_through_the_second_provider_binds_a_second_identity(
    oidc_app: Flask, nordby: RunningProvider, sydby: RunningProvider
):
    person = make_person(name="Inger Christensen", email="inger@kkr-test.example")
    sign_in_via(oidc_app.test_client(), nordby, login_for("ic-n", person.email))

    client = oidc_app.test_client()
    sign_in = sign_in_via(client, sydby, login_for("ic-s", person.email))

    assert sign_in.finish.status_code == 303
    assert sign_in.start.headers["Location"].startswith(sydby.issuer + "/auth?")
    assert_signed_in_as(client, person)
    assert {(i.issuer, i.subject) for i in identities()} == {
        (nordby.issuer, "ic-n"),
        (sydby.issuer, "ic-s"),
    }


def test_sign_in_page_offers_every_configured_provider(oidc_client: FlaskClient):
    page = oidc_client.get("/log-ind").get_data(as_text=True)

    assert 'href="/log-ind/nordby?valg=Nordby+Kommune">Nordby Kommune</a>' in page
    assert 'href="/log-ind/sydby?valg=Sydby+Kommune">Sydby Kommune</a>' in page


def test_unknown_provider_name_is_not_found(oidc_client: FlaskClient):
    assert oidc_client.get("/log-ind/vestby").status_code == 404
    assert oidc_client.get("/log-ind/vestby/retur?code=x&state=y").status_code == 404


# --- people the portal does not sign in ---------------------------------------------------


def test_unregistered_person_gets_the_danish_not_registered_page_and_nothing_is_stored(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    make_person(email="someone.else@kkr-test.example")
    people_before = count(Person)

    sign_in = sign_in_via(oidc_client, nordby, login_for("stranger", "stranger@kkr-test.example"))

    assert sign_in.finish.status_code == 403
    page = sign_in.finish.get_data(as_text=True)
    assert "Du er ikke registreret i portalen" in page
    assert "kkr-sekretariat@example.org" in page
    assert count(Person) == people_before
    assert count(Identity) == 0
    assert_not_signed_in(oidc_client)


def test_unverified_email_is_refused_even_for_a_registered_address(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    person = make_person(email="unverified@kkr-test.example")

    sign_in = sign_in_via(
        oidc_client, nordby, login_for("uv-1", person.email, email_verified=False)
    )

    assert sign_in.finish.status_code == 403
    assert "ikke en bekræftet e-mailadresse" in sign_in.finish.get_data(as_text=True)
    assert count(Identity) == 0
    assert_not_signed_in(oidc_client)


def test_provider_without_any_email_is_refused(oidc_client: FlaskClient, nordby: RunningProvider):
    make_person(email="noemail@kkr-test.example")

    sign_in = sign_in_via(oidc_client, nordby, login_for("no-email"))

    assert sign_in.finish.status_code == 403
    assert count(Identity) == 0
    assert_not_signed_in(oidc_client)


# --- what the portal sends the provider -----------------------------------------------------


def test_authorization_request_carries_pkce_s256_state_and_nonce(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    params = authorization_request(start_sign_in(oidc_client, nordby))

    assert params["response_type"] == "code"
    assert params["client_id"] == nordby.client_id
    assert params["redirect_uri"] == "http://localhost/log-ind/nordby/retur"
    assert set(params["scope"].split()) == {"openid", "email", "profile"}
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43  # base64url of a SHA-256 digest
    assert len(params["state"]) >= 20
    assert len(params["nonce"]) >= 20


def test_each_sign_in_gets_its_own_state_nonce_and_challenge(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    first = authorization_request(start_sign_in(oidc_client, nordby))
    second = authorization_request(start_sign_in(oidc_client, nordby))

    for key in ("state", "nonce", "code_challenge"):
        assert first[key] != second[key]


def test_the_provider_refuses_an_authorization_request_without_pkce(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    # Shows that the successful sign-ins above really prove the portal's PKCE.
    params = authorization_request(start_sign_in(oidc_client, nordby))
    del params["code_challenge"], params["code_challenge_method"]

    response = requests.get(
        nordby.discovery()["authorization_endpoint"],
        params=params,
        allow_redirects=False,
        timeout=5,
    )

    assert response.status_code in {302, 303}
    back = parse_qs(urlsplit(response.headers["Location"]).query)
    assert back["error"] == ["invalid_request"]
    assert "PKCE" in back["error_description"][0]


# --- the session and its cookie -----------------------------------------------------------


def test_sign_in_starts_a_fresh_session(oidc_client: FlaskClient, nordby: RunningProvider):
    person = make_person(email="fresh@kkr-test.example")
    with oidc_client.session_transaction() as session:
        session["planted_before_sign_in"] = "attacker"
    start = start_sign_in(oidc_client, nordby)
    cookie_before = oidc_client.get_cookie("kkr_session").value

    visit = visit_provider(start.headers["Location"], login_for("fresh-1", person.email))
    finish = oidc_client.get(visit.callback_path)

    assert finish.status_code == 303
    assert oidc_client.get_cookie("kkr_session").value != cookie_before
    with oidc_client.session_transaction() as session:
        assert "planted_before_sign_in" not in session
        assert session["_user_id"] == str(person.id)
        # Authlib's state, nonce and PKCE verifier are gone with the old session.
        assert not [key for key in session if key.startswith("_state_")]


def test_session_cookie_is_http_only_and_same_site_lax(
    oidc_client: FlaskClient, nordby: RunningProvider
):
    person = make_person(email="cookie@kkr-test.example")

    sign_in = sign_in_via(oidc_client, nordby, login_for("cookie-1", person.email))

    [cookie] = [c for c in sign_in.finish.headers.getlist("Set-Cookie") if "kkr_session=" in c]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in cookie.lower()
    # Secure is off only because ENV=test serves plain http (see the production test below).
    assert "secure" not in attributes


def test_production_session_cookie_is_secure(tmp_path: Path):
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "production-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        }
    )

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refuses_demo_sign_in(tmp_path: Path):
    with pytest.raises(ConfigError, match="demo"):
        create_app(
            {
                "ENV": "production",
                "DEMO": True,
                "SECRET_KEY": "production-secret",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            }
        )


# --- sign-out -----------------------------------------------------------------------------


def test_sign_out_clears_the_session_and_ends_the_provider_session(
    oidc_app: Flask, nordby: RunningProvider
):
    person = make_person(name="Søren Kierkegaard", email="soren@nordby.example")
    client = oidc_app.test_client()
    sign_in = sign_in_via(client, nordby, login_for("sk-1", person.email))
    oidc_app.config["WTF_CSRF_ENABLED"] = True
    overview = client.get("/overblik").get_data(as_text=True)
    csrf_token = overview.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    assert client.post("/log-ud").status_code == 400  # no CSRF token: refused, still signed in
    assert_signed_in_as(client, person)
    signed_out = client.post("/log-ud", data={"csrf_token": csrf_token})

    assert signed_out.status_code == 303
    end_session = urlsplit(signed_out.headers["Location"])
    end_session_endpoint = nordby.discovery()["end_session_endpoint"]
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == end_session_endpoint
    query = {key: values[0] for key, values in parse_qs(end_session.query).items()}
    assert query["post_logout_redirect_uri"] == "http://localhost/logget-ud"
    assert query["client_id"] == nordby.client_id
    assert query["id_token_hint"].count(".") == 2  # the ID token from this sign-in
    with client.session_transaction() as session:
        assert dict(session) == {}
    assert_not_signed_in(client)

    # The provider accepts the hint and the registered address, and sends the person back.
    browser = sign_in.visit.browser
    confirm = browser.get(signed_out.headers["Location"], timeout=5)
    assert confirm.status_code == 200
    xsrf = confirm.text.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
    action = confirm.text.split('action="', 1)[1].split('"', 1)[0]
    done = browser.post(
        urljoin(confirm.url, action),
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=5,
    )
    assert done.status_code in {302, 303}
    assert done.headers["Location"].startswith("http://localhost/logget-ud")
    assert client.get(urlsplit(done.headers["Location"]).path).status_code == 200


def test_sign_out_without_a_provider_session_lands_on_the_signed_out_page(
    oidc_client: FlaskClient,
):
    response = oidc_client.post("/log-ud")

    assert response.status_code == 303
    assert response.headers["Location"] == "/logget-ud"


# --- audit --------------------------------------------------------------------------------


def test_binding_and_sign_in_are_audited(oidc_app: Flask, nordby: RunningProvider):
    person = make_person(email="audit@kkr-test.example")
    sign_in_via(oidc_app.test_client(), nordby, login_for("audit-1", person.email))
    sign_in_via(oidc_app.test_client(), nordby, login_for("audit-1", person.email))

    db.session.expire_all()
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [entry.action for entry in entries] == ["identity_bound", "signed_in", "signed_in"]
    bound, *signed_in = entries
    assert bound.actor_id == person.id
    assert bound.object_type == "Identity"
    assert bound.after == {"issuer": nordby.issuer, "subject": "audit-1", "provider": "nordby"}
    for entry in signed_in:
        assert (entry.actor_id, entry.object_type, entry.object_id) == (
            person.id,
            "Person",
            person.id,
        )
        assert entry.after == {"provider": "nordby"}


def test_refused_sign_in_is_logged_at_warning_and_audited_without_a_token(
    oidc_client: FlaskClient, nordby: RunningProvider, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.WARNING, logger="portal.auth"):
        sign_in = sign_in_via(oidc_client, nordby, login_for("nobody", "nobody@kkr-test.example"))

    assert sign_in.finish.status_code == 403
    [line] = [record for record in caplog.records if record.name == "portal.auth"]
    assert line.levelno == logging.WARNING
    assert "not_registered" in line.getMessage()
    assert "nordby" in line.getMessage() and nordby.issuer in line.getMessage()
    assert "eyJ" not in line.getMessage()  # never a token
    db.session.expire_all()
    [entry] = db.session.scalars(select(AuditEntry))
    assert entry.action == "sign_in_refused"
    assert entry.after["reason"] == "not_registered"
    assert entry.after["provider"] == "nordby"
    assert entry.after["issuer"] == nordby.issuer


# --- several apps in one process ----------------------------------------------------------


def test_each_app_uses_its_own_provider_settings(
    schema: str, nordby: RunningProvider, sydby: RunningProvider
):
    # Two portals in one process (the test client beside a browser test's live server) that
    # call the same provider name different things must each reach their own.
    as_nordby = dict(nordby.portal_settings(), name="kommune")
    as_sydby = dict(sydby.portal_settings(), name="kommune")
    with portal_app(schema, OIDC_PROVIDERS=[as_nordby]) as first:
        first.test_client().get("/log-ind/kommune")
        with portal_app(schema, OIDC_PROVIDERS=[as_sydby]) as second:
            to_sydby = second.test_client().get("/log-ind/kommune")
        to_nordby = first.test_client().get("/log-ind/kommune")

    assert to_sydby.headers["Location"].startswith(sydby.issuer + "/")
    assert to_nordby.headers["Location"].startswith(nordby.issuer + "/")


# --- finding the provider: by e-mail or by municipality -----------------------------------


def test_an_email_sends_the_person_to_its_domains_provider_with_a_login_hint(
    oidc_client: FlaskClient, sydby: RunningProvider
):
    found = oidc_client.get("/log-ind/e-mail", query_string={"email": "anna@sydby.example"})

    assert found.status_code == 303
    start = oidc_client.get(found.headers["Location"])
    assert start.status_code == 302
    assert start.headers["Location"].startswith(sydby.issuer + "/")
    assert authorization_request(start)["login_hint"] == "anna@sydby.example"


def test_an_unknown_domain_shows_the_page_again_with_the_address_kept(oidc_client: FlaskClient):
    page = oidc_client.get("/log-ind/e-mail", query_string={"email": "anna@gmail.example"})

    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Portalen kender ikke en kommune med den e-mailadresse" in text
    assert 'value="anna@gmail.example"' in text


def test_a_search_with_one_match_goes_straight_to_its_provider(oidc_client: FlaskClient):
    found = oidc_client.get("/log-ind", query_string={"kommune": "syd"})

    assert found.status_code == 303
    assert found.headers["Location"].startswith("/log-ind/sydby?")


def test_the_device_remembers_the_last_choice(oidc_client: FlaskClient, sydby: RunningProvider):
    oidc_client.get("/log-ind/sydby?valg=Sydby+Kommune")

    page = oidc_client.get("/log-ind").get_data(as_text=True)

    assert "Fortsæt med Sydby Kommune" in page
    assert page.index("Fortsæt med Sydby Kommune") < page.index("Din e-mail")


def test_a_domain_two_providers_share_lists_both_to_choose_from(oidc_client: FlaskClient):
    page = oidc_client.get("/log-ind/e-mail", query_string={"email": "anna@kkr-test.example"})

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Flere kommuner bruger den e-mailadresse: vælg din" in text
    assert "Nordby Kommune</a>" in text and "Sydby Kommune</a>" in text


def test_a_choice_made_by_email_is_remembered_as_the_provider(schema: str, nordby: RunningProvider):
    broker = nordby.portal_settings(municipalities=["Roskilde", "Lejre"])
    with portal_app(schema, OIDC_PROVIDERS=[broker]) as app:
        client = app.test_client()
        found = client.get("/log-ind/e-mail", query_string={"email": "anna@nordby.example"})
        client.get(found.headers["Location"])

        page = client.get("/log-ind").get_data(as_text=True)

    assert "Fortsæt med Nordby Kommune" in page

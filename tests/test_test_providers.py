"""The test identity providers do what the sign-in tests rely on (tests/oidc.py,
tests/rogue_provider.py), checked over plain HTTP with no portal in between: a sign-in test that
passes for a wrong reason is worse than none.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError
from joserfc.jwk import KeySet

from tests.oidc import (
    TEST_CLIENT_ORIGIN,
    RunningProvider,
    login_for,
    login_with_claims,
    visit_provider,
)
from tests.rogue_provider import DEFAULT_TENANT_ID, FAULTS, OTHER_TENANT_ID, RogueProvider

# What the provider adds to every ID token itself, beside the claims a test shapes.
PROTOCOL_CLAIMS = {"iss", "sub", "aud", "exp", "iat", "nonce", "at_hash", "sid", "auth_time"}
SCOPE = "openid email profile"


@dataclass
class Tokens:
    id_token: str
    access_token: str
    userinfo_endpoint: str

    @property
    def header(self) -> dict[str, Any]:
        return _segment(self.id_token, 0)

    @property
    def claims(self) -> dict[str, Any]:
        """The ID token's payload, unverified: what the portal would read after verifying."""
        return _segment(self.id_token, 1)

    def userinfo(self) -> requests.Response:
        return requests.get(
            self.userinfo_endpoint,
            headers={"Authorization": f"Bearer {self.access_token}"},
            timeout=5,
        )


def _segment(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(challenge).rstrip(b"=").decode()


def _authorize_query(client_id: str, redirect_uri: str, challenge: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPE,
        "state": "state-" + secrets.token_urlsafe(8),
        "nonce": "nonce-" + secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


def _redeem(
    token_endpoint: str,
    userinfo_endpoint: str,
    client: tuple[str, str],
    callback_url: str,
    query: dict[str, str],
    verifier: str,
) -> Tokens:
    back = {key: values[0] for key, values in parse_qs(urlsplit(callback_url).query).items()}
    assert back.get("state") == query["state"], back
    response = requests.post(
        token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": back["code"],
            "redirect_uri": query["redirect_uri"],
            "code_verifier": verifier,
        },
        auth=client,  # client_secret_basic
        timeout=5,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    tokens = Tokens(body["id_token"], body["access_token"], userinfo_endpoint)
    assert tokens.claims["nonce"] == query["nonce"]
    return tokens


def sign_in_at(provider: RunningProvider, login: str) -> Tokens:
    """A code flow at the npm provider as the portal runs it: PKCE, secret in the Basic header."""
    discovery = provider.discovery()
    verifier, challenge = _pkce()
    redirect_uri = f"{TEST_CLIENT_ORIGIN}/log-ind/{provider.name}/retur"
    query = _authorize_query(provider.client_id, redirect_uri, challenge)
    visit = visit_provider(f"{discovery['authorization_endpoint']}?{urlencode(query)}", login)
    return _redeem(
        discovery["token_endpoint"],
        discovery["userinfo_endpoint"],
        (provider.client_id, provider.client_secret),
        visit.callback_url,
        query,
        verifier,
    )


def rogue_sign_in(rogue: RogueProvider) -> Tokens:
    """A code flow at the rogue provider (it signs in at once, no pages)."""
    verifier, challenge = _pkce()
    query = _authorize_query(rogue.client_id, rogue.redirect_uris[0], challenge)
    start = requests.get(
        rogue.endpoint_url("authorize"), params=query, allow_redirects=False, timeout=5
    )
    assert start.status_code == 302, start.text
    return _redeem(
        rogue.endpoint_url("token"),
        rogue.endpoint_url("userinfo"),
        (rogue.client_id, rogue.client_secret),
        start.headers["Location"],
        query,
        verifier,
    )


def shaped(claims: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims that a test shaped, without the provider's own."""
    return {name: value for name, value in claims.items() if name not in PROTOCOL_CLAIMS}


# --- the npm provider (tests/node/oidc_provider.mjs) ----------------------------------------

TENANT = "3f2c8b1e-5d4a-4c6f-9e7b-1a2b3c4d5e6f"
GROUPS = [str(uuid.UUID(int=n + 1)) for n in range(100)]

# What municipal providers send: ID token claims, userinfo claims (None: userinfo has only sub).
PROVIDER_SHAPES = {
    "entra": (
        {
            "email": "kb@nordby.dk",
            "name": "Karen Bø",
            "preferred_username": "kb@nordby.dk",
            "tid": TENANT,
            "oid": "0c9d3a44-0000-4000-8000-000000000001",
            "xms_edov": True,
            "groups": GROUPS,
        },
        {"name": "Karen Bø", "given_name": "Karen", "family_name": "Bø"},
    ),
    "adfs": (
        {"upn": "kb@nordby.local", "unique_name": "NORDBY\\kb", "email": "kb@nordby.dk"},
        None,
    ),
    "os2faktor": (
        {
            "https://data.gov.dk/model/core/eid/email": "kb@nordby.dk",
            "https://data.gov.dk/model/core/eid/professional/cvr": "29189129",
            "https://data.gov.dk/concept/core/nsis/loa": "Substantial",
            "cvr": "29189129",
        },
        {"https://data.gov.dk/model/core/eid/email": "kb@nordby.dk"},
    ),
    "google": (
        {"email": "kb@nordby.dk", "email_verified": True, "hd": "nordby.dk"},
        {"email": "kb@nordby.dk", "email_verified": True, "name": "Karen Bø"},
    ),
    "email_verified_as_string": ({"email": "kb@nordby.dk", "email_verified": "true"}, {}),
}


@pytest.mark.parametrize("shape", PROVIDER_SHAPES)
def test_shaped_login_sends_exactly_those_claims(nordby: RunningProvider, shape: str):
    id_token, userinfo = PROVIDER_SHAPES[shape]

    tokens = sign_in_at(nordby, login_with_claims(f"shape-{shape}", id_token, userinfo))

    assert tokens.claims["sub"] == f"shape-{shape}"
    assert shaped(tokens.claims) == id_token
    answer = tokens.userinfo()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"sub": f"shape-{shape}", **(userinfo or {})}


def test_a_hundred_groups_fit_in_the_login(nordby: RunningProvider):
    login = login_with_claims("groups-1", {"groups": GROUPS})
    assert len(login) > 5000  # far beyond any short form field

    claims = sign_in_at(nordby, login).claims

    assert claims["groups"] == GROUPS


def test_userinfo_error_still_gives_the_id_token(nordby: RunningProvider):
    login = login_with_claims("ui-err", {"email": "e@nordby.dk"}, {}, userinfo_error=True)

    tokens = sign_in_at(nordby, login)
    answer = tokens.userinfo()

    assert tokens.claims["email"] == "e@nordby.dk"
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_token"


def test_login_for_puts_its_claims_in_userinfo_only(nordby: RunningProvider):
    tokens = sign_in_at(nordby, login_for("plain-1", "p@nordby.dk", name="Poul P"))

    assert shaped(tokens.claims) == {}
    assert tokens.userinfo().json() == {
        "sub": "plain-1",
        "email": "p@nordby.dk",
        "email_verified": True,
        "name": "Poul P",
    }
    unverified = sign_in_at(nordby, login_for("plain-1", "p@nordby.dk", email_verified=False))
    assert unverified.userinfo().json() == {
        "sub": "plain-1",
        "email": "p@nordby.dk",
        "email_verified": False,
    }
    assert sign_in_at(nordby, login_for("plain-2")).userinfo().json() == {"sub": "plain-2"}


def test_the_latest_login_of_a_sub_decides_its_claims(nordby: RunningProvider):
    sign_in_at(nordby, login_with_claims("again-1", {"upn": "a@nordby.dk"}, None))

    tokens = sign_in_at(nordby, login_for("again-1", "a@nordby.dk"))

    assert shaped(tokens.claims) == {}
    assert tokens.userinfo().json()["email"] == "a@nordby.dk"


def test_an_undeclared_claim_is_refused_not_silently_dropped():
    with pytest.raises(ValueError, match="favourite_colour"):
        login_with_claims("x", {"favourite_colour": "blue"})
    with pytest.raises(ValueError, match="sub"):
        login_with_claims("x", {}, {"sub": "someone-else"})


# --- the rogue provider (tests/rogue_provider.py) -------------------------------------------


def jwks_of(rogue: RogueProvider) -> KeySet:
    return KeySet.import_key_set(requests.get(rogue.endpoint_url("jwks"), timeout=5).json())


@pytest.fixture
def ruth(rogue: RogueProvider) -> RogueProvider:
    rogue.account = {"sub": "ruth-1", "email": "ruth@rogue.example", "email_verified": True}
    return rogue


def test_honest_rogue_signs_a_token_its_jwks_verifies(ruth: RogueProvider):
    tokens = rogue_sign_in(ruth)

    token = jwt.decode(tokens.id_token, jwks_of(ruth))
    assert token.claims["iss"] == ruth.issuer
    assert token.claims["sub"] == "ruth-1"
    assert "tid" not in token.claims
    assert tokens.userinfo().json() == ruth.account


def test_id_token_claims_are_merged_in(ruth: RogueProvider):
    ruth.id_token_claims = {"upn": "ruth@rogue.local", "groups": GROUPS, "email_verified": "true"}

    claims = rogue_sign_in(ruth).claims

    assert claims["upn"] == "ruth@rogue.local"
    assert claims["groups"] == GROUPS
    assert claims["email_verified"] == "true"
    assert claims["sub"] == "ruth-1"


def test_clock_offset_moves_iat_exp_and_nbf(ruth: RogueProvider):
    now = int(time.time())
    ruth.clock_offset = 3600
    ruth.id_token_claims = {"nbf": now}

    claims = rogue_sign_in(ruth).claims

    assert now + 3600 <= claims["iat"] <= now + 3605
    assert claims["exp"] == claims["iat"] + 300
    assert claims["nbf"] == now + 3600


def test_rotated_keys_replace_the_jwks(ruth: RogueProvider):
    before = jwks_of(ruth)
    old_kid = ruth.kid

    new_kid = ruth.rotate_keys()
    tokens = rogue_sign_in(ruth)

    assert new_kid != old_kid
    assert tokens.header["kid"] == new_kid
    assert [key.kid for key in jwks_of(ruth)] == [new_kid]
    jwt.decode(tokens.id_token, jwks_of(ruth))
    assert [key.kid for key in before] == [old_kid]
    with pytest.raises(InvalidKeyIdError):
        jwt.decode(tokens.id_token, before)


def test_foreign_key_signs_under_the_current_kid(ruth: RogueProvider):
    ruth.rotate_keys()
    ruth.fault = "foreign_key"

    tokens = rogue_sign_in(ruth)

    assert tokens.header["kid"] == ruth.kid
    with pytest.raises(BadSignatureError):
        jwt.decode(tokens.id_token, jwks_of(ruth))


def test_requests_are_counted_per_path(ruth: RogueProvider):
    for _ in range(2):
        requests.get(ruth.metadata_url, timeout=5)
    rogue_sign_in(ruth)

    assert ruth.seen("discovery") == 2
    assert ruth.requests_seen["/.well-known/openid-configuration"] == 2
    assert (ruth.seen("authorize"), ruth.seen("token"), ruth.seen("jwks")) == (1, 1, 0)


def test_authorize_error_goes_back_with_the_state(ruth: RogueProvider):
    ruth.authorize_error = "access_denied"
    _, challenge = _pkce()
    query = _authorize_query(ruth.client_id, ruth.redirect_uris[0], challenge)

    start = requests.get(
        ruth.endpoint_url("authorize"), params=query, allow_redirects=False, timeout=5
    )

    location = urlsplit(start.headers["Location"])
    back = parse_qs(location.query)
    assert start.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == ruth.redirect_uris[0]
    assert back["error"] == ["access_denied"]
    assert back["state"] == [query["state"]]
    assert back["error_description"]
    assert "code" not in back


@pytest.mark.parametrize(
    ("fault", "endpoint", "status"),
    [("metadata_500", "discovery", 500), ("token_500", "token", 500)],
)
def test_endpoint_answers_500(ruth: RogueProvider, fault: str, endpoint: str, status: int):
    ruth.fault = fault
    method = requests.post if endpoint == "token" else requests.get

    response = method(ruth.endpoint_url(endpoint), timeout=5)

    assert response.status_code == status
    assert response.json()["error"] == "server_error"


def test_userinfo_500_after_a_good_id_token(ruth: RogueProvider):
    ruth.fault = "userinfo_500"

    tokens = rogue_sign_in(ruth)

    assert tokens.claims["sub"] == "ruth-1"
    assert tokens.userinfo().status_code == 500


def test_metadata_incomplete_and_no_userinfo_endpoint(ruth: RogueProvider):
    ruth.fault = "metadata_incomplete"
    incomplete = requests.get(ruth.metadata_url, timeout=5).json()
    ruth.fault = "no_userinfo_endpoint"
    without_userinfo = requests.get(ruth.metadata_url, timeout=5).json()
    tokens = rogue_sign_in(ruth)

    assert incomplete["issuer"] == ruth.issuer
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        assert name not in incomplete
    assert "userinfo_endpoint" not in without_userinfo
    assert tokens.userinfo().status_code == 404


def _timed_get(url: str, results: list[float]) -> None:
    started = time.monotonic()
    requests.get(url, timeout=10)
    results.append(time.monotonic() - started)


def test_hang_delays_discovery_but_not_other_requests(ruth: RogueProvider):
    ruth.fault = "hang"
    ruth.hang_seconds = 0.6
    hung: list[float] = []
    waiting = threading.Thread(target=_timed_get, args=(ruth.metadata_url, hung))

    waiting.start()
    time.sleep(0.05)
    started = time.monotonic()
    jwks = requests.get(ruth.endpoint_url("jwks"), timeout=5)
    jwks_took = time.monotonic() - started
    waiting.join(timeout=5)

    assert jwks.status_code == 200
    assert jwks_took < 0.4
    assert hung and hung[0] >= 0.6


def test_reset_ends_a_hang_and_makes_the_provider_honest(ruth: RogueProvider):
    ruth.fault = "hang"
    ruth.id_token_claims = {"upn": "x"}
    ruth.clock_offset = -600
    ruth.authorize_error = "server_error"
    ruth.tenant_id = OTHER_TENANT_ID
    hung: list[float] = []
    waiting = threading.Thread(target=_timed_get, args=(ruth.metadata_url, hung))
    waiting.start()
    time.sleep(0.1)

    ruth.reset()
    waiting.join(timeout=5)

    assert hung and hung[0] < 2
    assert (ruth.fault, ruth.id_token_claims, ruth.clock_offset) == (None, {}, 0)
    assert (ruth.authorize_error, ruth.tenant_id) == (None, DEFAULT_TENANT_ID)
    assert ruth.seen("discovery") == 0
    ruth.account = {"sub": "ruth-2"}
    assert rogue_sign_in(ruth).claims["sub"] == "ruth-2"


def test_stop_does_not_wait_for_a_hanging_request():
    provider = RogueProvider(redirect_uris=["http://localhost/cb"]).start()
    provider.fault = "hang"
    waiting = threading.Thread(
        target=lambda: requests.get(provider.metadata_url, timeout=10), daemon=True
    )
    waiting.start()
    time.sleep(0.1)

    started = time.monotonic()
    provider.stop()

    assert time.monotonic() - started < 2
    waiting.join(timeout=5)
    assert not waiting.is_alive()


def test_every_fault_is_documented():
    assert all(isinstance(text, str) and text for text in FAULTS.values())
    for fault in ("hang", "metadata_500", "tenant_iss_mismatch", "no_userinfo_endpoint"):
        assert fault in FAULTS


# --- the rogue provider as Entra's multi-tenant endpoint ------------------------------------


def test_multi_tenant_discovery_names_the_template(rogue_tenants: RogueProvider):
    base = rogue_tenants.base_url
    template = f"{base}/{{tenantid}}/v2.0"
    discovery_url = template.replace("{tenantid}", "organizations")
    discovery_url += "/.well-known/openid-configuration"

    document = requests.get(discovery_url, timeout=5).json()

    assert rogue_tenants.issuer_template == template
    assert rogue_tenants.metadata_url == discovery_url
    assert rogue_tenants.portal_settings("entra")["issuer"] == template
    assert document["issuer"] == template
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
        assert urlsplit(document[name]).path.startswith("/organizations/")


def test_multi_tenant_id_token_names_its_tenant(rogue_tenants: RogueProvider):
    rogue_tenants.account = {"sub": "entra-1"}

    token = jwt.decode(rogue_sign_in(rogue_tenants).id_token, jwks_of(rogue_tenants))

    assert token.claims["tid"] == DEFAULT_TENANT_ID
    assert token.claims["iss"] == f"{rogue_tenants.base_url}/{DEFAULT_TENANT_ID}/v2.0"
    assert token.claims["iss"] == rogue_tenants.tenant_issuer


def test_multi_tenant_other_tenant_and_mismatch(rogue_tenants: RogueProvider):
    rogue_tenants.account = {"sub": "entra-2"}
    rogue_tenants.tenant_id = TENANT
    other = rogue_sign_in(rogue_tenants).claims
    rogue_tenants.fault = "tenant_iss_mismatch"
    mismatched = rogue_sign_in(rogue_tenants).claims

    assert (other["tid"], other["iss"]) == (TENANT, f"{rogue_tenants.base_url}/{TENANT}/v2.0")
    assert mismatched["tid"] == TENANT
    assert mismatched["iss"] == f"{rogue_tenants.base_url}/{OTHER_TENANT_ID}/v2.0"


def test_single_tenant_provider_has_no_template(rogue: RogueProvider):
    with pytest.raises(RuntimeError):
        _ = rogue.issuer_template

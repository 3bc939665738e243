"""The municipalities' OpenID Connect providers, as Authlib clients the portal can trust.

Authlib does the code flow (PKCE S256, state, nonce, ID-token signature); this module tightens
what Authlib leaves open: the issuer in the discovery document, the audience, the signature
algorithms, a time limit on every call, and a metadata cache that expires and never keeps a
failed or incomplete answer (a provider that was down recovers without a restart).
"""

from __future__ import annotations

import time
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import abort, current_app
from joserfc.errors import JoseError

from portal.auth.settings import TENANT_PLACEHOLDER, Provider

CLIENTS_KEY = "portal.oidc_clients"

# What talking to a provider can fail with.
UNREACHABLE = (AuthlibBaseError, requests.RequestException, ValueError, RuntimeError)
# What a provider's answer can fail with: Authlib's own errors, and since Authlib 1.9 the ID
# token's checks (signature, iss, aud, exp, nonce) raise joserfc's.
REFUSED_ANSWER = (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError)
# ID tokens must carry a public-key signature the provider's JWKS verifies.
ID_TOKEN_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}
# The endpoints without which no one can sign in: a document lacking one is not cached.
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
METADATA_TTL = 3600.0


class ProviderDown(Exception):
    """The provider did not answer in time, or answered with an error or a broken document."""


class ProviderClient(FlaskOAuth2App):
    """Authlib's client, with our algorithms, time limit and metadata cache."""

    provider: Provider

    def load_server_metadata(self) -> dict[str, Any]:
        loaded_at = self.server_metadata.get("_loaded_at")
        if loaded_at is not None and time.monotonic() - loaded_at < METADATA_TTL:
            return self.server_metadata
        with self._get_session() as http:
            response = http.request("GET", self._server_metadata_url, withhold_token=True)
            response.raise_for_status()
            metadata = response.json()
        if not isinstance(metadata, dict):
            raise ValueError("the discovery document is not a JSON object")
        missing = [key for key in REQUIRED_METADATA if not metadata.get(key)]
        if missing:
            raise ValueError(f"the discovery document lacks {', '.join(missing)}")
        issuer = str(metadata["issuer"])
        if issuer.rstrip("/") != self.provider.issuer:
            # OpenID Discovery 4.3: a document naming another issuer must not be used, or one
            # provider could speak for another's accounts. (The setting drops a trailing slash.)
            raise ValueError(
                f"discovery names issuer {issuer!r}, configured {self.provider.issuer!r}"
            )
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [
            alg for alg in offered if alg in ID_TOKEN_ALGORITHMS
        ] or ["RS256"]
        metadata["_loaded_at"] = time.monotonic()
        # A fresh document replaces the old one whole, its cached JWKS included.
        self.server_metadata = metadata
        return metadata

    def save_authorize_data(self, **kwargs: Any) -> None:
        # The authorisation URL is not needed on the way back; leaving it out keeps the
        # cookie small while a sign-in is under way.
        kwargs.pop("url", None)
        super().save_authorize_data(**kwargs)


def providers() -> list[Provider]:
    return current_app.config["PORTAL_OIDC_PROVIDERS"]


def provider_named(name: str | None) -> Provider | None:
    return next((provider for provider in providers() if provider.name == name), None)


def provider_or_404(name: str) -> Provider:
    return provider_named(name) or abort(404)


def provider_for_issuer(issuer: str) -> Provider | None:
    """The configured provider whose accounts come with this issuer (tenants included)."""
    return next((p for p in providers() if p.signs_in(issuer)), None)


def oidc_client(provider: Provider) -> ProviderClient:
    """This app's Authlib client for the provider.

    Not `oauth.create_client(name)`: that registry is one per process and keeps the first client
    made under a name, so a second app in the same process (the tests, a live server beside
    them) would talk to the first app's issuer with its credentials.
    """
    clients = current_app.extensions.setdefault(CLIENTS_KEY, {})
    if provider.name not in clients:
        client = ProviderClient(
            FlaskIntegration(provider.name),
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            authorize_params=provider.authorize_params or None,
            client_kwargs={
                "scope": provider.scopes,
                "code_challenge_method": "S256",
                # Every call to the provider: discovery, keys, token, userinfo.
                "default_timeout": current_app.config["PORTAL_OIDC_TIMEOUT"],
            },
        )
        client.provider = provider
        clients[provider.name] = client
    return clients[provider.name]


def id_token_claims_options(client: ProviderClient) -> dict[str, Any]:
    # Authlib checks aud only through azp; OpenID Core 3.1.3.7 wants our client_id in aud.
    options: dict[str, Any] = {"aud": {"essential": True, "values": [client.client_id]}}
    if client.provider.multi_tenant:
        # Each tenant has its own iss: checked against the token's own tid afterwards.
        options["iss"] = {"essential": True}
    else:
        # As the discovery document spells it (a trailing slash included), as tokens do.
        options["iss"] = {"essential": True, "value": client.load_server_metadata()["issuer"]}
    return options


def tenant_issuer_matches(provider: Provider, claims: dict[str, Any]) -> bool:
    """A multi-tenant token: its tenant is listed, and its iss is the template with its tid."""
    tenant_id = str(claims.get("tid") or "").lower()
    if provider.tenant(tenant_id) is None:
        return False
    expected = provider.issuer.replace(TENANT_PLACEHOLDER, tenant_id)
    return str(claims.get("iss", "")).rstrip("/") == expected

"""The municipalities' OpenID Connect providers, as Authlib clients the portal can trust.

Authlib does the code flow (discovery, PKCE S256, state, nonce, ID-token signature); this module
tightens what Authlib leaves open: the issuer in the discovery document, the audience, and the
signature algorithms.
"""

from __future__ import annotations

from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import abort, current_app
from joserfc.errors import JoseError

CLIENTS_KEY = "portal.oidc_clients"

# What fetching a provider's metadata can fail with.
UNREACHABLE = (AuthlibBaseError, requests.RequestException, ValueError)
# What a provider's answer can fail with: Authlib's own errors, and since Authlib 1.9 the ID
# token's checks (signature, iss, aud, exp, nonce) raise joserfc's.
REFUSED_ANSWER = (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError)
# ID tokens must carry a public-key signature the provider's JWKS verifies.
ID_TOKEN_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}


class ProviderClient(FlaskOAuth2App):
    """Authlib's client, except that the ID token algorithms are ours.

    Authlib accepts whatever algorithms the discovery document lists, and a document that lists
    "none" would make it take an unsigned ID token.
    """

    def load_server_metadata(self) -> dict[str, Any]:
        metadata = super().load_server_metadata()
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [
            alg for alg in offered if alg in ID_TOKEN_ALGORITHMS
        ] or ["RS256"]
        return metadata


def providers() -> list[dict[str, str]]:
    return current_app.config["PORTAL_OIDC_PROVIDERS"]


def provider_or_404(name: str) -> dict[str, str]:
    for provider in providers():
        if provider["name"] == name:
            return provider
    abort(404)


def oidc_client(provider: dict[str, str]) -> ProviderClient:
    """This app's Authlib client for the provider.

    Not `oauth.create_client(name)`: that registry is one per process and keeps the first client
    made under a name, so a second app in the same process (the tests, a live server beside
    them) would talk to the first app's issuer with its credentials.
    """
    clients = current_app.extensions.setdefault(CLIENTS_KEY, {})
    if provider["name"] not in clients:
        clients[provider["name"]] = ProviderClient(
            FlaskIntegration(provider["name"]),
            provider["name"],
            client_id=provider["client_id"],
            client_secret=provider["client_secret"],
            server_metadata_url=provider["issuer"] + "/.well-known/openid-configuration",
            client_kwargs={"scope": provider["scopes"], "code_challenge_method": "S256"},
        )
    return clients[provider["name"]]


def provider_issuer(provider: dict[str, str], client: ProviderClient) -> str:
    """The issuer as the provider's discovery document spells it, if it is the configured one.

    OpenID Discovery 4.3: a discovery document naming another issuer must not be used, or one
    provider could speak for another's accounts. (The setting drops a trailing slash.)
    """
    issuer = client.load_server_metadata().get("issuer") or ""
    if issuer.rstrip("/") != provider["issuer"]:
        raise ValueError(f"discovery names issuer {issuer!r}, configured {provider['issuer']!r}")
    return issuer


def id_token_claims_options(issuer: str, client_id: str) -> dict[str, Any]:
    # Authlib checks aud only through azp; OpenID Core 3.1.3.7 wants our client_id in aud.
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "values": [client_id]},
    }


def is_true(value: Any) -> bool:
    """A claim that is true: some providers send "true"/"false" strings for booleans."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")

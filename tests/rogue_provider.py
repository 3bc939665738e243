"""A small OpenID provider on loopback that can be told to misbehave, one fault at a time.

It speaks real HTTP (discovery, JWKS, authorize, token, userinfo) and follows the code flow
honestly: it checks the client's secret, the exact redirect URI and the PKCE verifier, and echoes
the nonce and state it was given. Only the fault under test is wrong, so a test that sees the
portal refuse knows what it refused. With `fault = None` it signs people in like any provider,
which the tests use to show the refusals are not accidents of the set-up.

What a test can set (`reset()` puts all of it back, the fixtures call it around each test):

- `fault`: one of FAULTS: an ID token wrong in one way, or an operational failure (an endpoint
  that hangs for `hang_seconds` or answers 500, a discovery document missing endpoints).
- `account`: what userinfo answers; its `sub` is the ID token's sub.
- `id_token_claims`: merged over the ID token's own claims (upn, groups, email_verified "true"...).
- `clock_offset`: seconds the provider's clock is off; iat, exp and nbf move by it.
- `authorize_error`: /authorize sends the person back with this OAuth error code, no code.
- `rotate_keys()`: a new signing key with a new kid; the JWKS then lists only the new key.
- `requests_seen`: requests per path, e.g. to see that discovery was fetched again (`seen()`).

Multi-tenant mode (`multi_tenant=True`) is shaped as Microsoft Entra ID's /organizations
endpoint: the portal is configured with the issuer template `<base>/{tenantid}/v2.0`, fetches
discovery from `<base>/organizations/v2.0/.well-known/openid-configuration` (whose `issuer` is
that template, literally), and each ID token carries `tid` = `tenant_id` and
`iss` = `<base>/<tid>/v2.0` (`tenant_issuer`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

# What `fault` can be, and what goes wrong.
FAULTS = {
    "wrong_issuer": "the ID token's iss is another issuer",
    "wrong_audience": "the ID token is for another client",
    "wrong_audience_with_azp": "the ID token is for another client but names us as azp",
    "expired": "the ID token expired ten minutes ago",
    "alg_none": "the ID token is unsigned (alg none), and discovery admits none",
    "foreign_key": "the ID token is signed with a key not in the JWKS",
    "wrong_nonce": "the ID token carries another nonce than the one sent",
    "discovery_issuer": "discovery and ID token claim another provider's issuer",
    "userinfo_other_sub": "userinfo describes another sub than the ID token",
    "email_verified_string": 'userinfo says email_verified "false", as a string',
    "tenant_iss_mismatch": "multi-tenant: the ID token's iss names another tenant than its tid",
    # operational failures
    "hang": "discovery, token and userinfo answer only after hang_seconds",
    "metadata_500": "discovery answers 500",
    "metadata_incomplete": "discovery lacks authorization_endpoint, token_endpoint and jwks_uri",
    "token_500": "the token endpoint answers 500",
    "userinfo_500": "userinfo answers 500",
    "no_userinfo_endpoint": "discovery lists no userinfo_endpoint (and there is none)",
}
OTHER_ISSUER = "https://login.other-kommune.example"
DEFAULT_TENANT_ID = "7d3a1c52-9b4e-4f0a-8c61-2e5b9d0f4a17"
OTHER_TENANT_ID = "c0ffee00-1234-4abc-9def-000000000bad"
DEFAULT_HANG_SECONDS = 30.0
# The endpoints "hang" slows down: the ones a relying party calls server to server.
HANGING_ENDPOINTS = {"discovery", "token", "userinfo"}
SINGLE_TENANT_PATHS = {
    "discovery": "/.well-known/openid-configuration",
    "jwks": "/jwks",
    "authorize": "/authorize",
    "token": "/token",
    "userinfo": "/userinfo",
}
# Entra's paths, near enough: only discovery's is fixed by the issuer template.
MULTI_TENANT_PATHS = {
    "discovery": "/organizations/v2.0/.well-known/openid-configuration",
    "jwks": "/organizations/discovery/v2.0/keys",
    "authorize": "/organizations/oauth2/v2.0/authorize",
    "token": "/organizations/oauth2/v2.0/token",
    "userinfo": "/organizations/oidc/userinfo",
}
SERVER_ERROR = {"error": "server_error", "error_description": "the provider failed on purpose"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class Grant:
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


class _Server(ThreadingHTTPServer):
    # A hanging request must neither hold up other requests nor stop().
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ANN401
        # A client that gave up on a hanging request is no error worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class RogueProvider:
    """Start with `start()`; `issuer`, `client_id` and `client_secret` are then set."""

    redirect_uris: list[str]
    client_id: str = "kkr-portal"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    account: dict[str, Any] = field(default_factory=dict)
    fault: str | None = None
    # Merged over the ID token's own claims (so they can also replace one).
    id_token_claims: dict[str, Any] = field(default_factory=dict)
    clock_offset: int = 0
    hang_seconds: float = DEFAULT_HANG_SECONDS
    authorize_error: str | None = None
    multi_tenant: bool = False
    tenant_id: str = DEFAULT_TENANT_ID
    # What discovery names as issuer: the base URL, or in multi-tenant mode the template.
    issuer: str = ""
    base_url: str = ""
    # What the portal sent to the authorization endpoint last, for the tests to inspect.
    last_authorization: dict[str, str] = field(default_factory=dict)
    requests_seen: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._key_number = 1
        self._key = RSAKey.generate_key(2048, {"kid": "rogue-1"})
        # Not in the JWKS, signed under the current kid: the portal must check the signature,
        # not trust the header.
        self._foreign_key = RSAKey.generate_key(2048)
        self._grants: dict[str, Grant] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._paths = MULTI_TENANT_PATHS if self.multi_tenant else SINGLE_TENANT_PATHS
        self._lock = threading.Lock()
        # Set to end every hang at once (reset, stop); replaced by a fresh one on reset.
        self._wake = threading.Event()

    # --- lifecycle ---

    def start(self) -> RogueProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                provider._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                provider._handle(self, "POST")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # the test output stays readable

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.issuer = self.issuer_template if self.multi_tenant else self.base_url
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._wake.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def reset(self) -> None:
        """Honest again: no fault, no shaped claims, a right clock, nothing counted."""
        self.fault = None
        self.account = {}
        self.id_token_claims = {}
        self.clock_offset = 0
        self.hang_seconds = DEFAULT_HANG_SECONDS
        self.authorize_error = None
        self.tenant_id = DEFAULT_TENANT_ID
        self.last_authorization = {}
        with self._lock:
            self.requests_seen.clear()
            self._wake.set()  # a request still hanging from the last test answers now
            self._wake = threading.Event()

    def rotate_keys(self) -> str:
        """Sign with a new key under a new kid from now on; the JWKS lists only it. Its kid."""
        self._key_number += 1
        self._key = RSAKey.generate_key(2048, {"kid": f"rogue-{self._key_number}"})
        return self.kid

    @property
    def kid(self) -> str:
        """The kid of the key the ID tokens are signed with now."""
        return str(self._key.kid)

    @property
    def issuer_template(self) -> str:
        """Multi-tenant mode: the issuer the portal is configured with, as Entra's."""
        if not self.multi_tenant:
            raise RuntimeError("only a multi_tenant RogueProvider has an issuer template")
        return f"{self.base_url}/{{tenantid}}/v2.0"

    @property
    def tenant_issuer(self) -> str:
        """Multi-tenant mode: the iss of an honest ID token, for `tenant_id`."""
        return self.issuer_template.replace("{tenantid}", self.tenant_id)

    @property
    def metadata_url(self) -> str:
        """Where the portal fetches the discovery document."""
        return self.endpoint_url("discovery")

    def endpoint_url(self, endpoint: str) -> str:
        """URL of "discovery", "jwks", "authorize", "token" or "userinfo"."""
        return self.base_url + self._paths[endpoint]

    def seen(self, endpoint: str) -> int:
        """Requests so far to "discovery", "jwks", "authorize", "token" or "userinfo"."""
        with self._lock:
            return self.requests_seen[self._paths[endpoint]]

    def portal_settings(self, name: str = "rogue", **changes: Any) -> dict[str, Any]:
        """The portal's provider entry; it vouches for rogue.example and the factories'
        domain (in multi-tenant mode, through its one listed tenant)."""
        domains = ["rogue.example", "kkr-test.example"]
        vouching: dict[str, Any] = (
            {"tenants": [{"id": DEFAULT_TENANT_ID, "email_domains": domains}]}
            if self.multi_tenant
            else {"email_domains": domains}
        )
        return {
            "name": name,
            "label": "Rogue Kommune",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            **vouching,
            **changes,
        }

    # --- HTTP ---

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        with self._lock:
            self.requests_seen[url.path] += 1
            wake = self._wake
        routes = {
            ("GET", "discovery"): self._discovery,
            ("GET", "jwks"): self._jwks,
            ("GET", "authorize"): self._authorize,
            ("POST", "token"): self._token,
            ("GET", "userinfo"): self._userinfo,
        }
        endpoint = next((name for name, path in self._paths.items() if path == url.path), None)
        route = routes.get((method, endpoint or ""))
        if route is None or (endpoint == "userinfo" and self.fault == "no_userinfo_endpoint"):
            return self._send(request, 404, {"error": "not_found"})
        if self.fault == "hang" and endpoint in HANGING_ENDPOINTS:
            wake.wait(self.hang_seconds)
        status, body, headers = route(request, query)
        self._send(request, status, body, headers)

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any] | None,
        headers: dict[str, str] | None = None,
    ) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        if body is not None:
            request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _discovery(self, request, query):  # noqa: ANN001, ANN202
        if self.fault == "metadata_500":
            return 500, SERVER_ERROR, None
        issuer = OTHER_ISSUER if self.fault == "discovery_issuer" else self.issuer
        algorithms = ["RS256", "none"] if self.fault == "alg_none" else ["RS256"]
        document = {
            "issuer": issuer,
            "authorization_endpoint": self.endpoint_url("authorize"),
            "token_endpoint": self.endpoint_url("token"),
            "userinfo_endpoint": self.endpoint_url("userinfo"),
            "jwks_uri": self.endpoint_url("jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algorithms,
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }
        if self.fault == "metadata_incomplete":
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                del document[name]
        if self.fault == "no_userinfo_endpoint":
            del document["userinfo_endpoint"]
        return 200, document, None

    def _jwks(self, request, query):  # noqa: ANN001, ANN202
        public = self._key.as_dict(private=False) | {"use": "sig", "alg": "RS256"}
        return 200, {"keys": [public]}, None

    def _authorize(self, request, query):  # noqa: ANN001, ANN202
        self.last_authorization = dict(query)
        if query.get("client_id") != self.client_id or query.get("redirect_uri") not in (
            self.redirect_uris
        ):
            return 400, {"error": "invalid_request"}, None
        if self.authorize_error is not None:
            # An OAuth error response (RFC 6749, 4.1.2.1): back to the client, with its state.
            back = {
                "error": self.authorize_error,
                "error_description": f"The provider refused: {self.authorize_error}",
            }
            if "state" in query:
                back["state"] = query["state"]
            return 302, None, {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}
        code = secrets.token_urlsafe(16)
        self._grants[code] = Grant(
            redirect_uri=query["redirect_uri"],
            nonce=query.get("nonce"),
            code_challenge=query.get("code_challenge")
            if query.get("code_challenge_method") == "S256"
            else None,
        )
        back = {"code": code, "state": query.get("state", "")}
        return 302, None, {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _token(self, request, query):  # noqa: ANN001, ANN202
        length = int(request.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        if self.fault == "token_500":
            return 500, SERVER_ERROR, None
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return 401, {"error": "invalid_client"}, None
        grant = self._grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant"}, None
        verifier = form.get("code_verifier", "")
        challenge = _b64url(hashlib.sha256(verifier.encode()).digest())
        if grant.code_challenge is None or challenge != grant.code_challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}, None
        access_token = secrets.token_urlsafe(24)
        self._tokens[access_token] = dict(self.account)
        return (
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            },
            {"Cache-Control": "no-store"},
        )

    def _userinfo(self, request, query):  # noqa: ANN001, ANN202
        if self.fault == "userinfo_500":
            return 500, SERVER_ERROR, None
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        account = self._tokens.get(token)
        if account is None:
            return 401, {"error": "invalid_token"}, {"WWW-Authenticate": "Bearer"}
        claims = dict(account)
        if self.fault == "userinfo_other_sub":
            claims["sub"] = "someone-else"
        if self.fault == "email_verified_string":
            claims["email_verified"] = "false"
        return 200, claims, None

    # --- the ID token, wrong in exactly one way when told ---

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.account["sub"],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
        }
        if self.multi_tenant:
            tenant = OTHER_TENANT_ID if self.fault == "tenant_iss_mismatch" else self.tenant_id
            claims["iss"] = self.issuer_template.replace("{tenantid}", tenant)
            claims["tid"] = self.tenant_id
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        claims |= self.id_token_claims
        header = {"alg": "RS256", "kid": self.kid}
        key = self._key
        match self.fault:
            case "wrong_issuer":
                claims["iss"] = "https://login.elsewhere.example"
            case "discovery_issuer":
                claims["iss"] = OTHER_ISSUER
            case "wrong_audience":
                claims["aud"] = "another-client"
            case "wrong_audience_with_azp":
                claims["aud"] = "another-client"
                claims["azp"] = self.client_id
            case "expired":
                claims["iat"] = now - 900
                claims["exp"] = now - 600  # past any clock-skew leeway
            case "wrong_nonce":
                claims["nonce"] = "not-the-nonce-you-sent"
            case "foreign_key":
                key = self._foreign_key
        # The provider's clock is off: every time it writes is off by as much.
        for name in ("iat", "exp", "nbf"):
            if isinstance(claims.get(name), int):
                claims[name] += self.clock_offset
        if self.fault == "alg_none":
            unsigned = [json.dumps(part).encode() for part in ({"alg": "none"}, claims)]
            return ".".join(_b64url(part) for part in unsigned) + "."
        return jwt.encode(header, claims, key)

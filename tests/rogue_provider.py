"""A small OpenID provider on loopback that can be told to misbehave, one fault at a time.

It speaks real HTTP (discovery, JWKS, authorize, token, userinfo) and follows the code flow
honestly: it checks the client's secret, the exact redirect URI and the PKCE verifier, and echoes
the nonce and state it was given. Only the fault under test is wrong, so a test that sees the
portal refuse knows what it refused. With `fault = None` it signs people in like any provider,
which the tests use to show the refusals are not accidents of the set-up.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
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
}
OTHER_ISSUER = "https://login.other-kommune.example"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class Grant:
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None


@dataclass
class RogueProvider:
    """Start with `start()`; `issuer`, `client_id` and `client_secret` are then set."""

    redirect_uris: list[str]
    client_id: str = "kkr-portal"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    account: dict[str, Any] = field(default_factory=dict)
    fault: str | None = None
    issuer: str = ""
    # What the portal sent to the authorization endpoint last, for the tests to inspect.
    last_authorization: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._key = RSAKey.generate_key(2048, {"kid": "rogue-1"})
        # Same kid, other key: the portal must check the signature, not trust the header.
        self._foreign_key = RSAKey.generate_key(2048, {"kid": "rogue-1"})
        self._grants: dict[str, Grant] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self._server: ThreadingHTTPServer | None = None

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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def reset(self) -> None:
        self.fault = None
        self.account = {}
        self.last_authorization = {}

    def portal_settings(self, name: str = "rogue") -> dict[str, str]:
        return {
            "name": name,
            "label": "Rogue Kommune",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

    # --- HTTP ---

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        routes = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/jwks"): self._jwks,
            ("GET", "/authorize"): self._authorize,
            ("POST", "/token"): self._token,
            ("GET", "/userinfo"): self._userinfo,
        }
        route = routes.get((method, url.path))
        if route is None:
            return self._send(request, 404, {"error": "not_found"})
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
        issuer = OTHER_ISSUER if self.fault == "discovery_issuer" else self.issuer
        algorithms = ["RS256", "none"] if self.fault == "alg_none" else ["RS256"]
        return (
            200,
            {
                "issuer": issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": algorithms,
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            },
            None,
        )

    def _jwks(self, request, query):  # noqa: ANN001, ANN202
        public = self._key.as_dict(private=False) | {"use": "sig", "alg": "RS256"}
        return 200, {"keys": [public]}, None

    def _authorize(self, request, query):  # noqa: ANN001, ANN202
        self.last_authorization = dict(query)
        if query.get("client_id") != self.client_id or query.get("redirect_uri") not in (
            self.redirect_uris
        ):
            return 400, {"error": "invalid_request"}, None
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
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        header = {"alg": "RS256", "kid": "rogue-1"}
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
            case "alg_none":
                unsigned = [json.dumps(part).encode() for part in ({"alg": "none"}, claims)]
                return ".".join(_b64url(part) for part in unsigned) + "."
        return jwt.encode(header, claims, key)

"""Real OpenID Connect providers for the sign-in tests (a pytest plugin: tests/conftest.py).

Two processes of npm `oidc-provider` (tests/node/oidc_provider.mjs) run on loopback for the whole
test session, "nordby" and "sydby", so every sign-in test also exercises the portal's
several-providers path. Without node or tests/node/node_modules the tests that use them skip
(fail with PORTAL_REQUIRE_ALL=1).

Redirect URIs. A provider accepts only the exact redirect URIs registered for its client, and
http://localhost and http://127.0.0.1:PORT are different hosts. `oidc_providers` registers the
portal origin of Flask's test client, http://localhost. A test that serves the portal elsewhere
(a browser test on http://127.0.0.1:PORT) asks the session-scoped factory for providers that also
know its origin:

    providers = start_oidc_providers("http://127.0.0.1:5123")

Each distinct set of origins gets its own pair of processes (cached for the session, stopped at
its end). For every origin and provider the client registers
`<origin>/log-ind/<name>/retur` (sign-in) and `<origin>/logget-ud` (after sign-out).

Accounts. The providers' development login accepts any login and password; the login decides the
claims (see `login_for`): `alice?email=alice@x.example` signs in with sub "alice" and that
verified e-mail, so a test can bring the same sub back with another address. Such a login's
claims come from userinfo; its ID token carries only sub.

The claims real municipal providers send (Entra ID, AD FS, OS2faktor, Google Workspace) are
shaped exactly with `login_with_claims`: these claims in the ID token, those in userinfo (or
only sub there, as AD FS), any JSON values (email_verified "true" as a string, 100 groups,
`https://data.gov.dk/...` names), and optionally a userinfo endpoint that refuses the account
(401) while the ID token still comes:

    login_with_claims("e-1", {"upn": "kb@nordby.dk", "tid": TENANT, "groups": groups}, None)

Only names in RELEASED_CLAIMS can be released (the provider drops undeclared claims); add a name
there when a test needs another.

Without a browser, `sign_in_via(client, provider, login)` drives the whole flow: the portal's
/log-ind/<name>, the provider's login and consent forms (plain form posts with `requests`), and
the provider's redirect back into the Flask test client.

`rogue` / `rogue_app`: a small Python provider (tests/rogue_provider.py) whose ID tokens can be
made wrong in one way at a time, for the refusal tests, and which can hang, fail, rotate its
keys, run a wrong clock or shape its ID token claims. `rogue_tenants`: another one in Entra's
multi-tenant shape (issuer template with {tenantid}, discovery under /organizations), for a
portal provider named "entra".
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.councils.models import Person
from portal.extensions import db
from tests.conftest import portal_app
from tests.rogue_provider import RogueProvider
from tests.support import free_port, require_program, skip_unless

NODE_DIR = Path(__file__).parent / "node"
PROVIDER_SCRIPT = NODE_DIR / "oidc_provider.mjs"
TEST_CLIENT_ORIGIN = "http://localhost"
# name and label of each provider started; the labels are what the sign-in page shows.
PROVIDER_NAMES = {"nordby": "Nordby Kommune", "sydby": "Sydby Kommune"}
CLIENT_ID = "kkr-portal"
# The domains both test providers vouch for: the factories' default and the demo's.
SHARED_DOMAINS = ("kkr-test.example", "kkr-demo.example")
START_TIMEOUT = 20.0
# Every claim a `login_with_claims` login may carry besides sub: the provider releases only
# declared names. What Entra ID, AD FS, OS2faktor and Google Workspace send.
RELEASED_CLAIMS = (
    # OpenID Connect standard claims
    "email",
    "email_verified",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "locale",
    # Microsoft Entra ID and AD FS
    "upn",
    "unique_name",
    "tid",
    "oid",
    "xms_edov",
    "verified_primary_email",
    "verified_secondary_email",
    "groups",
    "hasgroups",
    "roles",
    "wids",
    # Google Workspace
    "hd",
    # OS2faktor and other Danish NSIS providers
    "cvr",
    "https://data.gov.dk/model/core/eid/email",
    "https://data.gov.dk/model/core/eid/fullName",
    "https://data.gov.dk/model/core/eid/firstName",
    "https://data.gov.dk/model/core/eid/lastName",
    "https://data.gov.dk/model/core/eid/professional/cvr",
    "https://data.gov.dk/model/core/eid/professional/orgName",
    "https://data.gov.dk/model/core/eid/professional/uuid/persistent",
    "https://data.gov.dk/model/core/specVersion",
    "https://data.gov.dk/concept/core/nsis/loa",
    "https://data.gov.dk/concept/core/nsis/ial",
    "https://data.gov.dk/concept/core/nsis/aal",
)


@dataclass
class RunningProvider:
    """One provider process and the client the portal is registered as."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen | None = field(default=None, repr=False)
    log_path: Path | None = None

    def portal_settings(self, **changes: Any) -> dict[str, Any]:
        """This provider as an entry of the portal's OIDC_PROVIDERS setting: it vouches for
        its own domain, the tests' shared one and the demo's (`changes` override keys)."""
        return {
            "name": self.name,
            "label": self.label,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "email_domains": [f"{self.name}.example", *SHARED_DOMAINS],
            **changes,
        }

    def discovery(self) -> dict:
        response = requests.get(self.issuer + "/.well-known/openid-configuration", timeout=5)
        response.raise_for_status()
        return response.json()


def portal_provider_settings(providers: list[RunningProvider]) -> list[dict[str, str]]:
    """The value for create_app's "OIDC_PROVIDERS" setting."""
    return [provider.portal_settings() for provider in providers]


def login_for(
    sub: str, email: str | None = None, *, email_verified: bool = True, name: str | None = None
) -> str:
    """The dev-login name that makes the test provider report these claims."""
    claims: dict[str, str] = {}
    if email is not None:
        claims["email"] = email
        if not email_verified:
            claims["email_verified"] = "false"
    if name is not None:
        claims["name"] = name
    return f"{sub}?{urlencode(claims)}" if claims else sub


def login_with_claims(
    sub: str,
    id_token: dict[str, Any],
    userinfo: dict[str, Any] | None = None,
    *,
    userinfo_error: bool = False,
) -> str:
    """The dev-login name that makes the test provider send exactly these claims.

    The ID token carries sub and `id_token`; userinfo carries sub and `userinfo` (only sub when
    None, as AD FS answers). With `userinfo_error` the userinfo endpoint answers 401
    invalid_token for this account, while the ID token still comes.
    """
    for claim in (*id_token, *(userinfo or {})):
        if claim not in RELEASED_CLAIMS:
            # Silently dropped by the provider otherwise, and the test would prove nothing.
            raise ValueError(f"claim {claim!r} is not in tests.oidc.RELEASED_CLAIMS")
    shape = {"id_token": id_token, "userinfo": userinfo, "userinfo_error": userinfo_error}
    encoded = base64.urlsafe_b64encode(json.dumps(shape).encode()).rstrip(b"=").decode()
    return f"{sub}?c={encoded}"


# --- starting and stopping the processes ---------------------------------------------------


def _client_config(name: str, secret: str, origins: tuple[str, ...]) -> dict:
    return {
        "client_id": CLIENT_ID,
        "client_secret": secret,
        "redirect_uris": [f"{origin}/log-ind/{name}/retur" for origin in origins],
        "post_logout_redirect_uris": [f"{origin}/logget-ud" for origin in origins],
    }


def _wait_for_discovery(provider: RunningProvider) -> None:
    """Until the provider answers its discovery document: only then can the portal use it."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        assert provider.process is not None
        if provider.process.poll() is not None:
            raise RuntimeError(f"OpenID provider {provider.name} exited: {_log(provider)}")
        try:
            if provider.discovery()["issuer"] == provider.issuer:
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"OpenID provider {provider.name} did not start: {_log(provider)}")
        time.sleep(0.05)


def _log(provider: RunningProvider) -> str:
    if provider.log_path and provider.log_path.exists():
        return provider.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    return "(no output)"


def _start(node: str, name: str, origins: tuple[str, ...], log_dir: Path) -> RunningProvider:
    port = free_port()
    secret = secrets.token_urlsafe(24)
    config = {
        "port": port,
        "clients": [_client_config(name, secret, origins)],
        "released_claims": list(RELEASED_CLAIMS),
    }
    log_path = log_dir / f"{name}-{port}.log"
    provider = RunningProvider(
        name=name,
        label=PROVIDER_NAMES[name],
        issuer=f"http://127.0.0.1:{port}",
        client_id=CLIENT_ID,
        client_secret=secret,
        log_path=log_path,
    )
    with log_path.open("wb") as log:
        provider.process = subprocess.Popen(
            [node, str(PROVIDER_SCRIPT), json.dumps(config)],
            cwd=NODE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return provider


def _stop(provider: RunningProvider) -> None:
    process = provider.process
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def start_oidc_providers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., list[RunningProvider]]]:
    """Factory: the two providers, accepting the test client's origin and the ones given.

    Cached per set of origins for the session; every process is stopped when the session ends.
    """
    started: dict[tuple[str, ...], list[RunningProvider]] = {}
    log_dir = tmp_path_factory.mktemp("oidc-providers")

    def start(*extra_origins: str) -> list[RunningProvider]:
        origins = tuple(sorted({TEST_CLIENT_ORIGIN, *(o.rstrip("/") for o in extra_origins)}))
        if origins not in started:
            node = require_program("node")
            skip_unless(
                (NODE_DIR / "node_modules" / "oidc-provider").is_dir(),
                "npm oidc-provider is not installed (npm ci --prefix tests/node)",
            )
            providers = [_start(node, name, origins, log_dir) for name in PROVIDER_NAMES]
            try:
                for provider in providers:
                    _wait_for_discovery(provider)
            except BaseException:
                for provider in providers:
                    _stop(provider)
                raise
            started[origins] = providers
        return started[origins]

    yield start
    for providers in started.values():
        for provider in providers:
            _stop(provider)


@pytest.fixture(scope="session")
def oidc_providers(
    start_oidc_providers: Callable[..., list[RunningProvider]],
) -> list[RunningProvider]:
    """Both providers, for the Flask test client (http://localhost)."""
    return start_oidc_providers()


@pytest.fixture(scope="session")
def nordby(oidc_providers: list[RunningProvider]) -> RunningProvider:
    return oidc_providers[0]


@pytest.fixture(scope="session")
def sydby(oidc_providers: list[RunningProvider]) -> RunningProvider:
    return oidc_providers[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that reach a provider process carry the "idp" marker (pyproject.toml), so
    # `-m "not idp"` leaves them out.
    for item in items:
        if "start_oidc_providers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.idp)


# --- the portal configured with the providers ----------------------------------------------


@pytest.fixture
def oidc_app(schema: str, oidc_providers: list[RunningProvider]) -> Iterator[Flask]:
    """The portal with both providers configured (CSRF off, as in the `app` fixture)."""
    with portal_app(schema, OIDC_PROVIDERS=portal_provider_settings(oidc_providers)) as app:
        yield app


@pytest.fixture
def oidc_client(oidc_app: Flask) -> FlaskClient:
    return oidc_app.test_client()


# --- a provider that misbehaves on purpose (tests/rogue_provider.py) -----------------------


@pytest.fixture(scope="session")
def rogue_provider() -> Iterator[RogueProvider]:
    provider = RogueProvider(redirect_uris=[f"{TEST_CLIENT_ORIGIN}/log-ind/rogue/retur"])
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def rogue(rogue_provider: RogueProvider) -> Iterator[RogueProvider]:
    """The rogue provider, honest until a test sets its `fault` (reset after each test)."""
    rogue_provider.reset()
    yield rogue_provider
    rogue_provider.reset()


@pytest.fixture(scope="session")
def rogue_tenants_provider() -> Iterator[RogueProvider]:
    provider = RogueProvider(
        redirect_uris=[f"{TEST_CLIENT_ORIGIN}/log-ind/entra/retur"], multi_tenant=True
    )
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def rogue_tenants(rogue_tenants_provider: RogueProvider) -> Iterator[RogueProvider]:
    """A rogue provider shaped as Entra's multi-tenant endpoint, for a provider named "entra".

    Configure the portal with `rogue_tenants.portal_settings("entra")` (its issuer is the
    template with {tenantid}); reset before and after each test like `rogue`.
    """
    rogue_tenants_provider.reset()
    yield rogue_tenants_provider
    rogue_tenants_provider.reset()


@pytest.fixture
def rogue_app(schema: str, rogue: RogueProvider) -> Iterator[Flask]:
    """The portal with the rogue provider as its only provider, named "rogue"."""
    with portal_app(schema, OIDC_PROVIDERS=[rogue.portal_settings("rogue")]) as app:
        yield app


# --- driving a sign-in without a browser ---------------------------------------------------

FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')
PROMPT = re.compile(r'name="prompt" value="(\w+)"')
ABORT_LINK = re.compile(r'href="([^"]*/abort)"')


@dataclass
class ProviderVisit:
    """What a person's browser did at the provider: where it ended up, with which cookies."""

    authorize_url: str
    callback_url: str
    browser: requests.Session

    @property
    def callback_path(self) -> str:
        """The callback as the Flask test client requests it: path and query."""
        parts = urlsplit(self.callback_url)
        return f"{parts.path}?{parts.query}"


@dataclass
class SignIn:
    start: TestResponse  # the portal's redirect to the provider
    visit: ProviderVisit
    finish: TestResponse  # the portal's answer to the provider's redirect back


def visit_provider(
    authorize_url: str,
    login: str,
    *,
    cancel: bool = False,
    browser: requests.Session | None = None,
) -> ProviderVisit:
    """Follow the provider's pages as a browser would, up to its redirect back to the portal.

    Posts the development login form (any password) and the consent form; with `cancel`, the
    person presses the provider's cancel link instead of signing in.
    """
    browser = browser or requests.Session()
    provider_origin = _origin(authorize_url)
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if _origin(location) != provider_origin:
                return ProviderVisit(authorize_url, location, browser)
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        page = response.text
        assert response.status_code == 200, f"provider answered {response.status_code}: {page}"
        prompt = PROMPT.search(page)
        action = FORM_ACTION.search(page)
        assert prompt and action, f"no interaction form on the provider's page: {page}"
        if cancel:
            abort = ABORT_LINK.search(page)
            assert abort, "no cancel link on the provider's page"
            response = browser.get(
                urljoin(response.url, abort.group(1)), allow_redirects=False, timeout=10
            )
            continue
        form = {"prompt": prompt.group(1)}
        if prompt.group(1) == "login":
            form |= {"login": login, "password": "x"}
        response = browser.post(
            urljoin(response.url, action.group(1)), data=form, allow_redirects=False, timeout=10
        )
    raise AssertionError(f"the provider never redirected back to the portal: {response.text}")


def start_sign_in(client: FlaskClient, provider: RunningProvider) -> TestResponse:
    start = client.get(f"/log-ind/{provider.name}")
    assert start.status_code == 302, start.get_data(as_text=True)
    assert start.headers["Location"].startswith(provider.issuer + "/")
    return start


def sign_in_via(
    client: FlaskClient, provider: RunningProvider, login: str, *, cancel: bool = False
) -> SignIn:
    """A whole sign-in: portal → provider (login, consent) → portal. Returns every step."""
    start = start_sign_in(client, provider)
    visit = visit_provider(start.headers["Location"], login, cancel=cancel)
    finish = client.get(visit.callback_path)
    return SignIn(start, visit, finish)


# --- what a test checks afterwards -------------------------------------------------------


def assert_signed_in_as(client: FlaskClient, person: Person) -> None:
    overview = client.get("/overblik")
    assert overview.status_code == 200
    page = overview.get_data(as_text=True)
    assert "Mit overblik" in page
    assert person.name in page


def assert_not_signed_in(client: FlaskClient) -> None:
    overview = client.get("/overblik")
    assert overview.status_code == 302
    assert urlsplit(overview.headers["Location"]).path == "/log-ind"


def count(model: type) -> int:
    """Rows of `model` committed so far (the requests ran in sessions of their own)."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def refusals() -> list[str]:
    """The reasons of the refused sign-ins audited so far, oldest first."""
    from portal.audit.models import AuditEntry

    db.session.expire_all()
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sign_in_refused").order_by(AuditEntry.id)
    )
    return [row.after["reason"] for row in rows]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

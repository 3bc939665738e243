"""Sign-in through the municipalities' OpenID Connect providers, and sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from joserfc.errors import ClaimError

from portal import audit
from portal.auth import chooser, sessions
from portal.auth.claims import merged, read_claims
from portal.auth.operations import SignInRefused, person_for_claims, record_refusal
from portal.auth.pages import provider_error_text
from portal.auth.providers import (
    REFUSED_ANSWER,
    UNREACHABLE,
    ProviderClient,
    id_token_claims_options,
    oidc_client,
    provider_named,
    provider_or_404,
    providers,
    tenant_issuer_matches,
)
from portal.auth.settings import Provider
from portal.councils.models import Person
from portal.policy import PUBLIC, allow
from portal.ratelimit import sign_in_rate_limited

bp = Blueprint("auth", __name__)

NEXT_KEY = "sign_in_next"
# The device remembers the last choice on the sign-in page (a provider and a label, no person).
LAST_CHOICE_COOKIE = "kkr_sign_in_with"
LAST_CHOICE_MAX_AGE = 400 * 24 * 3600
# Sign-ins started and not finished that the session remembers. Authlib keeps each one's state,
# nonce and PKCE verifier in the session cookie for an hour; a few are enough for someone who
# retried, and the cookie stays small.
PENDING_SIGN_INS = 3
# Up to this many entries the sign-in page lists them all; beyond it, it asks first.
SHORT_LIST = 8


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host (open redirect).

    Control characters are refused too: browsers drop a tab or newline, so "/\t/evil.example"
    would become "//evil.example".
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in target):
        return None
    return target


def start_session(person: Person, provider_name: str, id_token: str | None = None) -> None:
    """A fresh session for the signed-in person: nothing from before sign-in survives."""
    next_url = session.get(NEXT_KEY)
    session.clear()
    sessions.begin(person, provider_name, id_token)
    login_user(person)
    if next_url:
        session[NEXT_KEY] = next_url


def forget_older_sign_ins() -> None:
    """Drop all but the newest pending sign-ins, to make room for one more."""
    pending = sorted(
        (key for key in session if key.startswith("_state_")),
        key=lambda key: (session[key] or {}).get("exp") or 0,
    )
    for key in pending[: max(0, len(pending) - (PENDING_SIGN_INS - 1))]:
        session.pop(key)


def landing_after_sign_in() -> str:
    return safe_next(session.pop(NEXT_KEY, None)) or url_for("overview.show_overview")


def sign_in_failed(kind: str, status: int = 400, **context: Any):  # noqa: ANN201
    return (
        render_template(
            "auth/failed.html",
            kind=kind,
            contact=current_app.config["PORTAL_CONTACT_EMAIL"],
            **context,
        ),
        status,
    )


def refuse(  # noqa: ANN201
    kind: str,
    provider: Provider,
    status: int = 403,
    *,
    issuer: str = "",
    detail: str = "",
    **context: Any,
):
    """Log and audit a refused sign-in, and show the page that says what to do."""
    record_refusal(kind, provider, issuer=issuer, detail=detail)
    return sign_in_failed(kind, status, provider=provider, **context)


# --- choosing a provider ------------------------------------------------------------------


@bp.get("/log-ind")
@allow(PUBLIC)
def sign_in():  # noqa: ANN201
    next_url = safe_next(request.args.get("next"))
    if next_url:
        session[NEXT_KEY] = next_url
    all_entries = chooser.entries(providers())
    query = request.args.get("kommune", "").strip()[:100]
    found = chooser.search(all_entries, query) if query else all_entries
    if query and len(found) == 1:
        return redirect(start_url(found[0]), 303)
    return chooser_page(
        all_entries,
        found=found,
        query=query,
        listed=bool(query) or len(all_entries) <= SHORT_LIST,
        last=chooser.entry_for_key(
            all_entries, providers(), request.cookies.get(LAST_CHOICE_COOKIE)
        ),
        email=request.args.get("email", "")[:254],
    )


def chooser_page(entries: list[chooser.Entry], **context: Any) -> str:
    """The sign-in page; `context` says what it shows beyond the plain list."""
    return render_template(
        "auth/sign_in.html",
        **{
            "entries": entries,
            "found": entries,
            "query": "",
            "listed": True,
            "last": None,
            "email": "",
            "email_unknown": False,
            "email_shared": False,
            **context,
        },
        demo=current_app.config["PORTAL_DEMO"],
        start_url=start_url,
    )


def start_url(entry: chooser.Entry, **params: str) -> str:
    return url_for("auth.start_sign_in", provider_name=entry.provider, valg=entry.label, **params)


@bp.get("/log-ind/e-mail")
@allow(PUBLIC)
def find_by_email():  # noqa: ANN201
    """Home-realm discovery: the e-mail's domain names the provider."""
    address = request.args.get("email", "").strip()[:254]
    found = chooser.providers_for_email(providers(), address) if "@" in address else []
    if len(found) == 1:
        entry = chooser.Entry(found[0].label, found[0].name)
        return redirect(start_url(entry, login_hint=address), 303)
    all_entries = chooser.entries(providers())
    # Several providers share the domain (a migration, a joint IT office): the person picks.
    names = {provider.name for provider in found}
    shared = [entry for entry in all_entries if entry.provider in names]
    page = chooser_page(
        all_entries,
        found=shared or all_entries,
        email=address,
        email_unknown=not shared,
        email_shared=bool(shared),
    )
    return page, 200 if shared else 422


# --- the code flow ------------------------------------------------------------------------


@bp.get("/log-ind/<provider_name>")
@allow(PUBLIC)
@sign_in_rate_limited
def start_sign_in(provider_name: str):  # noqa: ANN201
    provider = provider_or_404(provider_name)
    client = oidc_client(provider)
    redirect_uri = url_for("auth.finish_sign_in", provider_name=provider_name, _external=True)
    forget_older_sign_ins()
    extra = {}
    hint = request.args.get("login_hint", "").strip()
    if hint and len(hint) <= 254 and "@" in hint and hint.isprintable():
        extra["login_hint"] = hint
    try:
        response = client.authorize_redirect(redirect_uri, **extra)
    except UNREACHABLE as error:
        return refuse("provider_unreachable", provider, 502, detail=type(error).__name__)
    # The line chosen on the sign-in page, or the provider itself (chosen by e-mail).
    entry = chooser.entry_for_key(
        chooser.entries(providers()), [provider], f"{provider.name}:{request.args.get('valg')}"
    )
    response.set_cookie(
        LAST_CHOICE_COOKIE,
        entry.key,
        max_age=LAST_CHOICE_MAX_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/log-ind/<provider_name>/retur")
@allow(PUBLIC)
@sign_in_rate_limited
def finish_sign_in(provider_name: str):  # noqa: ANN201
    provider = provider_or_404(provider_name)
    error_code = request.args.get("error")
    if error_code:
        # The person cancelled at the provider, or the provider refused (RFC 6749 4.1.2.1).
        code = error_code[:60] if error_code.isascii() and error_code.isprintable() else "?"
        error = provider_error_text(code)
        return refuse("provider_error", provider, 400, detail=code, error=error)
    client = oidc_client(provider)
    try:
        token, id_claims, userinfo = _answer(provider, client)
    except SignInRefused as refusal:
        # A provider that did not answer is a bad gateway; a wrong answer is a bad request.
        status = 502 if refusal.reason == "provider_unreachable" else 400
        return refuse(refusal.reason, provider, status, detail=refusal.detail)

    issuer = str(id_claims["iss"])
    claims = read_claims(provider, issuer, merged(id_claims, userinfo))
    try:
        person = person_for_claims(provider, claims)
    except SignInRefused as refusal:
        return refuse(refusal.reason, provider, issuer=issuer, detail=refusal.detail)

    start_session(person, provider.name, token.get("id_token"))
    audit.record(
        "signed_in",
        person,
        after={"provider": provider.name},
        council_id=person.council_id,
        actor_id=person.id,
    )
    return redirect(landing_after_sign_in(), 303)


def _answer(
    provider: Provider, client: ProviderClient
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """The token, the ID token's checked claims and (if any) userinfo, or SignInRefused."""
    try:
        client.load_server_metadata()
        token = client.authorize_access_token(
            claims_options=id_token_claims_options(client),
            leeway=current_app.config["PORTAL_OIDC_LEEWAY"],
        )
    except requests.RequestException as error:
        raise SignInRefused("provider_unreachable", type(error).__name__) from error
    except ClaimError as error:
        if error.claim in {"exp", "iat", "nbf"}:
            raise SignInRefused("clock", f"claim {error.claim}") from error
        raise SignInRefused("invalid_token", repr(error)) from error
    except REFUSED_ANSWER as error:
        raise SignInRefused("invalid_token", repr(error)[:200]) from error
    except RuntimeError as error:  # Authlib: the document lacked an endpoint it needed
        raise SignInRefused("provider_unreachable", repr(error)[:200]) from error
    id_claims = dict(token.get("userinfo") or {})
    if not id_claims.get("sub") or not id_claims.get("iss"):
        raise SignInRefused("invalid_token", "no ID token")
    if provider.multi_tenant and not tenant_issuer_matches(provider, id_claims):
        raise SignInRefused("unknown_tenant", f"tid {str(id_claims.get('tid'))[:40]}")
    return token, id_claims, _userinfo(provider, client, token, id_claims)


def _userinfo(
    provider: Provider, client: ProviderClient, token: dict[str, Any], id_claims: dict[str, Any]
) -> dict[str, Any] | None:
    """userinfo when the provider has it and answers; else the ID token's claims stand alone
    (AD FS answers it only with extra parameters, and Entra's lives elsewhere)."""
    if provider.userinfo == "never" or not client.server_metadata.get("userinfo_endpoint"):
        return None
    try:
        userinfo = dict(client.userinfo(token=token))
    except (requests.RequestException, AuthlibBaseError, ValueError) as error:
        current_app.logger.info("no userinfo from %s: %s", provider.name, type(error).__name__)
        return None
    if "sub" not in userinfo:
        return None
    if str(userinfo["sub"]) != str(id_claims["sub"]):
        # userinfo describes another account than the ID token: believe neither.
        raise SignInRefused("invalid_token", "userinfo sub differs")
    return userinfo


# --- signing out --------------------------------------------------------------------------


@bp.post("/log-ud")
@allow(PUBLIC)
def sign_out():  # noqa: ANN201
    row = sessions.current_session() if current_user.is_authenticated else None
    provider = provider_named(row.provider_name) if row else None
    id_token = row.id_token if row else None
    if row is not None:
        # Signing out ends the person's sessions on every device, not only this one.
        sessions.end_all(row.person_id, "signed_out")
        audit.record("signed_out", row.person, council_id=row.person.council_id)
    logout_user()
    session.clear()
    if provider is not None:
        client = oidc_client(provider)
        try:
            end_session = client.load_server_metadata().get("end_session_endpoint")
        except UNREACHABLE:
            end_session = None
        if end_session:
            query = {
                "post_logout_redirect_uri": url_for("auth.signed_out", _external=True),
                "client_id": client.client_id,
            }
            if id_token:
                query["id_token_hint"] = id_token
            return redirect(f"{end_session}?{urlencode(query)}", 303)
    return redirect(url_for("auth.signed_out"), 303)


@bp.get("/logget-ud")
@allow(PUBLIC)
def signed_out():  # noqa: ANN201
    return render_template("auth/signed_out.html")

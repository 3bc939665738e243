"""Sign-in through the municipalities' OpenID Connect providers, and sign-out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_user, logout_user

from portal import audit
from portal.auth.operations import ProviderClaims, SignInRefused, person_for_claims
from portal.auth.providers import (
    REFUSED_ANSWER,
    UNREACHABLE,
    id_token_claims_options,
    is_true,
    oidc_client,
    provider_issuer,
    provider_or_404,
    providers,
)
from portal.councils.models import Person
from portal.policy import PUBLIC, allow
from portal.ratelimit import sign_in_rate_limited

bp = Blueprint("auth", __name__)

NEXT_KEY = "sign_in_next"
PROVIDER_KEY = "sign_in_provider"
ID_TOKEN_KEY = "sign_in_id_token"  # noqa: S105 - a session key, not a secret
# Sign-ins started and not finished that the session remembers. Authlib keeps each one's state,
# nonce and PKCE verifier in the session cookie for an hour, and about twenty of them outgrow
# the 4 KB a browser keeps, which would break sign-in for someone who retried that often.
PENDING_SIGN_INS = 3


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


def start_session(person: Person, **values: Any) -> None:
    """A fresh session for the signed-in person: nothing from before sign-in survives."""
    next_url = session.get(NEXT_KEY)
    session.clear()
    login_user(person)
    session.update(values)
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


def sign_in_failed(kind: str, status: int = 400):  # noqa: ANN201
    return (
        render_template(
            "auth/failed.html", kind=kind, contact=current_app.config["PORTAL_CONTACT_EMAIL"]
        ),
        status,
    )


@bp.get("/log-ind")
@allow(PUBLIC)
def sign_in():  # noqa: ANN201
    next_url = safe_next(request.args.get("next"))
    if next_url:
        session[NEXT_KEY] = next_url
    return render_template(
        "auth/sign_in.html", providers=providers(), demo=current_app.config["PORTAL_DEMO"]
    )


@bp.get("/log-ind/<provider_name>")
@allow(PUBLIC)
@sign_in_rate_limited
def start_sign_in(provider_name: str):  # noqa: ANN201
    client = oidc_client(provider_or_404(provider_name))
    redirect_uri = url_for("auth.finish_sign_in", provider_name=provider_name, _external=True)
    forget_older_sign_ins()
    try:
        return client.authorize_redirect(redirect_uri)
    except UNREACHABLE:
        current_app.logger.warning("identity provider %s unreachable", provider_name)
        return sign_in_failed("provider_unreachable", 502)


@bp.get("/log-ind/<provider_name>/retur")
@allow(PUBLIC)
@sign_in_rate_limited
def finish_sign_in(provider_name: str):  # noqa: ANN201
    provider = provider_or_404(provider_name)
    if request.args.get("error"):
        # The person cancelled at the provider, or the provider refused.
        return sign_in_failed("cancelled")
    client = oidc_client(provider)
    try:
        issuer = provider_issuer(provider, client)
        token = client.authorize_access_token(
            claims_options=id_token_claims_options(issuer, client.client_id)
        )
        id_claims = token.get("userinfo")
        if not id_claims or not id_claims.get("sub"):
            return sign_in_failed("invalid_token")
        userinfo = client.userinfo(token=token)
        if userinfo.get("sub") != id_claims["sub"]:
            return sign_in_failed("invalid_token")
    except REFUSED_ANSWER as error:
        current_app.logger.info("sign-in via %s refused: %r", provider_name, error)
        return sign_in_failed("invalid_token")

    claims = ProviderClaims(
        issuer=issuer,
        subject=str(id_claims["sub"]),
        email=userinfo.get("email") or id_claims.get("email"),
        email_verified=is_true(userinfo.get("email_verified", id_claims.get("email_verified"))),
    )
    try:
        person = person_for_claims(claims)
    except SignInRefused as refusal:
        return sign_in_failed(refusal.reason, 403)

    start_session(person, **{PROVIDER_KEY: provider_name, ID_TOKEN_KEY: token.get("id_token")})
    audit.record("signed_in", person, after={"provider": provider_name}, actor_id=person.id)
    return redirect(landing_after_sign_in(), 303)


@bp.post("/log-ud")
@allow(PUBLIC)
def sign_out():  # noqa: ANN201
    provider_name = session.get(PROVIDER_KEY)
    id_token = session.get(ID_TOKEN_KEY)
    logout_user()
    session.clear()
    provider = next((p for p in providers() if p["name"] == provider_name), None)
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

"""Server-side sign-in sessions: the cookie carries a random token, the row everything else.

Signing out, staff ending a session, removing a binding or ending a membership end rows, and a
copied cookie then signs no one in. Sessions end after an idle time and an absolute time.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context, request, session
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal.auth.models import SignInSession
from portal.councils.models import Person
from portal.extensions import db
from portal.types import utcnow

TOKEN_KEY = "sid"  # noqa: S105 - the session key, not a secret
# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    # Only the hash is stored: a copy of the table signs no one in.
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    person: Person, provider_name: str, *, id_token: str | None = None, user_agent: str = ""
) -> str:
    """A new session row for `person`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignInSession(
            token_hash=_hash(token),
            person=person,
            provider_name=provider_name,
            id_token=id_token,
            user_agent=user_agent[:200],
        )
    )
    return token


def begin(person: Person, provider_name: str, id_token: str | None = None) -> None:
    """Open a session for the request's browser (the caller has cleared the old one)."""
    user_agent = request.user_agent.string if has_request_context() else ""
    session[TOKEN_KEY] = open_session(
        person, provider_name, id_token=id_token, user_agent=user_agent
    )


def session_state(row: SignInSession, now: datetime) -> str | None:
    """Why the row no longer signs anyone in ("idle", "expired"), or None while it does."""
    if now - row.started_at > current_app.config["PORTAL_SESSION_MAX"]:
        return "expired"
    if now - row.last_seen_at > current_app.config["PORTAL_SESSION_IDLE"]:
        return "idle"
    return None


def person_for_request(person_id: str) -> Person | None:
    """Flask-Login's user loader: the person of the cookie's live session, or None."""
    token = session.get(TOKEN_KEY)
    if not token or not isinstance(token, str):
        return None
    row = db.session.scalar(
        select(SignInSession)
        .options(joinedload(SignInSession.person))
        .where(SignInSession.token_hash == _hash(token), SignInSession.ended_at.is_(None))
    )
    if row is None or str(row.person_id) != person_id:
        _forget()
        return None
    now = utcnow()
    lapsed = session_state(row, now)
    if lapsed is not None:
        row.ended_at, row.end_reason = now, lapsed
        _forget()
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    g.sign_in_session = row
    return row.person


def current_session() -> SignInSession | None:
    return g.get("sign_in_session")


def _forget() -> None:
    for key in (TOKEN_KEY, "_user_id", "_fresh", "_id"):
        session.pop(key, None)


def end_all(person_id: int, reason: str) -> int:
    """End every live session of the person, on every device; how many there were."""
    result = db.session.execute(
        update(SignInSession)
        .where(SignInSession.person_id == person_id, SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def end_one(row: SignInSession, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.end_reason = utcnow(), reason


def live_sessions(person_id: int) -> list[SignInSession]:
    """The person's sessions that still sign them in, newest first."""
    now = utcnow()
    rows = db.session.scalars(
        select(SignInSession)
        .where(SignInSession.person_id == person_id, SignInSession.ended_at.is_(None))
        .order_by(SignInSession.last_seen_at.desc())
    )
    return [row for row in rows if session_state(row, now) is None]

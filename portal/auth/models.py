"""How a person signs in: identities bound from OpenID providers, and their sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Person
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Identity(db.Model):
    """A provider's (issuer, sub) bound to a person: at their first sign-in, or by staff."""

    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    # The provider entry it was bound through (its name in PORTAL_OIDC_PROVIDERS).
    provider_name: Mapped[str | None] = mapped_column(String(40))
    bound_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Staff who bound it in advance; None when the person's own first sign-in bound it.
    bound_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # None until the first sign-in with it (a binding staff made in advance).
    first_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    bound_by: Mapped[Person | None] = relationship(foreign_keys=[bound_by_id])


class SignInSession(db.Model):
    """A signed-in browser. The cookie holds a random token; this row holds its hash and
    everything else, so that a session can be ended everywhere and the cookie stays small."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # "demo" for the demo sign-in, else the provider entry's name.
    provider_name: Mapped[str] = mapped_column(String(40))
    # Sent back as id_token_hint when the person signs out at the provider.
    id_token: Mapped[str | None] = mapped_column(Text)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # signed_out, idle, expired, ended_by_staff, binding_removed, membership_ended
    end_reason: Mapped[str | None] = mapped_column(String(40))

    person: Mapped[Person] = relationship()

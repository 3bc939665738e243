"""Binding identity-provider accounts to the people staff registered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal import audit
from portal.auth.models import Identity
from portal.councils.models import Person
from portal.extensions import db
from portal.types import utcnow


class SignInRefused(Exception):
    """The provider vouched for someone the portal will not sign in; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ProviderClaims:
    issuer: str
    subject: str
    email: str | None
    email_verified: bool


def person_for_claims(claims: ProviderClaims) -> Person:
    """The registered person these claims belong to, binding (issuer, sub) on first sign-in.

    Later sign-ins use (issuer, sub) only: a changed e-mail at the provider changes nothing.
    """
    identity = db.session.scalar(
        select(Identity).where(Identity.issuer == claims.issuer, Identity.subject == claims.subject)
    )
    if identity is not None:
        identity.last_sign_in_at = utcnow()
        return identity.person

    if not claims.email or not claims.email_verified:
        raise SignInRefused("unverified_email")
    person = db.session.scalar(
        select(Person).where(func.lower(Person.email) == claims.email.strip().lower())
    )
    if person is None:
        raise SignInRefused("not_registered")
    already_bound = db.session.scalar(
        select(Identity).where(Identity.person_id == person.id, Identity.issuer == claims.issuer)
    )
    if already_bound is not None:
        # Another account at the same provider already signs in as this person.
        raise SignInRefused("bound_to_other_account")
    identity = Identity(person=person, issuer=claims.issuer, subject=claims.subject)
    db.session.add(identity)
    audit.record(
        "identity_bound",
        identity,
        after={"issuer": claims.issuer, "subject": claims.subject},
        actor_id=person.id,
    )
    return person

"""Binding identity-provider accounts to the people staff registered, and ending them.

A provider vouches only for its own e-mail domains (and municipalities): one municipality's
directory admin must never be able to sign in as another municipality's mayor or as the
secretariat, whatever their provider claims.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import audit
from portal.audit.models import AuditEntry
from portal.auth import sessions
from portal.auth.claims import ProviderClaims, email_domain
from portal.auth.models import Identity, SignInSession
from portal.auth.providers import provider_for_issuer
from portal.auth.settings import Provider, municipality_key
from portal.councils.models import Person
from portal.extensions import db
from portal.refusal import Refused
from portal.types import utcnow

log = logging.getLogger("portal.auth")


class SignInRefused(Exception):
    """The portal will not sign this person in; `reason` names the page that says why."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def person_for_claims(provider: Provider, claims: ProviderClaims) -> Person:
    """The registered person these claims belong to, binding (issuer, sub) on first sign-in.

    Later sign-ins use (issuer, sub) only: a changed e-mail at the provider changes nothing.
    """
    identity = db.session.scalar(
        select(Identity).where(Identity.issuer == claims.issuer, Identity.subject == claims.subject)
    )
    if identity is not None:
        now = utcnow()
        identity.first_sign_in_at = identity.first_sign_in_at or now
        identity.last_sign_in_at = now
        return identity.person

    if not provider.binds_first_sign_in:
        raise SignInRefused("not_bound", "provider binds no first sign-in")
    if not claims.email:
        raise SignInRefused("no_email")
    domains, municipalities = provider.vouches_for(claims.issuer)
    if email_domain(claims.email) not in domains:
        raise SignInRefused("outside_domains", f"domain {email_domain(claims.email)}")
    if not claims.email_verified:
        raise SignInRefused("unverified_email")
    person = db.session.scalar(select(Person).where(func.lower(Person.email) == claims.email))
    if person is None:
        raise SignInRefused("not_registered")
    if municipalities and not _in_municipalities(person, municipalities):
        raise SignInRefused("outside_municipality", f"person {person.id}")
    already_bound = db.session.scalar(
        select(Identity).where(Identity.person_id == person.id, Identity.issuer == claims.issuer)
    )
    if already_bound is not None:
        # Another account at the same provider already signs in as this person.
        raise SignInRefused("bound_to_other_account", f"person {person.id}")
    now = utcnow()
    identity = Identity(
        person=person,
        issuer=claims.issuer,
        subject=claims.subject,
        provider_name=provider.name,
        first_sign_in_at=now,
        last_sign_in_at=now,
    )
    db.session.add(identity)
    audit.record(
        "identity_bound",
        identity,
        after={"issuer": claims.issuer, "subject": claims.subject, "provider": provider.name},
        council_id=person.council_id,
        actor_id=person.id,
    )
    return person


def _in_municipalities(person: Person, allowed: tuple[str, ...]) -> bool:
    if person.municipality is None:
        return False
    return municipality_key(person.municipality.name) in {municipality_key(m) for m in allowed}


def record_refusal(
    reason: str, provider: Provider | None, *, issuer: str = "", detail: str = ""
) -> None:
    """A refused sign-in: a WARNING line (never a token or an address) and an audit row.

    Whatever the request had begun is rolled back first; the row is committed on its own,
    since the refusal page's 4xx status rolls the request's transaction back.
    """
    name = provider.name if provider else "?"
    log.warning(
        "sign-in refused: %s (provider %s, issuer %s)%s",
        reason,
        name,
        issuer or (provider.issuer if provider else "?"),
        f": {detail}" if detail else "",
    )
    db.session.rollback()
    db.session.add(
        AuditEntry(
            action="sign_in_refused",
            object_type="SignIn",
            after={"reason": reason, "provider": name, "issuer": issuer, "detail": detail},
        )
    )
    db.session.commit()


# --- what staff do with a person's bindings and sessions ----------------------------------


def bind_in_advance(
    person: Person,
    provider: Provider,
    subject: str,
    tenant_id: str | None = None,
    *,
    bound_by: Person,
) -> Identity:
    """Bind a provider account to a person before their first sign-in (a provider migration,
    or a person whose provider sends no usable address)."""
    subject = subject.strip()
    if provider.multi_tenant:
        if provider.tenant(tenant_id) is None:
            raise Refused("tenant", _("Vælg det katalog (tenant), kontoen hører til."))
        issuer = provider.issuer_for(str(tenant_id))
    else:
        issuer = provider.issuer
    domains, municipalities = provider.vouches_for(issuer)
    if email_domain(person.email) not in domains:
        raise Refused(
            "provider",
            _(
                "%(provider)s må kun logge personer ind med e-mail under %(domains)s.",
                provider=provider.label,
                domains=", ".join(domains) or "–",
            ),
        )
    if municipalities and not _in_municipalities(person, municipalities):
        raise Refused(
            "provider",
            _("%(provider)s logger ikke personer fra denne kommune ind.", provider=provider.label),
        )
    taken = db.session.scalar(
        select(Identity).where(Identity.issuer == issuer, Identity.subject == subject)
    )
    if taken is not None:
        raise Refused("subject", _("Den konto er allerede knyttet til en person."))
    identity = Identity(
        person=person,
        issuer=issuer,
        subject=subject,
        provider_name=provider.name,
        bound_by=bound_by,
    )
    db.session.add(identity)
    audit.record(
        "identity_bound_in_advance",
        identity,
        after={"issuer": issuer, "subject": subject, "provider": provider.name},
        council_id=person.council_id,
    )
    return identity


def remove_binding(identity: Identity) -> None:
    """Staff remove a binding: it signs no one in again, and the person's sessions end."""
    person = identity.person
    audit.record(
        "identity_removed", identity, before=audit.snapshot(identity), council_id=person.council_id
    )
    db.session.delete(identity)
    sessions.end_all(person.id, "binding_removed")


def end_session(row: SignInSession) -> None:
    audit.record(
        "session_ended",
        row,
        before={"started_at": row.started_at.isoformat(), "provider": row.provider_name},
        council_id=row.person.council_id,
    )
    sessions.end_one(row, "ended_by_staff")


def provider_label(identity: Identity) -> str:
    """The provider's label for staff, or its name if it is no longer configured."""
    provider = provider_for_issuer(identity.issuer)
    return provider.label if provider else identity.provider_name or identity.issuer

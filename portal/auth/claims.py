"""What a provider's claims say about who signs in, in the shapes real providers send.

Entra ID, AD FS and OS2faktor send no `email_verified`; Entra puts the address in `email` or
`preferred_username`, AD FS in `upn`, OS2faktor under OIOSAML names; some send booleans as
strings. Each provider entry says where to look (`email_claims`) and whether to trust what it
finds (`trust_email`), always bounded by its domains (portal/auth/operations.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.auth.settings import Provider


@dataclass(frozen=True)
class ProviderClaims:
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    tenant_id: str | None = None


def is_true(value: Any) -> bool:
    """A claim that is true: some providers send "true"/"false" strings for booleans."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def merged(id_token: Mapping[str, Any], userinfo: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ID token's claims with userinfo's on top: userinfo is the fuller answer where a
    provider gives both, and AD FS's userinfo (only `sub`) takes nothing away."""
    claims = dict(id_token)
    for key, value in (userinfo or {}).items():
        if value not in (None, "", []):
            claims[key] = value
    return claims


def first_address(claims: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    """The first of the named claims that holds an e-mail address (OIOSAML may send a list)."""
    for name in names:
        value = claims.get(name)
        if isinstance(value, list):
            value = next((item for item in value if isinstance(item, str)), None)
        if isinstance(value, str) and "@" in value.strip():
            return value.strip().lower()
    return None


def read_claims(provider: Provider, issuer: str, claims: Mapping[str, Any]) -> ProviderClaims:
    """The identity and the address the provider vouches for, and whether it verified it.

    A provider that says the address is not verified is never overruled by `trust_email`.
    """
    stated = claims.get("email_verified")
    if is_false(stated):
        verified = False
    else:
        verified = is_true(stated) or is_true(claims.get("xms_edov")) or provider.trust_email
    tenant = claims.get("tid")
    return ProviderClaims(
        issuer=issuer,
        subject=str(claims["sub"]),
        email=first_address(claims, provider.email_claims),
        email_verified=verified,
        tenant_id=str(tenant).lower() if tenant else None,
    )


def email_domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().lower()
